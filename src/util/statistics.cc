// The public Statistics (include/mmdb/statistics.h): tickers and histograms.
//
// Tickers are striped: kStripes cache-line-aligned rows of counters, and each
// thread adds to the row of its thread-local slot, so threads on different
// cores do not bounce one cache line on every increment. A read sums the
// rows. Histograms are util/histogram.h (lock-free, one per enumerator).
#include <array>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <memory>

#include <mmdb/statistics.h>

#include "util/histogram.h"

namespace mmdb {

namespace {

constexpr std::array<const char*, kTickerCount> kTickerNames = {
    "mmdb.keys.written",
    "mmdb.range.deletes.written",
    "mmdb.bytes.written",
    "mmdb.keys.read",
    "mmdb.keys.found",
    "mmdb.bytes.read",
    "mmdb.memtable.hit",
    "mmdb.memtable.miss",
    "mmdb.bloom.filter.checked",
    "mmdb.bloom.filter.useful",
    "mmdb.prefix.bloom.filter.checked",
    "mmdb.prefix.bloom.filter.useful",
    "mmdb.block.cache.hit",
    "mmdb.block.cache.miss",
    "mmdb.block.cache.add",
    "mmdb.block.cache.evict",
    "mmdb.block.read",
    "mmdb.block.read.bytes",
    "mmdb.wal.bytes",
    "mmdb.wal.syncs",
    "mmdb.write.groups",
    "mmdb.write.group.members",
    "mmdb.flushes",
    "mmdb.flush.bytes",
    "mmdb.compactions",
    "mmdb.compaction.bytes.read",
    "mmdb.compaction.bytes.written",
    "mmdb.stall.micros",
    "mmdb.files.opened",
    "mmdb.files.closed",
    "mmdb.block.cache.data.hit",
    "mmdb.block.cache.data.miss",
    "mmdb.iter.created",
    "mmdb.iter.entries.visited",
    "mmdb.iter.tombstone.reseeks",
    "mmdb.read.seek.charges",
    "mmdb.compactions.read.triggered",
    "mmdb.error.recovery.attempts",
    "mmdb.error.recovery.successes",
};

constexpr std::array<const char*, kHistogramCount> kHistogramNames = {
    "mmdb.get.micros",   "mmdb.write.micros",      "mmdb.seek.micros",     "mmdb.next.micros",
    "mmdb.flush.micros", "mmdb.compaction.micros", "mmdb.wal.sync.micros",
};

// An array longer than its initializer pads with nulls: catch a missing name.
template <size_t N>
constexpr bool AllNamed(const std::array<const char*, N>& names) {
  for (const char* n : names) {
    if (n == nullptr) return false;
  }
  return true;
}
static_assert(AllNamed(kTickerNames), "every Ticker needs a name");
static_assert(AllNamed(kHistogramNames), "every Histogram needs a name");

// Rows of ticker counters. More threads than rows share rows (correct, just
// slower); fewer waste a few KiB.
constexpr size_t kStripes = 16;

// This thread's row: threads take rows round-robin on first use.
size_t ThreadStripe() {
  static std::atomic<size_t> next_slot{0};
  thread_local const size_t slot = next_slot.fetch_add(1, std::memory_order_relaxed) % kStripes;
  return slot;
}

class StatisticsImpl final : public Statistics {
 public:
  StatisticsImpl()
      : stripes_(std::make_unique<Stripe[]>(kStripes)),
        histograms_(std::make_unique<HistogramImpl[]>(kHistogramCount)) {}

  void RecordTick(Ticker ticker, uint64_t count) override {
    if (ticker >= kTickerCount) return;
    stripes_[ThreadStripe()].counts[ticker].fetch_add(count, std::memory_order_relaxed);
  }

  uint64_t GetTickerCount(Ticker ticker) const override {
    if (ticker >= kTickerCount) return 0;
    uint64_t sum = 0;
    for (size_t s = 0; s < kStripes; ++s) {
      sum += stripes_[s].counts[ticker].load(std::memory_order_relaxed);
    }
    return sum;
  }

  void MeasureTime(Histogram histogram, uint64_t micros) override {
    if (histogram >= kHistogramCount) return;
    histograms_[histogram].Add(micros);
  }

  HistogramData GetHistogramData(Histogram histogram) const override {
    HistogramData data;
    if (histogram >= kHistogramCount) return data;
    const HistogramImpl& h = histograms_[histogram];
    data.count = h.count();
    data.average = h.Average();
    data.p50 = h.Percentile(50);
    data.p95 = h.Percentile(95);
    data.p99 = h.Percentile(99);
    data.max = static_cast<double>(h.max());
    return data;
  }

  // Not atomic with respect to concurrent recording: an increment racing
  // with Reset may survive it.
  void Reset() override {
    for (size_t s = 0; s < kStripes; ++s) {
      for (auto& c : stripes_[s].counts) c.store(0, std::memory_order_relaxed);
    }
    for (size_t h = 0; h < kHistogramCount; ++h) histograms_[h].Clear();
  }

  std::string ToString() const override {
    std::string out;
    char buf[160];
    for (uint32_t t = 0; t < kTickerCount; ++t) {
      const uint64_t n = GetTickerCount(static_cast<Ticker>(t));
      if (n == 0) continue;
      std::snprintf(buf, sizeof(buf), "%s COUNT : %" PRIu64 "\n", kTickerNames[t], n);
      out += buf;
    }
    for (uint32_t h = 0; h < kHistogramCount; ++h) {
      out += kHistogramNames[h];
      out += ' ';
      out += histograms_[h].ToString();
      out += '\n';
    }
    return out;
  }

 private:
  // Relaxed counters: statistics publish nothing.
  struct alignas(64) Stripe {
    std::atomic<uint64_t> counts[kTickerCount] = {};
  };

  std::unique_ptr<Stripe[]> stripes_;
  std::unique_ptr<HistogramImpl[]> histograms_;
};

}  // namespace

const char* Statistics::TickerName(Ticker ticker) {
  return ticker < kTickerCount ? kTickerNames[ticker] : "mmdb.unknown.ticker";
}

const char* Statistics::HistogramName(Histogram histogram) {
  return histogram < kHistogramCount ? kHistogramNames[histogram] : "mmdb.unknown.histogram";
}

std::shared_ptr<Statistics> CreateDBStatistics() { return std::make_shared<StatisticsImpl>(); }

}  // namespace mmdb
