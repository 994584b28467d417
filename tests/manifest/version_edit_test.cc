// VersionEdit encoding: exact bytes (pinned to the Rust engine's layout),
// round trips, and rejection of every malformed input.
#include "manifest/version_edit.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "types/internal_key.h"
#include "util/coding.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

FileMetaData MakeFile(uint64_t number, std::string_view small, std::string_view large,
                      uint64_t size = 4096, bool range_dels = false) {
  FileMetaData f;
  f.number = number;
  f.file_size = size;
  f.smallest = MakeInternalKey(small, 10, ValueType::kValue);
  f.largest = MakeInternalKey(large, 5, ValueType::kDeletion);
  f.has_range_deletions = range_dels;
  return f;
}

VersionEdit FullEdit() {
  VersionEdit e;
  e.SetLogNumber(42);
  e.SetNextFileNumber(100);
  e.SetLastSequence(999);
  e.AddFile(0, MakeFile(10, "aaa", "zzz"));
  e.AddFile(3, MakeFile(20, "b", "y", 1 << 20, true));
  e.RemoveFile(0, 5);
  e.RemoveFile(1, 15);
  return e;
}

TEST(VersionEditTest, RoundTrip) {
  VersionEdit e = FullEdit();
  std::string enc;
  e.EncodeTo(&enc);
  VersionEdit d;
  ASSERT_OK(d.DecodeFrom(enc));
  EXPECT_EQ(d.log_number(), 42u);
  EXPECT_EQ(d.next_file_number(), 100u);
  EXPECT_EQ(d.last_sequence(), 999u);
  ASSERT_EQ(d.new_files().size(), 2u);
  EXPECT_EQ(d.new_files()[1].first, 3);
  EXPECT_EQ(d.new_files()[1].second.number, 20u);
  EXPECT_EQ(d.new_files()[1].second.file_size, 1u << 20);
  EXPECT_TRUE(d.new_files()[1].second.has_range_deletions);
  EXPECT_EQ(d.new_files()[0].second.smallest, MakeInternalKey("aaa", 10, ValueType::kValue));
  ASSERT_EQ(d.deleted_files().size(), 2u);
  EXPECT_EQ(d.deleted_files()[1], (std::pair<int, uint64_t>(1, 15)));
  std::string again;
  d.EncodeTo(&again);
  EXPECT_EQ(again, enc);
  EXPECT_NE(d.DebugString().find("add L3 #000020"), std::string::npos) << d.DebugString();
}

TEST(VersionEditTest, EmptyEditEncodesToNothing) {
  std::string enc;
  VersionEdit().EncodeTo(&enc);
  EXPECT_TRUE(enc.empty());
  VersionEdit d;
  ASSERT_OK(d.DecodeFrom(""));
  EXPECT_FALSE(d.log_number().has_value());
}

// The initial edit of a fresh DB, byte for byte as the Rust engine writes it
// (the first record of every golden MANIFEST-000001).
TEST(VersionEditTest, InitialEditExactBytes) {
  VersionEdit e;
  e.SetNextFileNumber(2);
  e.SetLastSequence(0);
  std::string enc;
  e.EncodeTo(&enc);
  EXPECT_EQ(ToHex(enc),
            "02"
            "0200000000000000"
            "03"
            "0000000000000000");
}

TEST(VersionEditTest, ExactBytesOfEveryTag) {
  VersionEdit e;
  e.SetLogNumber(0x0102);
  FileMetaData f;
  f.number = 7;
  f.file_size = 0x1234;
  f.smallest = std::string("a") + std::string(8, '\x01');
  f.largest = std::string("bc") + std::string(8, '\x02');
  f.has_range_deletions = true;
  e.AddFile(1, f);
  e.RemoveFile(2, 9);
  std::string enc;
  e.EncodeTo(&enc);
  EXPECT_EQ(ToHex(enc),
            "01"
            "0201000000000000"  // log number
            "06"
            "01000000"
            "0700000000000000"
            "3412000000000000"
            "09000000"
            "61"
            "0101010101010101"  // smallest
            "0a000000"
            "6263"
            "0202020202020202"  // largest
            "01"                // has_range_deletions
            "05"
            "02000000"
            "0900000000000000");  // deleted file
}

TEST(VersionEditTest, DecodesLegacyTag4) {
  std::string enc;
  enc.push_back(4);
  PutFixed32(&enc, 2);
  PutFixed64(&enc, 77);
  PutFixed64(&enc, 1000);
  PutLengthPrefixed32(&enc, MakeInternalKey("k1", 1, ValueType::kValue));
  PutLengthPrefixed32(&enc, MakeInternalKey("k9", 1, ValueType::kValue));
  VersionEdit d;
  ASSERT_OK(d.DecodeFrom(enc));
  ASSERT_EQ(d.new_files().size(), 1u);
  EXPECT_EQ(d.new_files()[0].first, 2);
  EXPECT_EQ(d.new_files()[0].second.number, 77u);
  EXPECT_FALSE(d.new_files()[0].second.has_range_deletions);
}

