// Statistics coverage: every ticker and histogram moves when its path runs.
//
// One test per path (writes, point reads, prefix iterators, iterators,
// flush and compaction, write stalls, the table cache), each asserting the
// counters it should move went up; then a sweep that runs every path on one
// DB and checks that every ticker and histogram moved and is named in the
// `mmdb.stats` property, except the ones listed in kNotRecorded (no code in
// src/ records them yet).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "db/db_test_util.h"
#include "env/mem_env.h"

namespace mmdb {

namespace {

// Tickers and histograms that nothing in src/ records (yet). The index and
// filter block kinds stay 0 by design while index and filter blocks live in
// the table reader instead of the block cache.
const std::set<Ticker> kNotRecordedTickers = {};
const std::set<Histogram> kNotRecordedHistograms = {};

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%05d", i);
  return buf;
}

class DBStatisticsTest : public ::testing::Test {
 protected:
  DBStatisticsTest() : dir_(test::TempDir("stats")) {}
  ~DBStatisticsTest() override {
    db_.reset();
    test::RemoveTree(dir_);
  }

  // Small buffers; no automatic compaction unless a test asks for it.
  static Options Base() {
    Options o = test::TinyOptions();
    o.l0_compaction_trigger = 100;
    o.l0_slowdown_writes_trigger = 100;
    o.l0_stop_writes_trigger = 100;
    return o;
  }

  void Open(Options o) {
    o.statistics = stats_;
    ASSERT_OK(DB::Open(o, dir_, &db_));
  }

  uint64_t T(Ticker t) const { return stats_->GetTickerCount(t); }
  uint64_t H(Histogram h) const { return stats_->GetHistogramData(h).count; }

  // Puts keys [from, to) with values of `size` bytes.
  void Fill(int from, int to, size_t size = 100) {
    for (int i = from; i < to; ++i) ASSERT_OK(db_->Put(Key(i), std::string(size, 'v')));
  }

  std::shared_ptr<Statistics> stats_ = CreateDBStatistics();
  const std::string dir_;
  std::unique_ptr<DB> db_;
};

// Runs `body`, then expects every listed ticker to have gone up.
#define EXPECT_TICKERS_MOVE(body, ...)                                                 \
  do {                                                                                 \
    const std::vector<Ticker> tickers_ = {__VA_ARGS__};                                \
    std::vector<uint64_t> before_;                                                     \
    for (Ticker t_ : tickers_) before_.push_back(T(t_));                               \
    body;                                                                              \
    for (size_t i_ = 0; i_ < tickers_.size(); ++i_) {                                  \
      EXPECT_GT(T(tickers_[i_]), before_[i_]) << Statistics::TickerName(tickers_[i_]); \
    }                                                                                  \
  } while (0)

TEST_F(DBStatisticsTest, WritePathTickers) {
  Open(Base());
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Put("a", "1")), kKeysWritten, kBytesWritten, kWalBytes,
                      kWriteGroups, kWriteGroupMembers);
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Delete("a")), kKeysWritten, kWalBytes, kWriteGroups);
  WriteBatch batch;
  batch.Put("b", "2");
  batch.Put("c", "3");
  batch.Delete("d");
  const uint64_t keys = T(kKeysWritten);
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Write(&batch)), kBytesWritten, kWalBytes);
  EXPECT_EQ(T(kKeysWritten), keys + 3);
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->DeleteRange("b", "c")), kWalBytes, kWriteGroups);
  EXPECT_GE(T(kWriteGroupMembers), T(kWriteGroups));

  const uint64_t syncs = T(kWalSyncs), sync_hist = H(kWalSyncMicros);
  ASSERT_OK(db_->Put(WriteOptions(), "e", "5"));
  EXPECT_EQ(T(kWalSyncs), syncs) << "sync=false must not sync";
  WriteOptions sync;
  sync.sync = true;
  ASSERT_OK(db_->Put(sync, "f", "6"));
  EXPECT_GT(T(kWalSyncs), syncs);
  EXPECT_GT(H(kWalSyncMicros), sync_hist);
  EXPECT_GT(H(kWriteMicros), 0u);

  // Several threads writing at once: every writer is counted as a member.
  const uint64_t members = T(kWriteGroupMembers);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 100; ++i) EXPECT_OK(db_->Put(Key(t * 1000 + i), "x"));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(T(kWriteGroupMembers), members + 400);
}

