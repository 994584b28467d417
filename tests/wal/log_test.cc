// Tests of wal::Writer and wal::Reader: framing, fragmentation, byte-exact
// headers, and how each kind of damage is classified (clean EOF, torn tail,
// corruption).
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/env.h>

#include "util/coding.h"
#include "util/crc32.h"
#include "util/golden.h"
#include "util/test_util.h"
#include "wal/log_format.h"
#include "wal/log_test_util.h"
#include "wal/reader.h"
#include "wal/writer.h"

namespace mmdb::wal {
namespace {

using EndState = Reader::EndState;

std::string BigString(std::string_view seed, size_t n) {
  std::string r;
  while (r.size() < n) r.append(seed);
  r.resize(n);
  return r;
}

class CountingReporter final : public Reader::Reporter {
 public:
  void Corruption(size_t bytes, const Status& status) override {
    dropped += bytes;
    ++calls;
    last = status;
  }
  size_t dropped = 0;
  int calls = 0;
  Status last;
};

struct ReadResult {
  std::vector<std::string> records;
  EndState state;
  Status status;
  uint64_t last_end;
  uint64_t bad_offset;
  size_t dropped;
};

ReadResult ReadAll(const std::string& contents, bool verify = true) {
  CountingReporter reporter;
  Reader reader(std::make_unique<test::StringSource>(contents), &reporter, verify);
  ReadResult r;
  std::string scratch;
  std::string_view rec;
  while (reader.ReadRecord(&rec, &scratch)) r.records.emplace_back(rec);
  EXPECT_FALSE(reader.ReadRecord(&rec, &scratch));  // stays at the end
  r.state = reader.end_state();
  r.status = reader.status();
  r.last_end = reader.last_record_end_offset();
  r.bad_offset = reader.bad_offset();
  r.dropped = reporter.dropped;
  EXPECT_EQ(reporter.calls, r.state == EndState::kEof ? 0 : 1);
  return r;
}

std::string Write(const std::vector<std::string>& records) {
  std::string contents;
  Writer w(std::make_unique<test::StringSink>(&contents));
  for (const auto& r : records) EXPECT_OK(w.AddRecord(r));
  EXPECT_EQ(w.file_size(), contents.size());
  return contents;
}

TEST(WalWriterTest, FullRecordExactBytes) {
  const std::string contents = Write({"hello"});
  ASSERT_EQ(contents.size(), kHeaderSize + 5);
  const char type = 1;
  const uint32_t crc = crc32::Extend(crc32::Value(&type, 1), "hello", 5);
  std::string expected;
  PutFixed32(&expected, crc);
  expected += std::string("\x05\x00\x01", 3);
  expected += "hello";
  EXPECT_EQ(ToHex(contents), ToHex(expected));
  // The CRC of "\x01hello" (IEEE, as zlib computes it).
  EXPECT_EQ(crc, crc32::Value(std::string_view("\x01hello", 6)));
  EXPECT_EQ(ToHex(contents.substr(4)), "05000168656c6c6f");
}

TEST(WalWriterTest, EmptyRecordIsAFullFragment) {
  const std::string contents = Write({""});
  ASSERT_EQ(contents.size(), kHeaderSize);
  EXPECT_EQ(contents[6], 1);
  EXPECT_EQ(DecodeFixed16(contents.data() + 4), 0);
  auto r = ReadAll(contents);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0], "");
  EXPECT_EQ(r.state, EndState::kEof);
}

TEST(WalWriterTest, RoundTripManySizes) {
  std::vector<std::string> records = {"",
                                      "a",
                                      BigString("x", kMaxFragmentPayload),  // exactly one block
                                      "after",
                                      BigString("span3", 3 * kBlockSize + 100),
                                      "",
                                      BigString("medium", 1000)};
  const std::string contents = Write(records);
  auto r = ReadAll(contents);
  EXPECT_EQ(r.state, EndState::kEof);
  EXPECT_TRUE(r.status.ok());
  ASSERT_EQ(r.records.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(r.records[i], records[i]) << i;
  EXPECT_EQ(r.last_end, contents.size());
}

TEST(WalWriterTest, RecordFillingABlockLeavesNoPadding) {
  // "" (7 bytes) then a record filling the rest of block 0 exactly.
  const std::string contents = Write({"", BigString("f", kBlockSize - 2 * kHeaderSize), "next"});
  ASSERT_EQ(contents.size(), kBlockSize + kHeaderSize + 4);
  EXPECT_EQ(contents[kBlockSize + 6], 1);  // FULL at the start of block 1
}

TEST(WalWriterTest, BlockTailShorterThanHeaderIsZeroPadded) {
  // Leave exactly 6 bytes in block 0.
  const size_t first = kBlockSize - kHeaderSize - 6;
  std::string contents = Write({BigString("p", first), "z"});
  ASSERT_EQ(contents.size(), kBlockSize + kHeaderSize + 1);
  EXPECT_EQ(contents.substr(kBlockSize - 6, 6), std::string(6, '\0'));
  EXPECT_EQ(contents[kBlockSize + 6], 1);
  auto r = ReadAll(contents);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1], "z");
  contents[kBlockSize - 3] = 'x';  // damaged padding
  EXPECT_EQ(ReadAll(contents).state, EndState::kCorruption);
}

