// HistogramImpl: a lock-free bucketed histogram of uint64 samples (latencies
// in microseconds, sizes in bytes) behind the public Statistics.
//
// Buckets have fixed, exponentially growing bounds (one table shared by every
// histogram, ~10% wide above 10, exact below), so memory is constant and a
// percentile is found to within one bucket, then interpolated linearly inside
// it (and clamped to the observed min and max).
//
// Thread safety: Add may be called from any number of threads at once (one
// relaxed atomic add per bucket and per sum, and a CAS only when min or max
// moves). Readers get a consistent-enough snapshot: a sample added while a
// reader runs may be counted in some fields and not in others. Clear while
// other threads Add may keep some of their samples.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace mmdb {

class HistogramImpl {
 public:
  // The number of buckets of the shared bucket table.
  static size_t NumBuckets();
  // The inclusive lower bound of bucket i; bucket i holds samples in
  // [BucketLowerBound(i), BucketLowerBound(i + 1)). REQUIRES: i < NumBuckets().
  static uint64_t BucketLowerBound(size_t i);

  HistogramImpl();
  HistogramImpl(const HistogramImpl&) = delete;
  HistogramImpl& operator=(const HistogramImpl&) = delete;

  void Add(uint64_t value);
  void Clear();

  uint64_t count() const;
  uint64_t sum() const { return sum_.load(std::memory_order_relaxed); }
  // 0 when empty.
  uint64_t min() const;
  uint64_t max() const { return max_.load(std::memory_order_relaxed); }
  double Average() const;
  // The value below which `p` percent (0..100) of the samples fall; 0 when
  // empty.
  double Percentile(double p) const;
  // "P50 : x P95 : y P99 : z COUNT : n SUM : s".
  std::string ToString() const;

 private:
  static constexpr size_t kMaxBuckets = 512;

  // Relaxed throughout: the fields are independent statistics and publish
  // nothing; readers accept a slightly torn view.
  std::atomic<uint64_t> buckets_[kMaxBuckets];
  std::atomic<uint64_t> sum_{0};
  std::atomic<uint64_t> min_{UINT64_MAX};
  std::atomic<uint64_t> max_{0};
};

}  // namespace mmdb