TEST(VersionEditTest, EveryTruncationIsCorruption) {
  const VersionEdit full = FullEdit();
  std::string enc;
  full.EncodeTo(&enc);
  // Cuts at field boundaries decode as a shorter valid edit; every other cut
  // must be Corruption, never a crash.
  std::vector<size_t> boundaries = {0, 9, 18, 27};
  size_t pos = 27;
  for (const auto& [level, f] : full.new_files()) {
    pos += 1 + 4 + 8 + 8 + 4 + f.smallest.size() + 4 + f.largest.size() + 1;
    boundaries.push_back(pos);
  }
  boundaries.push_back(pos + 13);
  boundaries.push_back(pos + 26);
  ASSERT_EQ(boundaries.back(), enc.size());
  for (size_t cut = 0; cut < enc.size(); ++cut) {
    VersionEdit d;
    Status s = d.DecodeFrom(std::string_view(enc).substr(0, cut));
    const bool boundary = std::find(boundaries.begin(), boundaries.end(), cut) != boundaries.end();
    if (boundary) {
      EXPECT_OK(s);
    } else {
      EXPECT_TRUE(s.IsCorruption()) << "cut " << cut << ": " << s.ToString();
    }
  }
}

TEST(VersionEditTest, UnknownTagIsCorruption) {
  for (char tag : {'\0', '\x07', '\xff'}) {
    std::string enc;
    VersionEdit e;
    e.SetLogNumber(3);
    e.EncodeTo(&enc);
    enc.push_back(tag);
    PutFixed64(&enc, 1);
    VersionEdit d;
    Status s = d.DecodeFrom(enc);
    EXPECT_TRUE(s.IsCorruption()) << static_cast<int>(tag);
    EXPECT_NE(s.ToString().find("unknown tag"), std::string::npos) << s.ToString();
  }
}

TEST(VersionEditTest, TrailingGarbageIsCorruption) {
  std::string enc;
  FullEdit().EncodeTo(&enc);
  enc += "\x05\x01";  // a deleted-file tag cut short
  VersionEdit d;
  EXPECT_TRUE(d.DecodeFrom(enc).IsCorruption());
}

TEST(VersionEditTest, KeysShorterThanTrailerAreCorruption) {
  for (int which = 0; which < 2; ++which) {
    FileMetaData f = MakeFile(1, "a", "b");
    (which == 0 ? f.smallest : f.largest) = "short";
    VersionEdit e;
    e.AddFile(1, f);
    std::string enc;
    e.EncodeTo(&enc);
    VersionEdit d;
    EXPECT_TRUE(d.DecodeFrom(enc).IsCorruption()) << which;
  }
}

TEST(VersionEditTest, HugeKeyLengthIsCorruptionNotAnAllocation) {
  std::string enc;
  enc.push_back(6);
  PutFixed32(&enc, 1);
  PutFixed64(&enc, 1);
  PutFixed64(&enc, 1);
  PutFixed32(&enc, 0xffffffffu);
  enc += "abc";
  VersionEdit d;
  EXPECT_TRUE(d.DecodeFrom(enc).IsCorruption());
}

TEST(VersionEditTest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(test::Seed());
  SCOPED_TRACE("seed " + std::to_string(test::Seed()));
  std::string enc;
  FullEdit().EncodeTo(&enc);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bad = enc;
    bad[rng() % bad.size()] = static_cast<char>(rng());
    if (rng() % 2) bad.resize(rng() % (bad.size() + 1));
    VersionEdit d;
    Status s = d.DecodeFrom(bad);
    // A mutation may still decode (e.g. a changed counter value); it must
    // never crash, and every failure is Corruption.
    if (s.ok()) {
      EXPECT_FALSE(d.DebugString().empty());
    } else {
      EXPECT_TRUE(s.IsCorruption());
    }
  }
}

// A trivial move as the Rust engine records it: the new file first, then the
// deletion at the old level, same number.
TEST(VersionEditTest, TrivialMoveEditRoundTrips) {
  VersionEdit e;
  e.AddFile(6, MakeFile(1376, "a", "m"));
  e.RemoveFile(0, 1376);
  std::string enc;
  e.EncodeTo(&enc);
  EXPECT_EQ(enc[0], 6);
  EXPECT_EQ(enc[enc.size() - 13], 5);
  VersionEdit d;
  ASSERT_OK(d.DecodeFrom(enc));
  EXPECT_EQ(d.new_files()[0].second.number, d.deleted_files()[0].second);
}

}  // namespace
}  // namespace mmdb
