// RateLimiter: a token bucket bounding background write bandwidth
// (Options::rate_limit_bytes_per_sec), shared by flush and compaction.
// Foreground (WAL) writes are never charged.
//
// Tokens refill in small intervals (every 10 ms, from env->NowMicros()): each
// interval adds bytes_per_sec / 100 tokens, and the bucket holds at most one
// interval's worth, so an idle period buys no burst. The bucket starts empty:
// over any run, bytes granted <= bytes_per_sec × elapsed time (to within one
// interval). A Request larger than one interval's refill is granted in
// pieces of at most one interval, so a big block waits proportionally rather
// than being refused, and waiting requests are served piece by piece in
// arrival (FIFO) order, so one large request cannot starve the others.
//
// Waiting: the request at the head of the queue sleeps with
// env->SleepForMicroseconds until the next refill (so a manual-clock Env
// drives it deterministically); the others wait on a condition variable
// until the head is served. No busy loop.
//
// Owner: util. Thread safety: Request may be called from any number of
// threads; the accessors too.
#pragma once

#include <cstdint>
#include <memory>

#include <mmdb/env.h>

#include "util/mutex.h"

namespace mmdb {

class RateLimiter {
 public:
  // REQUIRES: bytes_per_sec > 0. `env` provides the clock and the sleep (not
  // owned; must outlive the limiter).
  RateLimiter(uint64_t bytes_per_sec, Env* env);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Blocks until `bytes` tokens were granted. Request(0) returns at once.
  void Request(uint64_t bytes);
  uint64_t bytes_per_sec() const { return bytes_per_sec_; }
  // Bytes granted so far, over all callers.
  uint64_t total_bytes_granted() const;
  // Microseconds callers spent waiting, summed over callers.
  uint64_t total_wait_micros() const;

  // The refill interval and the tokens each one adds (for tests).
  uint64_t refill_interval_micros() const { return refill_interval_micros_; }
  uint64_t refill_bytes_per_interval() const { return refill_bytes_; }

 private:
  // Grants one piece of at most refill_bytes_ bytes, in ticket order.
  void RequestPiece(uint64_t bytes) REQUIRES(mu_);
  // Adds the tokens of every interval elapsed by `now`.
  void Refill(uint64_t now) REQUIRES(mu_);

  const uint64_t bytes_per_sec_;
  Env* const env_;
  uint64_t refill_interval_micros_;  // 10 ms, longer only for tiny rates
  uint64_t refill_bytes_;            // tokens per interval, >= 1

  mutable Mutex mu_;  // guards everything below
  CondVar cv_;        // signalled when the head of the queue changes
  uint64_t available_ GUARDED_BY(mu_) = 0;
  uint64_t next_refill_micros_ GUARDED_BY(mu_) = 0;
  uint64_t next_ticket_ GUARDED_BY(mu_) = 0;  // handed to the next waiting piece
  uint64_t serving_ GUARDED_BY(mu_) = 0;      // ticket of the head of the queue
  uint64_t total_bytes_granted_ GUARDED_BY(mu_) = 0;
  uint64_t total_wait_micros_ GUARDED_BY(mu_) = 0;
};

// A WritableFile that charges every Append to `limiter` before writing
// (Flush, Sync, Close and Size delegate). `limiter` is not owned and must
// outlive the file; when null, `file` is returned as is.
std::unique_ptr<WritableFile> NewRateLimitedFile(std::unique_ptr<WritableFile> file,
                                                 RateLimiter* limiter);

}  // namespace mmdb
