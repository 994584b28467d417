// RateLimiter: token bucket with FIFO pieces (see rate_limiter.h).
#include "util/rate_limiter.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace mmdb {

namespace {

constexpr uint64_t kTargetIntervalMicros = 10'000;  // 10 ms
constexpr uint64_t kIntervalsPerSecond = 1'000'000 / kTargetIntervalMicros;

class RateLimitedFile final : public WritableFile {
 public:
  RateLimitedFile(std::unique_ptr<WritableFile> file, RateLimiter* limiter)
      : file_(std::move(file)), limiter_(limiter) {}

  Status Append(std::string_view data) override {
    limiter_->Request(data.size());
    return file_->Append(data);
  }
  Status Flush() override { return file_->Flush(); }
  Status Sync() override { return file_->Sync(); }
  Status Close() override { return file_->Close(); }
  uint64_t Size() const override { return file_->Size(); }

 private:
  const std::unique_ptr<WritableFile> file_;
  RateLimiter* const limiter_;
};

}  // namespace

RateLimiter::RateLimiter(uint64_t bytes_per_sec, Env* env)
    : bytes_per_sec_(bytes_per_sec), env_(env), cv_(&mu_) {
  assert(bytes_per_sec > 0);
  // Tokens per interval: a hundredth of the rate, at least one byte; the
  // interval is then stretched so that refill / interval == the rate (10 ms
  // except for rates under 100 bytes/s, up to rounding to whole micros).
  refill_bytes_ = std::max<uint64_t>(1, bytes_per_sec_ / kIntervalsPerSecond);
  const double micros = std::round(static_cast<double>(refill_bytes_) * 1e6 /
                                   static_cast<double>(std::max<uint64_t>(1, bytes_per_sec_)));
  refill_interval_micros_ = std::max<uint64_t>(1, static_cast<uint64_t>(micros));
  MutexLock l(&mu_);
  next_refill_micros_ = env_->NowMicros() + refill_interval_micros_;
}

uint64_t RateLimiter::total_bytes_granted() const {
  MutexLock l(&mu_);
  return total_bytes_granted_;
}

uint64_t RateLimiter::total_wait_micros() const {
  MutexLock l(&mu_);
  return total_wait_micros_;
}

void RateLimiter::Refill(uint64_t now) {
  if (now < next_refill_micros_) return;
  const uint64_t intervals = (now - next_refill_micros_) / refill_interval_micros_ + 1;
  next_refill_micros_ += intervals * refill_interval_micros_;
  // The bucket holds at most one interval's tokens, so any refill fills it:
  // an idle period buys no burst. Waiting pieces drain the bucket before they
  // sleep, so this never discards tokens while someone waits.
  available_ = refill_bytes_;
}

void RateLimiter::RequestPiece(uint64_t bytes) {
  const uint64_t ticket = next_ticket_++;
  while (serving_ != ticket) cv_.Wait();
  // Head of the queue: take what the bucket holds, sleep to the next refill
  // for the rest. Other pieces queue behind this one meanwhile.
  uint64_t remaining = bytes;
  while (true) {
    Refill(env_->NowMicros());
    const uint64_t take = std::min(remaining, available_);
    available_ -= take;
    remaining -= take;
    total_bytes_granted_ += take;
    if (remaining == 0) break;
    const uint64_t now = env_->NowMicros();
    const uint64_t sleep_micros = next_refill_micros_ > now ? next_refill_micros_ - now : 0;
    if (sleep_micros > 0) {
      mu_.Unlock();
      env_->SleepForMicroseconds(sleep_micros);
      mu_.Lock();
    }
  }
  ++serving_;
  cv_.SignalAll();
}

void RateLimiter::Request(uint64_t bytes) {
  if (bytes == 0) return;
  MutexLock l(&mu_);
  const uint64_t start = env_->NowMicros();
  uint64_t remaining = bytes;
  while (remaining > 0) {
    // One piece per ticket: a large request yields to requests queued behind
    // each of its pieces.
    const uint64_t piece = std::min(remaining, refill_bytes_);
    RequestPiece(piece);
    remaining -= piece;
  }
  const uint64_t end = env_->NowMicros();
  total_wait_micros_ += end > start ? end - start : 0;
}

std::unique_ptr<WritableFile> NewRateLimitedFile(std::unique_ptr<WritableFile> file,
                                                 RateLimiter* limiter) {
  if (limiter == nullptr) return file;
  return std::make_unique<RateLimitedFile>(std::move(file), limiter);
}

}  // namespace mmdb
