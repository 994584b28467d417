// CRC-32 (IEEE 802.3, the zlib polynomial; not CRC32C), the checksum of every
// MMDB file format. Stored unmasked, u32 little-endian (FORMAT.md).
// Backed by libdeflate's table-free, PCLMUL-accelerated implementation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mmdb::crc32 {

// CRC of data[0, n).
uint32_t Value(const char* data, size_t n);
inline uint32_t Value(std::string_view data) { return Value(data.data(), data.size()); }

// CRC of (the bytes whose CRC is `crc`) followed by data[0, n).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

}  // namespace mmdb::crc32
