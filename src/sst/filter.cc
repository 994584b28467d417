#include "sst/filter.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "util/hash.h"

namespace mmdb {

namespace {
// Keeps the bit count representable as u32 (the probe arithmetic is 32-bit).
constexpr uint64_t kMaxFilterBytes = UINT32_MAX / 8;
}  // namespace

int BloomNumProbes(int bits_per_key) {
  const long k = std::lround(static_cast<double>(bits_per_key) * 0.69314718055994530942);
  return static_cast<int>(std::clamp<long>(k, 1, 30));
}

size_t BloomFilterSize(size_t num_keys, int bits_per_key) {
  const uint64_t bpk = bits_per_key > 0 ? static_cast<uint64_t>(bits_per_key) : 0;
  const uint64_t bits = std::max<uint64_t>(static_cast<uint64_t>(num_keys) * bpk, 64);
  return static_cast<size_t>(std::min((bits + 7) / 8, kMaxFilterBytes) + 1);
}

std::string BuildBloomFilter(std::span<const uint32_t> hashes, int bits_per_key) {
  const size_t size = BloomFilterSize(hashes.size(), bits_per_key);
  const int k = BloomNumProbes(bits_per_key);
  const uint32_t bits = static_cast<uint32_t>((size - 1) * 8);
  std::string filter(size, '\0');
  filter[size - 1] = static_cast<char>(k);
  for (uint32_t h : hashes) {
    const uint32_t delta = std::rotl(h, 15);
    for (int j = 0; j < k; ++j) {
      const uint32_t pos = h % bits;
      filter[pos / 8] = static_cast<char>(filter[pos / 8] | (1 << (pos % 8)));
      h += delta;
    }
  }
  return filter;
}

bool BloomHashMayMatch(uint32_t hash, std::string_view filter) {
  if (filter.size() < 2) return true;
  const uint32_t k = static_cast<uint8_t>(filter.back());
  if (k > 30) return true;
  const uint32_t bits = static_cast<uint32_t>((filter.size() - 1) * 8);
  uint32_t h = hash;
  const uint32_t delta = std::rotl(h, 15);
  for (uint32_t j = 0; j < k; ++j) {
    const uint32_t pos = h % bits;
    if ((static_cast<uint8_t>(filter[pos / 8]) & (1u << (pos % 8))) == 0) return false;
    h += delta;
  }
  return true;
}

bool BloomKeyMayMatch(std::string_view key, std::string_view filter) {
  return BloomHashMayMatch(BloomHash(key), filter);
}

}  // namespace mmdb
