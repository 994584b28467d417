#include "util/coding.h"

#include <gtest/gtest.h>

#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {

TEST(CodingTest, FixedWidthIsLittleEndian) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0807060504030201ull);
  PutFixed16(&s, 0x0201);
  EXPECT_EQ(ToHex(s),
            "01020304"
            "0102030405060708"
            "0102");
  std::string_view in = s;
  uint32_t a;
  uint64_t b;
  uint16_t c;
  ASSERT_TRUE(GetFixed32(&in, &a));
  ASSERT_TRUE(GetFixed64(&in, &b));
  ASSERT_TRUE(GetFixed16(&in, &c));
  EXPECT_EQ(a, 0x04030201u);
  EXPECT_EQ(b, 0x0807060504030201ull);
  EXPECT_EQ(c, 0x0201);
  EXPECT_FALSE(GetFixed16(&in, &c));
}

TEST(CodingTest, BigEndian64) {
  char buf[8];
  EncodeBigEndian64(buf, 0x0102030405060708ull);
  EXPECT_EQ(ToHex(std::string_view(buf, 8)), "0102030405060708");
  EXPECT_EQ(DecodeBigEndian64(buf), 0x0102030405060708ull);
}

TEST(CodingTest, VarintRoundTripAndLength) {
  Random rnd(test::Seed());
  std::string s;
  std::vector<uint64_t> values = {0, 1, 127, 128, 16383, 16384, (1ull << 32) - 1, ~0ull};
  for (int i = 0; i < 1000; ++i) values.push_back(rnd.Next64() >> rnd.Uniform(64));
  for (uint64_t v : values) PutVarint64(&s, v);
  std::string_view in = s;
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(VarintLength(127), 1);
  EXPECT_EQ(VarintLength(128), 2);
  EXPECT_EQ(VarintLength(~0ull), 10);
}

TEST(CodingTest, TruncatedAndOverlongVarintsAreRejected) {
  std::string s;
  PutVarint32(&s, 1u << 30);
  for (size_t cut = 0; cut < s.size(); ++cut) {
    std::string_view in(s.data(), cut);
    uint32_t v;
    EXPECT_FALSE(GetVarint32(&in, &v)) << cut;
  }
  std::string overlong(6, '\x80');
  std::string_view in = overlong;
  uint32_t v;
  EXPECT_FALSE(GetVarint32(&in, &v));
  std::string too_big = "\xff\xff\xff\xff\x1f";  // > 32 bits
  in = too_big;
  EXPECT_FALSE(GetVarint32(&in, &v));
}

TEST(CodingTest, LengthPrefixedNeverReadsPastEnd) {
  std::string s;
  PutLengthPrefixed32(&s, "hello");
  std::string_view in(s.data(), s.size() - 1);
  std::string_view out;
  EXPECT_FALSE(GetLengthPrefixed32(&in, &out));
  EXPECT_EQ(in.size(), s.size() - 1);  // untouched on failure
  in = s;
  ASSERT_TRUE(GetLengthPrefixed32(&in, &out));
  EXPECT_EQ(out, "hello");
}

}  // namespace mmdb
