#include "sst/format.h"

#include <string>

#include "sst/sst_test_util.h"
#include "util/coding.h"
#include "util/compression.h"
#include "util/crc32.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

TEST(FormatTest, BlockHandleIsTwoLittleEndianU64s) {
  BlockHandle h{.offset = 0x0102030405060708ull, .size = 0x1122};
  const std::string enc = h.Encode();
  EXPECT_EQ(enc, std::string("\x08\x07\x06\x05\x04\x03\x02\x01"
                             "\x22\x11\x00\x00\x00\x00\x00\x00",
                             16));
  std::string_view in = enc;
  BlockHandle d;
  ASSERT_TRUE(BlockHandle::DecodeFrom(&in, &d));
  EXPECT_EQ(d, h);
  EXPECT_TRUE(in.empty());
  std::string_view short_input("123456789012345", 15);
  EXPECT_FALSE(BlockHandle::DecodeFrom(&short_input, &d));
}

TEST(FormatTest, FooterBytesArePinned) {
  Footer f;
  f.metaindex_handle = {.offset = 100, .size = 20};
  f.index_handle = {.offset = 125, .size = 30};
  std::string enc;
  f.EncodeTo(&enc);
  ASSERT_EQ(enc.size(), kFooterSize);
  EXPECT_EQ(ToHex(enc),
            "6400000000000000"
            "1400000000000000"  // metaindex handle
            "7d00000000000000"
            "1e00000000000000"    // index handle
            "0000000000000000"    // padding
            "0054535342444d4d");  // magic 0x4D4D444253535400 LE
  Result<Footer> d = Footer::DecodeFrom(enc, "x.sst");
  ASSERT_OK(d.status());
  EXPECT_EQ(d->metaindex_handle, f.metaindex_handle);
  EXPECT_EQ(d->index_handle, f.index_handle);
}

TEST(FormatTest, FooterWithBadMagicIsCorruptionNamingTheFile) {
  Footer f;
  std::string enc;
  f.EncodeTo(&enc);
  enc[47] ^= 1;
  Result<Footer> d = Footer::DecodeFrom(enc, "000042.sst");
  ASSERT_TRUE(d.status().IsCorruption());
  EXPECT_NE(d.status().ToString().find("000042.sst"), std::string::npos);
  EXPECT_TRUE(Footer::DecodeFrom(std::string_view(enc).substr(1), "x").status().IsCorruption());
}

TEST(FormatTest, ReadFooterRejectsShortFiles) {
  test::StringSource src(std::string(47, 'x'));
  EXPECT_TRUE(ReadFooter(src, 47, "a.sst").status().IsCorruption());
  EXPECT_TRUE(ReadFooter(src, 0, "a.sst").status().IsCorruption());
}

TEST(FormatTest, TableFileNameIsZeroPadded) {
  EXPECT_EQ(TableFileName(7), "000007.sst");
  EXPECT_EQ(TableFileName(1234567), "1234567.sst");
}

TEST(FormatTest, IndexValueWithAndWithoutFirstKey) {
  BlockHandle h{.offset = 5, .size = 6};
  std::string v = h.Encode();
  IndexValue iv;
  ASSERT_TRUE(DecodeIndexValue(v, &iv));  // legacy: handle only
  EXPECT_EQ(iv.handle, h);
  EXPECT_TRUE(iv.first_key.empty());
  PutLengthPrefixed32(&v, "first");
  v += "\x01\x00";  // a trailing property list is ignored
  ASSERT_TRUE(DecodeIndexValue(v, &iv));
  EXPECT_EQ(iv.first_key, "first");
  // A length past the end is ignored (no first key), never read.
  std::string bad = h.Encode();
  PutFixed32(&bad, 1000);
  bad += "abc";
  ASSERT_TRUE(DecodeIndexValue(bad, &iv));
  EXPECT_TRUE(iv.first_key.empty());
  EXPECT_FALSE(DecodeIndexValue("short", &iv));
}

