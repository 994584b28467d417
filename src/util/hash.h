// Hash functions with a fixed, documented output (they are part of file
// formats or of cache sharding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mmdb {

// 32-bit MurmurHash2 (multiplier 0x5bd1e995, r = 24), little-endian 4-byte
// reads, the usual tail and final mix; the state starts at seed ^ n.
uint32_t MurmurHash2(const char* data, size_t n, uint32_t seed);

// The bloom filter hash of the SST format (FORMAT.md "Bloom filters"): the
// initial state is 0xbc9f1d34 XOR the key length.
inline uint32_t BloomHash(std::string_view key) {
  return MurmurHash2(key.data(), key.size(), 0xbc9f1d34u);
}

// Fast 64-bit hash for in-memory use only (cache shards, hash sets): xxh3.
uint64_t Hash64(std::string_view data);

}  // namespace mmdb
