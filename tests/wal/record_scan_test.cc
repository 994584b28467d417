// wal::CountIntactRecords: the count of records a stop at damage dropped.
#include "wal/record_scan.h"

#include <gtest/gtest.h>

#include "util/test_util.h"
#include "wal/log_test_util.h"
#include "wal/writer.h"

namespace mmdb::wal {

namespace {

// `n` records of `size` bytes; *starts gets each record's file offset.
std::string Log(int n, size_t size, std::vector<uint64_t>* starts) {
  std::string contents;
  Writer w(std::make_unique<test::StringSink>(&contents));
  for (int i = 0; i < n; ++i) {
    starts->push_back(w.file_size());
    EXPECT_OK(w.AddRecord(std::string(size, static_cast<char>('a' + i % 26))));
  }
  return contents;
}

}  // namespace

TEST(WalRecordScanTest, CountsEveryRecordOfAHealthyLog) {
  std::vector<uint64_t> starts;
  // 300 records of 1000 bytes: several blocks, records spanning block ends.
  const std::string log = Log(300, 1000, &starts);
  EXPECT_EQ(CountIntactRecords(log, 0), 300u);
  EXPECT_EQ(CountIntactRecords(log, starts[100]), 200u);
  EXPECT_EQ(CountIntactRecords(log, log.size()), 0u);
}

TEST(WalRecordScanTest, StepsOverADamagedFragmentAndCountsWhatFollows) {
  std::vector<uint64_t> starts;
  const std::string log = Log(50, 100, &starts);
  std::string damaged = log;
  damaged[starts[0] + 20] ^= 0x01;  // a payload byte of the first record
  EXPECT_EQ(CountIntactRecords(damaged, starts[0]), 49u);
  // A damaged length cannot be trusted: the rest of that block is skipped,
  // so fewer are counted, never more.
  damaged = log;
  damaged[starts[10] + 4] ^= 0x40;
  EXPECT_LT(CountIntactRecords(damaged, starts[10]), 40u);
}

TEST(WalRecordScanTest, ARecordCountsOnlyWhenAllItsFragmentsAreIntact) {
  std::vector<uint64_t> starts;
  // Records of 40000 bytes span two blocks (FIRST + LAST).
  const std::string log = Log(4, 40000, &starts);
  EXPECT_EQ(CountIntactRecords(log, 0), 4u);
  std::string damaged = log;
  damaged[starts[1] + 100] ^= 0x01;  // the FIRST fragment of record 1
  EXPECT_EQ(CountIntactRecords(damaged, 0), 3u);
}

}  // namespace mmdb::wal