// Writes one block with its trailer, as the table builder does.
std::string StoreBlock(std::string_view raw, CompressionType type, BlockHandle* handle,
                       std::string prefix = "") {
  std::string scratch;
  uint8_t codec;
  std::string_view stored = CompressBlockIfSmaller(raw, type, &scratch, &codec);
  std::string file = prefix;
  handle->offset = file.size();
  handle->size = stored.size();
  file.append(stored);
  AppendBlockTrailer(stored, codec, &file);
  return file;
}

TEST(FormatTest, TrailerIsCodecThenCrcOverBlockAndCodec) {
  BlockHandle h;
  const std::string file = StoreBlock("hello", CompressionType::kNone, &h);
  ASSERT_EQ(file.size(), 10u);
  EXPECT_EQ(file[5], '\0');
  const uint32_t crc = crc32::Value(std::string_view("hello\0", 6));
  EXPECT_EQ(DecodeFixed32(file.data() + 6), crc);
}

TEST(FormatTest, CompressesOnlyWhenSmaller) {
  const std::string compressible(4000, 'a');
  for (CompressionType t : {CompressionType::kLZ4, CompressionType::kZstd}) {
    BlockHandle h;
    std::string file = StoreBlock(compressible, t, &h);
    EXPECT_LT(h.size, compressible.size());
    EXPECT_EQ(static_cast<uint8_t>(file[h.size]), static_cast<uint8_t>(t));
    test::StringSource src(file);
    auto block = ReadBlock(src, file.size(), h, true, "t.sst");
    ASSERT_OK(block.status());
    EXPECT_EQ(**block, compressible);
    // Incompressible input is stored raw with codec 0.
    BlockHandle h2;
    std::string file2 = StoreBlock("xy", t, &h2);
    EXPECT_EQ(h2.size, 2u);
    EXPECT_EQ(file2[2], '\0');
  }
}

TEST(FormatTest, ReadBlockRejectsBadBlocksWithCorruption) {
  BlockHandle h;
  const std::string file = StoreBlock(std::string(300, 'z'), CompressionType::kZstd, &h, "pad");
  test::StringSource src(file);
  ASSERT_OK(ReadBlock(src, file.size(), h, true, "f.sst").status());

  auto expect_corrupt = [](const std::string& bytes, BlockHandle handle, bool verify) {
    test::StringSource s(bytes);
    auto r = ReadBlock(s, bytes.size(), handle, verify, "000009.sst");
    ASSERT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    EXPECT_NE(r.status().ToString().find("000009.sst"), std::string::npos);
    EXPECT_NE(r.status().ToString().find("offset"), std::string::npos);
  };
  // Past the end, overflowing offset, oversized claim.
  expect_corrupt(file, BlockHandle{.offset = h.offset, .size = h.size + 1}, true);
  expect_corrupt(file, BlockHandle{.offset = ~0ull - 2, .size = 4}, true);
  expect_corrupt(file, BlockHandle{.offset = 0, .size = (64u << 20) + 1}, true);
  // Flipped payload byte: checksum.
  std::string flipped = file;
  flipped[h.offset + 2] ^= 0x10;
  expect_corrupt(flipped, h, true);
  // Unknown codec (with a matching CRC, so only the codec is wrong).
  std::string codec = file.substr(0, h.offset + h.size);
  std::string_view stored(codec.data() + h.offset, h.size);
  std::string tail;
  AppendBlockTrailer(stored, 7, &tail);
  codec += tail;
  expect_corrupt(codec, h, true);
  // Garbage under a valid codec byte and CRC: does not decompress.
  std::string garbage = "pad" + std::string(h.size, '\x55');
  std::string t2;
  AppendBlockTrailer(std::string_view(garbage).substr(3), 3, &t2);
  garbage += t2;
  expect_corrupt(garbage, h, true);
}

}  // namespace
}  // namespace mmdb