TEST_F(DBStatisticsTest, GetPathTickers) {
  Open(Base());
  for (int i = 0; i < 200; i += 2) ASSERT_OK(db_->Put(Key(i), "value" + std::to_string(i)));
  ASSERT_OK(db_->Flush());
  ASSERT_OK(db_->Put("mem", "resident"));
  std::string v;

  // In the memtable.
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Get("mem", &v)), kKeysRead, kKeysFound, kBytesRead,
                      kMemtableHit);
  // In the SST: first read misses the block cache and fills it...
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Get(Key(100), &v)), kMemtableMiss, kKeysFound, kBlockCacheMiss,
                      kBlockCacheDataMiss, kBlockCacheAdd, kBlockRead, kBlockReadBytes,
                      kBloomChecked);
  EXPECT_EQ(v, "value100");
  // ... the second finds the block there.
  const uint64_t reads = T(kBlockRead);
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Get(Key(100), &v)), kBlockCacheHit, kBlockCacheDataHit);
  EXPECT_EQ(T(kBlockRead), reads);
  // fill_cache=false reads the block without adding it.
  ReadOptions no_fill;
  no_fill.fill_cache = false;
  const uint64_t adds = T(kBlockCacheAdd);
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Get(no_fill, Key(150), &v)), kBlockRead);
  EXPECT_EQ(T(kBlockCacheAdd), adds);

  // Absent keys inside the file's range: the bloom filter answers (10 bits
  // per key: some of 50 probes may pass, most are skipped).
  const uint64_t found = T(kKeysFound);
  EXPECT_TICKERS_MOVE(for (int i = 1; i < 100; i += 2)
                          EXPECT_TRUE(db_->Get(Key(i), &v).IsNotFound()),
                      kKeysRead, kMemtableMiss, kBloomChecked, kBloomUseful);
  EXPECT_EQ(T(kKeysFound), found);
  EXPECT_GT(H(kGetMicros), 0u);
}

TEST_F(DBStatisticsTest, PrefixIteratorSkipsFilesByPrefixBloom) {
  Options o = Base();
  o.prefix_length = 4;
  Open(o);
  // An L1 file with prefix "aaaa" and an L0 file with prefix "cccc"; both
  // span the whole key space ("0000" .. "zzzz"), so only the prefix bloom
  // can rule them out, on the L0 path and on the level-iterator path.
  auto file = [&](const std::string& prefix) {
    ASSERT_OK(db_->Put("0000", prefix));
    for (int i = 0; i < 50; ++i) ASSERT_OK(db_->Put(prefix + Key(i), "x"));
    ASSERT_OK(db_->Put("zzzz", prefix));
    ASSERT_OK(db_->Flush());
  };
  file("aaaa");
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  file("cccc");
  std::string levels;
  ASSERT_TRUE(db_->GetProperty("mmdb.num-files-at-level0", &levels));
  ASSERT_EQ(levels, "1");

  auto count = [&](std::string_view prefix) {
    auto it = db_->NewPrefixIterator(ReadOptions(), prefix);
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    EXPECT_OK(it->status());
    return n;
  };
  int n = 0;
  EXPECT_TICKERS_MOVE(n = count("bbbb"), kPrefixBloomChecked, kPrefixBloomUseful, kIterCreated);
  EXPECT_EQ(n, 0);
  EXPECT_TICKERS_MOVE(n = count("aaaa"), kPrefixBloomChecked, kPrefixBloomUseful);
  EXPECT_EQ(n, 50);
  EXPECT_TICKERS_MOVE(n = count("cccc"), kPrefixBloomChecked, kPrefixBloomUseful);
  EXPECT_EQ(n, 50);
}

TEST_F(DBStatisticsTest, IteratorTickers) {
  Open(Base());
  Fill(0, 200);
  ASSERT_OK(db_->Flush());
  // A newer range tombstone over most of the flushed keys: the iterator
  // re-seeks the older source past it instead of stepping through.
  ASSERT_OK(db_->DeleteRange(Key(10), Key(190)));
  int n = 0;
  EXPECT_TICKERS_MOVE(
      {
        auto it = db_->NewIterator();
        for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
        ASSERT_OK(it->status());
      },
      kIterCreated, kIterEntriesVisited, kIterTombstoneReseeks);
  EXPECT_EQ(n, 20);
  // Backwards too.
  n = 0;
  EXPECT_TICKERS_MOVE(
      {
        auto it = db_->NewIterator();
        for (it->SeekToLast(); it->Valid(); it->Prev()) ++n;
        ASSERT_OK(it->status());
      },
      kIterCreated, kIterEntriesVisited, kIterTombstoneReseeks);
  EXPECT_EQ(n, 20);
}

