#include "util/histogram.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>

namespace mmdb {

namespace {

// The bucket table: 0, 1, ..., 10 exactly, then each bound 10% above the
// last (integer steps), up to ~1e13 (over 100 days in microseconds); the
// last bucket is open-ended.
constexpr uint64_t kLastBound = 10'000'000'000'000ull;

constexpr size_t CountBuckets() {
  size_t n = 1;
  for (uint64_t b = 0; b < kLastBound; b += std::max<uint64_t>(1, b / 10)) ++n;
  return n;
}

constexpr size_t kNumBuckets = CountBuckets();

constexpr std::array<uint64_t, kNumBuckets> MakeBounds() {
  std::array<uint64_t, kNumBuckets> bounds{};
  uint64_t b = 0;
  for (size_t i = 0; i < kNumBuckets; ++i) {
    bounds[i] = b;
    b += std::max<uint64_t>(1, b / 10);
  }
  return bounds;
}

constexpr std::array<uint64_t, kNumBuckets> kBounds = MakeBounds();

size_t BucketFor(uint64_t value) {
  // The last bound <= value.
  return static_cast<size_t>(std::upper_bound(kBounds.begin(), kBounds.end(), value) -
                             kBounds.begin()) -
         1;
}

}  // namespace

size_t HistogramImpl::NumBuckets() { return kNumBuckets; }

uint64_t HistogramImpl::BucketLowerBound(size_t i) { return kBounds[i]; }

HistogramImpl::HistogramImpl() {
  static_assert(kNumBuckets <= kMaxBuckets);
  for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
}

void HistogramImpl::Add(uint64_t value) {
  buckets_[BucketFor(value)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  uint64_t cur = min_.load(std::memory_order_relaxed);
  while (value < cur && !min_.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
  }
  cur = max_.load(std::memory_order_relaxed);
  while (value > cur && !max_.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
  }
}

void HistogramImpl::Clear() {
  for (size_t i = 0; i < kNumBuckets; ++i) buckets_[i].store(0, std::memory_order_relaxed);
  sum_.store(0, std::memory_order_relaxed);
  min_.store(UINT64_MAX, std::memory_order_relaxed);
  max_.store(0, std::memory_order_relaxed);
}

uint64_t HistogramImpl::count() const {
  uint64_t n = 0;
  for (size_t i = 0; i < kNumBuckets; ++i) n += buckets_[i].load(std::memory_order_relaxed);
  return n;
}

uint64_t HistogramImpl::min() const {
  const uint64_t m = min_.load(std::memory_order_relaxed);
  return m == UINT64_MAX && count() == 0 ? 0 : m;
}

double HistogramImpl::Average() const {
  const uint64_t n = count();
  return n == 0 ? 0.0 : static_cast<double>(sum()) / static_cast<double>(n);
}

double HistogramImpl::Percentile(double p) const {
  std::array<uint64_t, kNumBuckets> counts;
  uint64_t total = 0;
  for (size_t i = 0; i < kNumBuckets; ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
    total += counts[i];
  }
  if (total == 0) return 0.0;
  const double lo_clamp = static_cast<double>(min());
  const double hi_clamp = static_cast<double>(max());
  const double threshold = static_cast<double>(total) * std::clamp(p, 0.0, 100.0) / 100.0;
  double cumulative = 0;
  for (size_t i = 0; i < kNumBuckets; ++i) {
    if (counts[i] == 0) continue;
    const double in_bucket = static_cast<double>(counts[i]);
    if (cumulative + in_bucket >= threshold) {
      // Samples are assumed spread evenly over the part of the bucket that
      // lies within [min, max].
      double lo = std::max(static_cast<double>(kBounds[i]), lo_clamp);
      double hi = i + 1 < kNumBuckets ? static_cast<double>(kBounds[i + 1]) : hi_clamp + 1;
      hi = std::min(hi, hi_clamp + 1);
      if (hi < lo) hi = lo;
      const double v = lo + (hi - lo) * (threshold - cumulative) / in_bucket;
      return std::clamp(v, lo_clamp, std::max(lo_clamp, hi_clamp));
    }
    cumulative += in_bucket;
  }
  return hi_clamp;
}

std::string HistogramImpl::ToString() const {
  char buf[200];
  std::snprintf(buf, sizeof(buf),
                "P50 : %.1f P95 : %.1f P99 : %.1f COUNT : %" PRIu64 " SUM : %" PRIu64,
                Percentile(50), Percentile(95), Percentile(99), count(), sum());
  return buf;
}

}  // namespace mmdb