TEST(WalWriterTest, ExactlySevenBytesLeftHoldAnEmptyFirstFragment) {
  // With 7 bytes left, a header fits: a FIRST fragment of 0 bytes, then LAST.
  const size_t first = kBlockSize - 2 * kHeaderSize;
  const std::string contents = Write({BigString("q", first), "abc"});
  ASSERT_EQ(contents.size(), kBlockSize + kHeaderSize + 3);
  EXPECT_EQ(contents[kBlockSize - 1], 2);  // FIRST, length 0
  EXPECT_EQ(DecodeFixed16(contents.data() + kBlockSize - 3), 0);
  EXPECT_EQ(contents[kBlockSize + 6], 4);  // LAST
  auto r = ReadAll(contents);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1], "abc");
}

TEST(WalWriterTest, FragmentTypesForARecordSpanningThreeBlocks) {
  const std::string contents = Write({BigString("m", 2 * kBlockSize + 10)});
  EXPECT_EQ(contents[6], 2);
  EXPECT_EQ(contents[kBlockSize + 6], 3);
  EXPECT_EQ(contents[2 * kBlockSize + 6], 4);
}

TEST(WalWriterTest, ContinuesAtAnExistingOffset) {
  std::string contents = Write({BigString("c", kBlockSize - 100)});
  const uint64_t len = contents.size();
  {
    Writer w(std::make_unique<test::StringSink>(&contents), len);
    ASSERT_OK(w.AddRecord(BigString("d", 500)));
    EXPECT_EQ(w.file_size(), contents.size());
  }
  auto r = ReadAll(contents);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1], BigString("d", 500));
  EXPECT_EQ(r.state, EndState::kEof);
}

TEST(WalWriterTest, FlushStartsWritebackEveryBytesPerSync) {
  std::string contents = "x";  // an existing byte: ranges start after it
  auto sink = std::make_unique<test::StringSink>(&contents);
  test::StringSink* raw = sink.get();
  Writer w(std::move(sink), 1);
  w.set_bytes_per_sync(1000);
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(w.AddRecord(BigString("r", 293)));  // 300 bytes with the header
    ASSERT_OK(w.Flush());
  }
  // Ranges are contiguous from the start offset, each at least 1000 bytes,
  // and cover everything but the last unsynced stretch.
  const auto& syncs = raw->range_syncs();
  ASSERT_GE(syncs.size(), 4u);
  uint64_t next = 1;
  for (const auto& [offset, n] : syncs) {
    EXPECT_EQ(offset, next);
    EXPECT_GE(n, 1000u);
    next = offset + n;
  }
  EXPECT_LE(next, w.file_size());
  EXPECT_LT(w.file_size() - next, 1000u);

  std::string off;
  auto quiet = std::make_unique<test::StringSink>(&off);
  test::StringSink* quiet_raw = quiet.get();
  Writer w2(std::move(quiet));  // bytes_per_sync 0: never
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(w2.AddRecord(BigString("r", 293)));
    ASSERT_OK(w2.Flush());
  }
  EXPECT_TRUE(quiet_raw->range_syncs().empty());
}

TEST(WalWriterTest, AppendErrorIsSticky) {
  std::string contents;
  auto sink = std::make_unique<test::StringSink>(&contents);
  test::StringSink* raw = sink.get();
  Writer w(std::move(sink));
  ASSERT_OK(w.AddRecord("one"));
  raw->set_fail_appends(true);
  EXPECT_TRUE(w.AddRecord("two").IsIOError());
  raw->set_fail_appends(false);
  EXPECT_TRUE(w.AddRecord("three").IsIOError());
  EXPECT_TRUE(w.Sync().IsIOError());
}

TEST(WalReaderTest, EmptyFileIsCleanEof) {
  auto r = ReadAll("");
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.state, EndState::kEof);
}