TEST_F(DBStatisticsTest, FlushAndCompactionTickers) {
  Open(Base());
  Fill(0, 300);
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->Flush()), kFlushes, kFlushBytes);
  EXPECT_GT(H(kFlushMicros), 0u);
  Fill(0, 300);  // overlaps the first file: the compaction must merge
  ASSERT_OK(db_->Flush());
  EXPECT_TICKERS_MOVE(ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt)), kCompactions,
                      kCompactionBytesRead, kCompactionBytesWritten);
  EXPECT_GT(H(kCompactionMicros), 0u);
  EXPECT_GT(T(kCompactionBytesRead), T(kCompactionBytesWritten))
      << "two copies of every key were read, one written";
}

TEST_F(DBStatisticsTest, WriteStallsAreTimed) {
  // Flushes throttled to a few KB/s and tiny memtables: writers soon find
  // every memtable full and wait.
  Options o = Base();
  o.write_buffer_size = 4 << 10;
  o.rate_limit_bytes_per_sec = 64 << 10;
  Open(o);
  EXPECT_TICKERS_MOVE(Fill(0, 60, 500), kStallMicros);
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("mmdb.stats", &stats));
  EXPECT_EQ(stats.find("Write stalls: 0 micros"), std::string::npos) << stats;
  EXPECT_NE(stats.find(Statistics::TickerName(kStallMicros)), std::string::npos) << stats;
}

TEST_F(DBStatisticsTest, L0SlowdownIsTimed) {
  // Compaction throttled, L0 soon at the slowdown trigger: writes are delayed.
  Options o = Base();
  o.write_buffer_size = 4 << 10;
  o.l0_compaction_trigger = 2;
  o.l0_slowdown_writes_trigger = 2;
  o.l0_stop_writes_trigger = 1000;
  o.max_write_buffer_number = 8;
  o.rate_limit_bytes_per_sec = 32 << 10;
  Open(o);
  EXPECT_TICKERS_MOVE(Fill(0, 60, 500), kStallMicros);
}

TEST_F(DBStatisticsTest, TableCacheOpensAndClosesFiles) {
  Options o = Base();
  o.max_open_files = 1;
  Open(o);
  for (int f = 0; f < 3; ++f) {
    Fill(f * 100, f * 100 + 100);
    ASSERT_OK(db_->Flush());
  }
  std::string v;
  EXPECT_TICKERS_MOVE(
      for (int round = 0; round < 2; ++round) {
        for (int f = 0; f < 3; ++f) ASSERT_OK(db_->Get(Key(f * 100 + 50), &v));
      },
      kFilesOpened, kFilesClosed);
  EXPECT_GE(T(kFilesOpened), 6u) << "one open file: each Get reopens its file";
}

