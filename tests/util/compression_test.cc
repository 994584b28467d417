#include "util/compression.h"

#include <gtest/gtest.h>

#include "util/coding.h"
#include "util/test_util.h"

namespace mmdb {

namespace {
std::string Compressible(size_t n) {
  std::string s;
  while (s.size() < n) s += "compressible text block ";
  s.resize(n);
  return s;
}
}  // namespace

TEST(CompressionTest, RoundTripEveryCodec) {
  const std::string input = Compressible(20000);
  for (CompressionType t : {CompressionType::kLZ4, CompressionType::kZstd}) {
    std::string compressed, out;
    ASSERT_TRUE(CompressBlock(t, input, &compressed)) << CompressionTypeName(t);
    EXPECT_LT(compressed.size(), input.size());
    ASSERT_OK(UncompressBlock(static_cast<uint8_t>(t), compressed, &out));
    EXPECT_EQ(out, input);
  }
}

TEST(CompressionTest, Lz4StoresLittleEndianLengthThenBlock) {
  const std::string input = Compressible(1000);
  std::string compressed;
  ASSERT_TRUE(CompressBlock(CompressionType::kLZ4, input, &compressed));
  EXPECT_EQ(DecodeFixed32(compressed.data()), 1000u);
}

TEST(CompressionTest, IncompressibleInputIsRefused) {
  std::string input = "x";
  std::string out;
  EXPECT_FALSE(CompressBlock(CompressionType::kLZ4, input, &out));
  EXPECT_FALSE(CompressBlock(CompressionType::kZstd, input, &out));
  EXPECT_FALSE(CompressBlock(CompressionType::kNone, Compressible(1000), &out));
}

TEST(CompressionTest, GarbageIsCorruptionNotCrash) {
  std::string out;
  EXPECT_TRUE(UncompressBlock(2, "\x10\x00\x00\x00garbage", &out).IsCorruption());
  EXPECT_TRUE(UncompressBlock(2, "\xff\xff\xff\x7f", &out).IsCorruption());  // > 64 MiB claim
  EXPECT_TRUE(UncompressBlock(2, "ab", &out).IsCorruption());
  EXPECT_TRUE(UncompressBlock(3, "not zstd at all", &out).IsCorruption());
  EXPECT_TRUE(UncompressBlock(1, "abc", &out).IsCorruption());  // unknown codec
  std::string compressed;
  ASSERT_TRUE(CompressBlock(CompressionType::kZstd, Compressible(5000), &compressed));
  compressed.resize(compressed.size() / 2);
  EXPECT_TRUE(UncompressBlock(3, compressed, &out).IsCorruption());
}

}  // namespace mmdb