TEST(WalReaderTest, ZeroFilledTailIsCleanEof) {
  for (size_t zeros : {1, 6, 7, 100, 40000}) {
    std::string contents = Write({"a", "bb"}) + std::string(zeros, '\0');
    auto r = ReadAll(contents);
    EXPECT_EQ(r.records.size(), 2u) << zeros;
    EXPECT_EQ(r.state, EndState::kEof) << zeros;
  }
}

TEST(WalReaderTest, TruncationAtEveryByteOfTheLastRecordIsATornTail) {
  for (size_t last_size : {size_t{10}, 3 * kBlockSize}) {
    const std::string prefix = Write({"first", BigString("second", 5000)});
    const std::string full = Write({"first", BigString("second", 5000), BigString("L", last_size)});
    size_t step = last_size > 1000 ? 97 : 1;
    for (size_t cut = prefix.size() + 1; cut < full.size(); cut += step) {
      auto r = ReadAll(full.substr(0, cut));
      ASSERT_EQ(r.records.size(), 2u) << cut;
      EXPECT_TRUE(r.status.ok()) << cut;
      // A cut inside the zero padding of a block tail can look clean too.
      EXPECT_TRUE(r.state == EndState::kTornTail) << cut << " " << static_cast<int>(r.state);
      EXPECT_EQ(r.last_end, prefix.size());
      EXPECT_EQ(r.dropped, cut - prefix.size());
    }
  }
}

TEST(WalReaderTest, TornLastFragmentFollowedByZerosIsATornTail) {
  std::string contents = Write({"keep", BigString("lost", 300)});
  const size_t start = Write({"keep"}).size();
  // The payload's last 100 bytes never reached disk (zeros), and the file was
  // preallocated: bad CRC, zeros after.
  for (size_t i = contents.size() - 100; i < contents.size(); ++i) contents[i] = 0;
  contents += std::string(5000, '\0');
  auto r = ReadAll(contents);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.state, EndState::kTornTail);
  EXPECT_EQ(r.bad_offset, start);
  EXPECT_EQ(r.last_end, start);
  EXPECT_EQ(r.dropped, contents.size() - start);
}

TEST(WalReaderTest, TornMiddleOfFragmentedRecordIsATornTail) {
  std::string contents = Write({"keep", BigString("big", 2 * kBlockSize)});
  contents.resize(kBlockSize + 10);  // FIRST complete, MIDDLE cut
  auto r = ReadAll(contents);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.state, EndState::kTornTail);
  EXPECT_EQ(r.bad_offset, Write({"keep"}).size());  // where the unfinished record began
  contents.resize(kBlockSize);                      // ends at a fragment boundary inside the record
  r = ReadAll(contents);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.state, EndState::kTornTail);
}

TEST(WalReaderTest, BitFlipMidFileIsCorruption) {
  std::vector<std::string> records;
  for (int i = 0; i < 50; ++i) records.push_back(BigString(std::to_string(i), 100 + i * 37));
  const std::string good = Write(records);
  std::mt19937_64 rng(test::Seed());
  SCOPED_TRACE("seed " + std::to_string(test::Seed()));
  const size_t last_start =
      Write(std::vector<std::string>(records.begin(), records.end() - 1)).size();
  // Offsets of the 2-byte length field of every fragment header. A flip
  // there can make a fragment claim to run past the end of the file, which
  // is exactly what a write torn by a crash looks like: those flips may read
  // as a torn tail (the records before it intact), every other as corruption.
  std::set<size_t> length_bytes;
  for (size_t block = 0; block < good.size(); block += kBlockSize) {
    size_t off = block;
    while (off + kHeaderSize <= std::min(good.size(), block + kBlockSize)) {
      const size_t len = static_cast<uint8_t>(good[off + 4]) |
                         (static_cast<size_t>(static_cast<uint8_t>(good[off + 5])) << 8);
      if (len == 0 && good[off + 6] == 0) break;  // block trailer padding
      length_bytes.insert(off + 4);
      length_bytes.insert(off + 5);
      off += kHeaderSize + len;
    }
  }
  for (int trial = 0; trial < 200; ++trial) {
    std::string bad = good;
    const size_t pos = rng() % last_start;  // never in the last record
    bad[pos] = static_cast<char>(bad[pos] ^ (1 << (rng() % 8)));
    auto r = ReadAll(bad);
    if (length_bytes.count(pos) != 0 && r.state == EndState::kTornTail) {
      EXPECT_LT(r.records.size(), records.size());
      for (size_t i = 0; i < r.records.size(); ++i) EXPECT_EQ(r.records[i], records[i]);
      continue;
    }
    EXPECT_EQ(r.state, EndState::kCorruption) << "byte " << pos;
    EXPECT_TRUE(r.status.IsCorruption());
    EXPECT_LT(r.records.size(), records.size());
    for (size_t i = 0; i < r.records.size(); ++i) EXPECT_EQ(r.records[i], records[i]);
  }
}

