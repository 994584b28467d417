// Statistics: counters (tickers) and latency histograms for a DB.
//
// Pass one in Options::statistics (several DBs may share one). Recording is
// lock-free (relaxed atomics), cheap enough to leave on.
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace mmdb {

enum Ticker : uint32_t {
  kKeysWritten = 0,      // point puts and deletes applied
  kRangeDeletesWritten,  // range tombstones applied
  kBytesWritten,         // user key + value bytes written
  kKeysRead,             // Get calls
  kKeysFound,            // Get calls that found a value
  kBytesRead,            // value bytes returned by Get
  kMemtableHit,          // Gets answered by a memtable
  kMemtableMiss,
  kBloomChecked,  // whole-key bloom probes
  kBloomUseful,   // probes that skipped a file
  kPrefixBloomChecked,
  kPrefixBloomUseful,
  kBlockCacheHit,
  kBlockCacheMiss,
  kBlockCacheAdd,
  kBlockCacheEvict,
  kBlockRead,  // blocks read from files
  kBlockReadBytes,
  kWalBytes,  // bytes appended to WALs
  kWalSyncs,
  kWriteGroups,        // group commits (leader turns)
  kWriteGroupMembers,  // writers committed by groups (avg = members / groups)
  kFlushes,
  kFlushBytes,
  kCompactions,
  kCompactionBytesRead,
  kCompactionBytesWritten,
  kStallMicros,  // time writers waited for backpressure
  kFilesOpened,
  kFilesClosed,
  // Block cache lookups of data blocks (index and filter blocks are held by
  // the table readers and never looked up in the cache).
  kBlockCacheDataHit,
  kBlockCacheDataMiss,
  // Iterators.
  kIterCreated,
  kIterEntriesVisited,    // internal entries a DB iterator looked at
  kIterTombstoneReseeks,  // sources re-sought past a covering range tombstone
  // Read-triggered compaction (Options::read_triggered_compaction).
  kReadSeekCharges,           // wasted reads charged to files' budgets
  kReadTriggeredCompactions,  // compactions picked because a budget ran out
  // Recovery from a background error that can heal (a full disk): tries,
  // automatic or by DB::Resume, and those after which writes work again.
  kErrorRecoveryAttempts,
  kErrorRecoverySuccesses,
  kTickerCount,
};

enum Histogram : uint32_t {
  kGetMicros = 0,
  kWriteMicros,
  kSeekMicros,
  kNextMicros,
  kFlushMicros,
  kCompactionMicros,
  kWalSyncMicros,
  kHistogramCount,
};

struct HistogramData {
  uint64_t count = 0;
  double average = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double max = 0;
};

class Statistics {
 public:
  virtual ~Statistics() = default;
  virtual void RecordTick(Ticker ticker, uint64_t count = 1) = 0;
  virtual uint64_t GetTickerCount(Ticker ticker) const = 0;
  virtual void MeasureTime(Histogram histogram, uint64_t micros) = 0;
  virtual HistogramData GetHistogramData(Histogram histogram) const = 0;
  virtual void Reset() = 0;
  // A readable multi-line report of every ticker and histogram.
  virtual std::string ToString() const = 0;

  static const char* TickerName(Ticker ticker);
  static const char* HistogramName(Histogram histogram);
};

std::shared_ptr<Statistics> CreateDBStatistics();

}  // namespace mmdb
