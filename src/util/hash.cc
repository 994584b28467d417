#include "util/hash.h"

#include <xxhash.h>

#include "util/coding.h"

namespace mmdb {

uint32_t MurmurHash2(const char* data, size_t n, uint32_t seed) {
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  uint32_t h = seed ^ static_cast<uint32_t>(n);
  const char* p = data;
  while (n >= 4) {
    uint32_t k = DecodeFixed32(p);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
    p += 4;
    n -= 4;
  }
  const auto* tail = reinterpret_cast<const uint8_t*>(p);
  switch (n) {
    case 3:
      h ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= tail[0];
      h *= kM;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return h;
}

uint64_t Hash64(std::string_view data) { return XXH3_64bits(data.data(), data.size()); }

}  // namespace mmdb