TEST(WalReaderTest, BitFlipIgnoredWithoutChecksums) {
  std::string contents = Write({"abcdef", "ghi"});
  contents[kHeaderSize + 2] ^= 1;
  auto r = ReadAll(contents, /*verify=*/false);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.state, EndState::kEof);
  r = ReadAll(contents, /*verify=*/true);
  EXPECT_EQ(r.state, EndState::kCorruption);
  EXPECT_EQ(r.bad_offset, 0u);
}

TEST(WalReaderTest, BadCrcInLastRecordWithNonZeroAfterIsCorruption) {
  std::string contents = Write({"a", "bbbb"});
  contents[contents.size() - 2] ^= 0x40;  // inside the last record
  auto r = ReadAll(contents);
  EXPECT_EQ(r.state, EndState::kTornTail);  // nothing after it: tolerated
  contents += "junk";
  r = ReadAll(contents);
  EXPECT_EQ(r.state, EndState::kCorruption);
}

TEST(WalReaderTest, BadTypeIsCorruption) {
  std::string contents = Write({"a", "b", "c"});
  contents[kHeaderSize + 1 + 6] = 9;
  auto r = ReadAll(contents);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.state, EndState::kCorruption);
  EXPECT_EQ(r.bad_offset, kHeaderSize + 1);
  // Even as the very last fragment.
  std::string last = Write({"a"});
  last[6] = 5;
  EXPECT_EQ(ReadAll(last).state, EndState::kCorruption);
}

TEST(WalReaderTest, LengthPastBlockEndIsCorruption) {
  std::string contents = Write({"a", BigString("b", 2 * kBlockSize)});
  // The FIRST fragment at offset 8 claims more than the block holds.
  EncodeFixed16(contents.data() + kHeaderSize + 1 + 4, static_cast<uint16_t>(kBlockSize));
  auto r = ReadAll(contents);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.state, EndState::kCorruption);
  // Also in a short last block.
  std::string small = Write({"x"});
  EncodeFixed16(small.data() + 4, 0xffff);
  EXPECT_EQ(ReadAll(small).state, EndState::kCorruption);
}

TEST(WalReaderTest, MiddleOrLastWithoutFirstIsCorruption) {
  std::string contents = Write({"a", BigString("b", 2 * kBlockSize), "c"});
  // Drop block 0 entirely: block 1 starts with a MIDDLE fragment.
  auto r = ReadAll(contents.substr(kBlockSize));
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.state, EndState::kCorruption);
  r = ReadAll(contents.substr(2 * kBlockSize));  // starts with LAST
  EXPECT_EQ(r.state, EndState::kCorruption);
}

TEST(WalReaderTest, FullInsideFragmentedRecordIsCorruption) {
  // FIRST fragment followed directly by a FULL one.
  std::string contents = Write({BigString("f", kBlockSize)});
  std::string first_block = contents.substr(0, kBlockSize);
  std::string rest = Write({"x"});
  auto r = ReadAll(first_block + rest);
  EXPECT_EQ(r.state, EndState::kCorruption);
}

TEST(WalReaderTest, ZeroTypeFragmentsAreSkipped) {
  // A zero-type fragment with a valid CRC and a payload (padding).
  std::string pad;
  const char zero = 0;
  PutFixed32(&pad, crc32::Extend(crc32::Value(&zero, 1), "pad", 3));
  pad += std::string("\x03\x00\x00", 3) + "pad";
  std::string contents = Write({"one"}) + pad + std::string(7, '\0');
  std::string tail;
  Writer w(std::make_unique<test::StringSink>(&tail), contents.size());
  ASSERT_OK(w.AddRecord("two"));
  contents += tail;
  auto r = ReadAll(contents);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1], "two");
  EXPECT_EQ(r.state, EndState::kEof);
}

