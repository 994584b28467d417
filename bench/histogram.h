// LatencyHistogram: a log-bucketed histogram of nanosecond latencies.
//
// Each power of two is split into 8 linear sub-buckets, so a percentile is
// reported within ~6% of the true value at any scale, in a fixed ~4 KiB table
// with O(1) Add(). One histogram per thread; Merge() combines them.
//
// Thread safety: none; one thread at a time.
#pragma once

#include <array>
#include <cstdint>

namespace mmdb_bench {

class LatencyHistogram {
 public:
  void Add(uint64_t nanos);
  void Merge(const LatencyHistogram& other);
  void Clear();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double Mean() const;
  // The latency (nanoseconds) below which `p` percent of samples fall
  // (0 < p <= 100), interpolated inside the bucket; 0 when empty.
  double Percentile(double p) const;

 private:
  static constexpr int kSubBits = 3;                            // 8 sub-buckets per power of two
  static constexpr int kBuckets = (65 - kSubBits) << kSubBits;  // up to 2^64

  static int BucketFor(uint64_t v);
  static uint64_t BucketLow(int bucket);

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace mmdb_bench
