#include "bench/keys.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace mmdb_bench {

uint64_t KeyFormatter::Capacity(int key_size) {
  uint64_t cap = 1;
  for (int i = 0; i < key_size; ++i) {
    if (cap > UINT64_MAX / 10) return UINT64_MAX;
    cap *= 10;
  }
  return cap;
}

ValuePool::ValuePool(int value_size, double compression_ratio, uint64_t seed)
    : value_size_(static_cast<size_t>(value_size)) {
  constexpr size_t kPoolBytes = 1u << 20;
  BenchRandom rnd(seed ^ 0x5eed5eedull);
  // Pieces of 100 bytes: the first ratio * 100 random, the rest repeating them.
  constexpr size_t kPiece = 100;
  size_t random_len = std::clamp<size_t>(
      static_cast<size_t>(std::lround(compression_ratio * static_cast<double>(kPiece))), 1, kPiece);
  data_.reserve(kPoolBytes + value_size_ + kPiece);
  while (data_.size() < kPoolBytes + value_size_ + 1) {
    std::string piece;
    for (size_t i = 0; i < random_len; ++i) {
      piece.push_back(static_cast<char>(' ' + rnd.Uniform(95)));
    }
    while (piece.size() < kPiece) piece.push_back(piece[piece.size() - random_len]);
    data_ += piece;
  }
}

std::vector<uint64_t> Permutation(uint64_t n, uint64_t seed) {
  std::vector<uint64_t> v(n);
  for (uint64_t i = 0; i < n; ++i) v[i] = i;
  BenchRandom rnd(seed);
  for (uint64_t i = n; i > 1; --i) std::swap(v[i - 1], v[rnd.Uniform(i)]);
  return v;
}

}  // namespace mmdb_bench
