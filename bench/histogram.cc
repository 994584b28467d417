#include "bench/histogram.h"

#include <algorithm>
#include <bit>

namespace mmdb_bench {

// Values below 2^kSubBits get one bucket each; above, bucket = (exponent,
// the kSubBits bits after the leading one).
int LatencyHistogram::BucketFor(uint64_t v) {
  constexpr uint64_t kLinear = 1u << kSubBits;
  if (v < kLinear) return static_cast<int>(v);
  int exponent = 63 - std::countl_zero(v);  // >= kSubBits
  int sub = static_cast<int>((v >> (exponent - kSubBits)) & (kLinear - 1));
  return ((exponent - kSubBits + 1) << kSubBits) + sub;
}

uint64_t LatencyHistogram::BucketLow(int bucket) {
  constexpr int kLinear = 1 << kSubBits;
  if (bucket < kLinear) return static_cast<uint64_t>(bucket);
  int exponent = (bucket >> kSubBits) + kSubBits - 1;
  uint64_t sub = static_cast<uint64_t>(bucket & (kLinear - 1));
  return (uint64_t{1} << exponent) + (sub << (exponent - kSubBits));
}

void LatencyHistogram::Add(uint64_t nanos) {
  ++buckets_[static_cast<size_t>(BucketFor(nanos))];
  ++count_;
  min_ = std::min(min_, nanos);
  max_ = std::max(max_, nanos);
  sum_ += static_cast<double>(nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void LatencyHistogram::Clear() { *this = LatencyHistogram(); }

double LatencyHistogram::Mean() const {
  return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
}

double LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  double rank = static_cast<double>(count_) * p / 100.0;
  double seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    double n = static_cast<double>(buckets_[static_cast<size_t>(b)]);
    if (n == 0) continue;
    if (seen + n >= rank) {
      // Interpolate over the part of the bucket that saw samples.
      double low = std::max(static_cast<double>(BucketLow(b)), static_cast<double>(min_));
      double high = b + 1 < kBuckets ? static_cast<double>(BucketLow(b + 1)) : low;
      high = std::min(high, static_cast<double>(max_) + 1);
      double v = low + (high - low) * ((rank - seen) / n);
      return std::clamp(v, static_cast<double>(min_), static_cast<double>(max_));
    }
    seen += n;
  }
  return static_cast<double>(max_);
}

}  // namespace mmdb_bench
