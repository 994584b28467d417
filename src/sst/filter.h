// Bloom filters of the SST format (FORMAT.md "Bloom filters"), bit for bit
// the Rust engine's:
//
//   filter := bit array (bytes = ceil(max(n * bits_per_key, 64) / 8))
//             ‖ k (u8) = round(bits_per_key * ln 2) clamped to [1, 30]
//   probe  := h = BloomHash(key); delta = rotl(h, 15);
//             k times: bit (h mod bits), bits = 8 * (len - 1); h += delta
//
// One filter per SST over user keys (one hash per point entry, duplicates
// included) and, with a prefix length, one over the distinct key prefixes.
//
// Owner: sst. Thread safety: free functions over immutable bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mmdb {

// k for `bits_per_key`: round(bits_per_key * ln 2) clamped to [1, 30].
int BloomNumProbes(int bits_per_key);

// Size in bytes (bit array + the k byte) of a filter over `num_keys` keys.
size_t BloomFilterSize(size_t num_keys, int bits_per_key);

// Builds a filter from precomputed BloomHash values. REQUIRES: bits_per_key > 0.
std::string BuildBloomFilter(std::span<const uint32_t> hashes, int bits_per_key);

// True when the key whose BloomHash is `hash` may be in `filter`. Always
// true for a filter shorter than 2 bytes or whose k byte exceeds 30.
bool BloomHashMayMatch(uint32_t hash, std::string_view filter);
// BloomHashMayMatch(BloomHash(key), filter).
bool BloomKeyMayMatch(std::string_view key, std::string_view filter);

}  // namespace mmdb