// Every path on one DB; then every ticker and histogram not listed in
// kNotRecorded* must have moved and be named in mmdb.stats.
TEST_F(DBStatisticsTest, EveryTickerMovesAndIsReported) {
  Options o = Base();
  o.prefix_length = 4;
  o.block_size = 256;
  o.block_cache_capacity = 8 << 10;  // small: blocks get evicted
  o.max_open_files = 1;
  o.write_buffer_size = 8 << 10;
  o.rate_limit_bytes_per_sec = 256 << 10;
  Open(o);
  WriteOptions sync;
  sync.sync = true;
  ASSERT_OK(db_->Put(sync, "aaaa0", "x"));
  ASSERT_OK(db_->Put("zzzz0", "x"));  // files span keys no prefix iterator finds
  for (int f = 0; f < 3; ++f) {
    Fill(f * 100, f * 100 + 100, 300);
    ASSERT_OK(db_->Flush());
  }
  ASSERT_OK(db_->DeleteRange(Key(20), Key(80)));
  WriteBatch batch;
  batch.Put("b", "1");
  batch.DeleteRange(Key(120), Key(180));
  ASSERT_OK(db_->Write(&batch));
  Fill(0, 300, 300);  // memtables overflow while flushes are throttled
  ASSERT_OK(db_->Flush());
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  ASSERT_OK(db_->Put("mem", "x"));
  std::string v;
  for (int i = 0; i < 300; i += 3) ASSERT_OK(db_->Get(Key(i), &v));
  for (int i = 0; i < 300; i += 3) ASSERT_OK(db_->Get(Key(i), &v));
  ASSERT_OK(db_->Get("mem", &v));
  ASSERT_TRUE(db_->Get("key00050x", &v).IsNotFound());
  ASSERT_OK(db_->DeleteRange(Key(10), Key(290)));
  for (std::string_view prefix : {"key0", "mmmm"}) {
    auto it = db_->NewPrefixIterator(ReadOptions(), prefix);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
    }
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
    }
    it->Seek(Key(5));
    ASSERT_OK(it->status());
  }
  {
    // Enough steps for the sampled Next/Prev latency histogram.
    ASSERT_OK(db_->DeleteRange(Key(0), Key(1)));  // a few more keys to walk
    for (int i = 300; i < 600; ++i) ASSERT_OK(db_->Put(Key(i), "x"));
    auto it = db_->NewIterator(ReadOptions());
    int steps = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++steps;
    ASSERT_GE(steps, 256);
  }
  {
    // Seeks where the new L0 file overlaps L1 use up its seek budget.
    ASSERT_OK(db_->Flush());
    for (int i = 0; i < 20000 && T(kReadTriggeredCompactions) == 0; ++i) {
      auto it = db_->NewIterator(ReadOptions());
      it->Seek(Key(i % 300));
      ASSERT_OK(it->status());
      if (i > 2000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  {
    // A full disk (a second DB sharing the statistics) heals by Resume.
    auto env = std::make_shared<MemEnv>(MemEnv::Clock::kManual);
    Options mo = Base();
    mo.env = env;
    mo.statistics = stats_;
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(mo, "/full", &db));
    env->FailNth(MemEnv::Op::kWrite, 1, Status::NoSpace("injected"), ".wal");
    ASSERT_TRUE(db->Put("k", "v").IsNoSpace());
    ASSERT_OK(db->Resume());
    ASSERT_OK(db->Close());
  }
  db_.reset();  // closing drops cached tables

  std::string report = stats_->ToString();
  for (uint32_t t = 0; t < kTickerCount; ++t) {
    const auto ticker = static_cast<Ticker>(t);
    const std::string name = Statistics::TickerName(ticker);
    if (kNotRecordedTickers.count(ticker) != 0) {
      std::printf("ticker %s is not recorded by the engine (count %llu)\n", name.c_str(),
                  static_cast<unsigned long long>(T(ticker)));
      continue;
    }
    EXPECT_GT(T(ticker), 0u) << name;
    EXPECT_NE(report.find(name + " COUNT : "), std::string::npos) << name;
  }
  for (uint32_t h = 0; h < kHistogramCount; ++h) {
    const auto histogram = static_cast<Histogram>(h);
    const std::string name = Statistics::HistogramName(histogram);
    EXPECT_NE(report.find(name), std::string::npos) << name;
    if (kNotRecordedHistograms.count(histogram) != 0) {
      std::printf("histogram %s is not recorded by the engine\n", name.c_str());
      continue;
    }
    EXPECT_GT(H(histogram), 0u) << name;
  }
}

TEST_F(DBStatisticsTest, ErrorRecoveryCountsAttemptsAndSuccesses) {
  auto env = std::make_shared<MemEnv>(MemEnv::Clock::kManual);
  Options o = Base();
  o.env = env;
  o.statistics = stats_;
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, "/db", &db));
  env->FailRandomly(MemEnv::Op::kWrite, 1, 1, "", Status::NoSpace("injected"));
  ASSERT_TRUE(db->Put("k", "v").IsNoSpace());
  ASSERT_TRUE(db->Resume().IsNoSpace());  // still full
  EXPECT_EQ(T(kErrorRecoveryAttempts), 1u);
  EXPECT_EQ(T(kErrorRecoverySuccesses), 0u);
  env->ClearFaults();
  ASSERT_OK(db->Resume());
  EXPECT_EQ(T(kErrorRecoveryAttempts), 2u);
  EXPECT_EQ(T(kErrorRecoverySuccesses), 1u);
  ASSERT_OK(db->Resume());  // nothing to recover: not an attempt
  EXPECT_EQ(T(kErrorRecoveryAttempts), 2u);
  ASSERT_OK(db->Put("k", "v"));
  ASSERT_OK(db->Close());
}

TEST_F(DBStatisticsTest, StatsPropertyNamesTheMovedTickers) {
  Open(Base());
  Fill(0, 50);
  ASSERT_OK(db_->Flush());
  std::string v;
  ASSERT_OK(db_->Get(Key(7), &v));
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("mmdb.stats", &stats));
  EXPECT_NE(stats.find("** Statistics **"), std::string::npos) << stats;
  for (uint32_t t = 0; t < kTickerCount; ++t) {
    const auto ticker = static_cast<Ticker>(t);
    const std::string line = std::string(Statistics::TickerName(ticker)) +
                             " COUNT : " + std::to_string(T(ticker)) + "\n";
    if (T(ticker) > 0) {
      EXPECT_NE(stats.find(line), std::string::npos) << line << stats;
    }
  }
  for (uint32_t h = 0; h < kHistogramCount; ++h) {
    EXPECT_NE(stats.find(Statistics::HistogramName(static_cast<Histogram>(h))), std::string::npos);
  }
  // The counters the property reads must be the DB's own.
  EXPECT_NE(stats.find(std::string(Statistics::TickerName(kFlushes)) + " COUNT : 1\n"),
            std::string::npos)
      << stats;
}

}  // namespace

}  // namespace mmdb
