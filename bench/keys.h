// Key and value generation for mmdb_bench: a seeded random source,
// fixed-width decimal keys and a pool of partly compressible values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmdb_bench {

// SplitMix64: tiny, fast, statistically fine for choosing keys. Same seed,
// same sequence, on every engine.
class BenchRandom {
 public:
  explicit BenchRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (Lemire's multiply-shift; the bias is < n / 2^64).
  uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

 private:
  uint64_t state_;
};

// Key number -> key_size bytes of zero-padded decimal ("0000000000000042"),
// so keys sort like their numbers. A missing key is the same key plus '.',
// which sorts between two existing keys and is never written.
class KeyFormatter {
 public:
  explicit KeyFormatter(int key_size) : buf_(static_cast<size_t>(key_size) + 1, '0') {}
  std::string_view Key(uint64_t n) {
    Fill(n);
    return std::string_view(buf_.data(), buf_.size() - 1);
  }
  std::string_view MissingKey(uint64_t n) {
    Fill(n);
    buf_.back() = '.';
    return std::string_view(buf_.data(), buf_.size());
  }
  // Largest key number that fits in key_size digits (saturating).
  static uint64_t Capacity(int key_size);

 private:
  void Fill(uint64_t n) {
    size_t i = buf_.size() - 1;
    while (i > 0) {
      buf_[--i] = static_cast<char>('0' + n % 10);
      n /= 10;
    }
  }
  std::string buf_;
};

// A pool of value bytes where each value_size window compresses to about
// `compression_ratio` of its size (random printable bytes, repeated).
class ValuePool {
 public:
  ValuePool(int value_size, double compression_ratio, uint64_t seed);
  // A value_size view that changes with `n`; valid for the pool's life.
  std::string_view Value(uint64_t n) const {
    size_t offset = static_cast<size_t>((n * 997) % (data_.size() - value_size_));
    return std::string_view(data_.data() + offset, value_size_);
  }

 private:
  size_t value_size_;
  std::string data_;
};

// The numbers 0..n-1 in a seeded random order.
std::vector<uint64_t> Permutation(uint64_t n, uint64_t seed);

}  // namespace mmdb_bench
