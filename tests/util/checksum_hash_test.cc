#include <string>

#include <gtest/gtest.h>

#include "util/crc32.h"
#include "util/hash.h"

namespace mmdb {

TEST(Crc32Test, StandardVectors) {
  // The IEEE CRC-32 check value (zlib's crc32 of "123456789").
  EXPECT_EQ(crc32::Value("123456789"), 0xcbf43926u);
  EXPECT_EQ(crc32::Value(""), 0u);
  EXPECT_EQ(crc32::Value("The quick brown fox jumps over the lazy dog"), 0x414fa339u);
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32::Value(zeros), 0x190a55adu);
}

TEST(Crc32Test, ExtendEqualsWhole) {
  std::string a = "hello ", b = "world";
  EXPECT_EQ(crc32::Extend(crc32::Value(a), b.data(), b.size()), crc32::Value(a + b));
}

TEST(BloomHashTest, MatchesReferenceMurmur2) {
  // Values computed by hand from the algorithm of FORMAT.md (seed 0xbc9f1d34
  // XOR length, m = 0x5bd1e995, r = 24), covering every tail length.
  auto reference = [](std::string_view key) {
    const uint32_t m = 0x5bd1e995;
    uint32_t h = 0xbc9f1d34u ^ static_cast<uint32_t>(key.size());
    size_t i = 0;
    for (; i + 4 <= key.size(); i += 4) {
      uint32_t k = static_cast<uint8_t>(key[i]) | (static_cast<uint8_t>(key[i + 1]) << 8) |
                   (static_cast<uint8_t>(key[i + 2]) << 16) |
                   (static_cast<uint32_t>(static_cast<uint8_t>(key[i + 3])) << 24);
      k *= m;
      k ^= k >> 24;
      k *= m;
      h *= m;
      h ^= k;
    }
    size_t rest = key.size() - i;
    if (rest >= 3) h ^= static_cast<uint32_t>(static_cast<uint8_t>(key[i + 2])) << 16;
    if (rest >= 2) h ^= static_cast<uint32_t>(static_cast<uint8_t>(key[i + 1])) << 8;
    if (rest >= 1) {
      h ^= static_cast<uint8_t>(key[i]);
      h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
  };
  for (std::string key : {"", "a", "ab", "abc", "abcd", "abcde", "\xff\x00\x80zz"}) {
    EXPECT_EQ(BloomHash(key), reference(key)) << key;
  }
}

}  // namespace mmdb
