#include <cmath>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/statistics.h>

#include "util/histogram.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

TEST(StatisticsTest, EveryEnumeratorHasAUniqueName) {
  std::set<std::string> names;
  for (uint32_t t = 0; t < kTickerCount; ++t) {
    std::string name = Statistics::TickerName(static_cast<Ticker>(t));
    EXPECT_EQ(name.rfind("mmdb.", 0), 0u) << name;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  for (uint32_t h = 0; h < kHistogramCount; ++h) {
    std::string name = Statistics::HistogramName(static_cast<Histogram>(h));
    EXPECT_EQ(name.rfind("mmdb.", 0), 0u) << name;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_STREQ(Statistics::TickerName(kKeysWritten), "mmdb.keys.written");
  EXPECT_STREQ(Statistics::TickerName(kBlockCacheHit), "mmdb.block.cache.hit");
  EXPECT_STREQ(Statistics::HistogramName(kGetMicros), "mmdb.get.micros");
}

TEST(StatisticsTest, TickersFromManyThreadsSumExactly) {
  auto stats = CreateDBStatistics();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&stats] {
      for (int i = 0; i < kPerThread; ++i) {
        stats->RecordTick(kKeysWritten);
        stats->RecordTick(kBytesWritten, 3);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(stats->GetTickerCount(kKeysWritten), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(stats->GetTickerCount(kBytesWritten), uint64_t{kThreads} * kPerThread * 3);
  EXPECT_EQ(stats->GetTickerCount(kKeysRead), 0u);
}

TEST(StatisticsTest, HistogramPercentilesOfUniformValues) {
  auto stats = CreateDBStatistics();
  Random rnd(test::Seed());
  // 1..10000, each once, in a shuffled order.
  std::vector<uint64_t> values;
  for (uint64_t v = 1; v <= 10000; ++v) values.push_back(v);
  for (size_t i = values.size() - 1; i > 0; --i) std::swap(values[i], values[rnd.Uniform(i + 1)]);
  for (uint64_t v : values) stats->MeasureTime(kGetMicros, v);
  HistogramData d = stats->GetHistogramData(kGetMicros);
  EXPECT_EQ(d.count, 10000u);
  EXPECT_DOUBLE_EQ(d.average, 5000.5);
  EXPECT_DOUBLE_EQ(d.max, 10000);
  // Within one bucket (10%), and with even spreading much closer.
  EXPECT_NEAR(d.p50, 5000, 50);
  EXPECT_NEAR(d.p95, 9500, 95);
  EXPECT_NEAR(d.p99, 9900, 99);
  EXPECT_EQ(stats->GetHistogramData(kWriteMicros).count, 0u);
}

TEST(StatisticsTest, HistogramFromManyThreads) {
  auto stats = CreateDBStatistics();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&stats, t] {
      for (uint64_t i = 0; i < 10000; ++i) stats->MeasureTime(kSeekMicros, t * 10000 + i);
    });
  }
  for (auto& th : threads) th.join();
  HistogramData d = stats->GetHistogramData(kSeekMicros);
  EXPECT_EQ(d.count, 40000u);
  EXPECT_DOUBLE_EQ(d.max, 39999);
  EXPECT_DOUBLE_EQ(d.average, 19999.5);
  EXPECT_NEAR(d.p50, 20000, 2000);
}

TEST(StatisticsTest, ResetClearsEverything) {
  auto stats = CreateDBStatistics();
  stats->RecordTick(kFlushes, 5);
  stats->MeasureTime(kFlushMicros, 1234);
  stats->Reset();
  EXPECT_EQ(stats->GetTickerCount(kFlushes), 0u);
  HistogramData d = stats->GetHistogramData(kFlushMicros);
  EXPECT_EQ(d.count, 0u);
  EXPECT_EQ(d.p50, 0);
  EXPECT_EQ(d.max, 0);
  stats->MeasureTime(kFlushMicros, 7);
  d = stats->GetHistogramData(kFlushMicros);
  EXPECT_EQ(d.count, 1u);
  EXPECT_DOUBLE_EQ(d.p50, 7);  // clamped to min..max
  EXPECT_DOUBLE_EQ(d.max, 7);
}

TEST(StatisticsTest, ToStringListsNonZeroTickersAndEveryHistogram) {
  auto stats = CreateDBStatistics();
  stats->RecordTick(kBlockCacheHit, 42);
  stats->MeasureTime(kGetMicros, 10);
  std::string s = stats->ToString();
  EXPECT_NE(s.find("mmdb.block.cache.hit COUNT : 42\n"), std::string::npos) << s;
  EXPECT_EQ(s.find("mmdb.block.cache.miss"), std::string::npos) << s;  // zero: omitted
  EXPECT_NE(s.find("mmdb.get.micros P50 : 10.0 P95 : 10.0 P99 : 10.0 COUNT : 1 SUM : 10\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("mmdb.wal.sync.micros P50 : 0.0"), std::string::npos) << s;
}

TEST(HistogramTest, BucketsCoverEveryValueInOrder) {
  ASSERT_GT(HistogramImpl::NumBuckets(), 100u);
  EXPECT_EQ(HistogramImpl::BucketLowerBound(0), 0u);
  for (size_t i = 1; i < HistogramImpl::NumBuckets(); ++i) {
    const uint64_t lo = HistogramImpl::BucketLowerBound(i - 1);
    const uint64_t hi = HistogramImpl::BucketLowerBound(i);
    ASSERT_LT(lo, hi);
    // Each bucket is at most ~10% wide (exact below 10).
    ASSERT_LE(hi - lo, std::max<uint64_t>(1, lo / 10)) << i;
  }
}

TEST(HistogramTest, ExtremeValuesAndPercentileBounds) {
  HistogramImpl h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.Percentile(50), 0);
  h.Add(0);
  h.Add(UINT64_MAX / 2);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), UINT64_MAX / 2);
  EXPECT_GE(h.Percentile(100), h.Percentile(0));
  EXPECT_LE(h.Percentile(100), static_cast<double>(UINT64_MAX / 2));
  EXPECT_GE(h.Percentile(0), 0);
}

TEST(HistogramTest, PercentilesAreMonotonic) {
  HistogramImpl h;
  Random rnd(test::Seed());
  for (int i = 0; i < 5000; ++i) h.Add(rnd.Uniform(1000) * rnd.Uniform(1000));
  double last = -1;
  for (double p = 0; p <= 100; p += 0.5) {
    const double v = h.Percentile(p);
    ASSERT_GE(v, last) << p;
    last = v;
  }
  EXPECT_LE(last, static_cast<double>(h.max()));
}

}  // namespace
}  // namespace mmdb
