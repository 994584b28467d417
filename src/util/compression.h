// Block compression codecs of the SST format (FORMAT.md "Compression"):
//   LZ4  = u32 LE uncompressed length ‖ one standard LZ4 *block* (liblz4)
//   Zstd = one standard zstd frame, level 3 (libzstd)
// The codec byte values are CompressionType's (0 none, 2 LZ4, 3 Zstd).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <mmdb/options.h>
#include <mmdb/status.h>

namespace mmdb {

// Readers refuse blocks claiming more than this many uncompressed bytes.
inline constexpr size_t kMaxUncompressedBlockSize = 64u << 20;

// Compresses `input` with `type` into *output (replacing its content).
// Returns false when the codec failed or the result is not smaller than the
// input: the caller then stores the block uncompressed (type kNone).
bool CompressBlock(CompressionType type, std::string_view input, std::string* output);

// Decompresses a block stored with codec byte `type` into *output.
// Corruption on an unknown codec, a malformed payload, or a claimed size
// above kMaxUncompressedBlockSize.
Status UncompressBlock(uint8_t type, std::string_view input, std::string* output);

// True for the codec bytes a reader understands (0, 2, 3).
bool IsKnownCompressionType(uint8_t type);
const char* CompressionTypeName(CompressionType type);

}  // namespace mmdb