TEST(WalReaderTest, RandomDamageNeverCrashesOrInventsRecords) {
  std::mt19937_64 rng(test::Seed());
  SCOPED_TRACE("seed " + std::to_string(test::Seed()));
  std::vector<std::string> records;
  for (int i = 0; i < 40; ++i) records.push_back(BigString(std::to_string(i), rng() % 5000));
  const std::string good = Write(records);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bad = good;
    const int damage = 1 + static_cast<int>(rng() % 8);
    for (int d = 0; d < damage; ++d) bad[rng() % bad.size()] = static_cast<char>(rng());
    if (rng() % 2) bad.resize(rng() % bad.size());
    auto r = ReadAll(bad);
    EXPECT_NE(r.state, EndState::kNotAtEnd);
    EXPECT_LE(r.last_end, bad.size());
    // Whatever was returned is a prefix of the real records (CRCs hold).
    for (size_t i = 0; i < r.records.size() && i < records.size(); ++i) {
      EXPECT_EQ(r.records[i], records[i]) << trial;
    }
  }
}

TEST(WalReaderTest, ReadErrorIsReported) {
  auto src = std::make_unique<test::StringSource>(Write({"a"}));
  src->set_fail_reads(true);
  Reader reader(std::move(src), nullptr, true);
  std::string scratch;
  std::string_view rec;
  EXPECT_FALSE(reader.ReadRecord(&rec, &scratch));
  EXPECT_EQ(reader.end_state(), EndState::kIOError);
  EXPECT_TRUE(reader.status().IsIOError());
}

TEST(WalReaderTest, RandomRecordsRoundTripThroughPosixFiles) {
  std::mt19937_64 rng(test::Seed());
  SCOPED_TRACE("seed " + std::to_string(test::Seed()));
  const std::string dir = test::TempDir("wal");
  const std::string path = dir + "/000007.wal";
  auto env = Env::Default();
  std::vector<std::string> records;
  {
    std::unique_ptr<WritableFile> f;
    ASSERT_OK(env->NewWritableFile(path, &f));
    Writer w(std::move(f));
    for (int i = 0; i < 300; ++i) {
      const size_t n = rng() % 4 == 0 ? rng() % (3 * kBlockSize) : rng() % 200;
      std::string rec(n, '\0');
      for (auto& c : rec) c = static_cast<char>(rng());
      ASSERT_OK(w.AddRecord(rec));
      records.push_back(std::move(rec));
    }
    ASSERT_OK(w.Sync());
    ASSERT_OK(w.Close());
  }
  std::unique_ptr<SequentialFile> f;
  ASSERT_OK(env->NewSequentialFile(path, &f));
  Reader reader(std::move(f), nullptr, true);
  std::string scratch;
  std::string_view rec;
  size_t i = 0;
  while (reader.ReadRecord(&rec, &scratch)) {
    ASSERT_LT(i, records.size());
    ASSERT_EQ(rec, records[i]) << i;
    ++i;
  }
  EXPECT_EQ(i, records.size());
  EXPECT_EQ(reader.end_state(), EndState::kEof);
  test::RemoveTree(dir);
}

// The Rust engine's WAL from tests/data/compat/wal_tail: 264 records.
TEST(WalReaderTest, GoldenRustWal) {
  const std::string path = test::CompatDir() + "/wal_tail/000003.wal";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing";
  std::string contents;
  ASSERT_OK(ReadFileToString(Env::Default().get(), path, &contents));

  // Count fragment types by walking the framing directly.
  int counts[kMaxRecordType + 1] = {};
  for (size_t off = 0; off + kHeaderSize <= contents.size();) {
    const size_t left = kBlockSize - off % kBlockSize;
    if (left < kHeaderSize) {
      off += left;
      continue;
    }
    const size_t len = DecodeFixed16(contents.data() + off + 4);
    const uint8_t type = static_cast<uint8_t>(contents[off + 6]);
    ASSERT_LE(type, kMaxRecordType);
    ++counts[type];
    off += kHeaderSize + len;
  }
  EXPECT_EQ(counts[1], 261);
  EXPECT_EQ(counts[2], 3);
  EXPECT_EQ(counts[3], 2);
  EXPECT_EQ(counts[4], 3);

  auto r = ReadAll(contents);
  EXPECT_EQ(r.records.size(), 264u);
  EXPECT_EQ(r.state, EndState::kEof);
  EXPECT_EQ(r.last_end, contents.size());
  // Each record is a write batch: first_sequence u64 ‖ count u32 ‖ entries.
  ASSERT_FALSE(r.records.empty());
  ASSERT_GE(r.records.front().size(), 12u);
  EXPECT_EQ(DecodeFixed64(r.records.front().data()), 1801u);
  uint64_t last_seq = 0;
  for (const auto& rec : r.records) {
    ASSERT_GE(rec.size(), 12u);
    last_seq = DecodeFixed64(rec.data()) + DecodeFixed32(rec.data() + 8) - 1;
  }
  EXPECT_EQ(last_seq, 2127u);
}

}  // namespace
}  // namespace mmdb::wal
