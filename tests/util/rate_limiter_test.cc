// RateLimiter: exact token accounting on a manual clock, and accuracy on the
// real clock with two writer threads.
#include "util/rate_limiter.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "env/mem_env.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

constexpr uint64_t kMiB = 1u << 20;

TEST(RateLimiterTest, IntervalAndRefill) {
  MemEnv env(MemEnv::Clock::kManual);
  RateLimiter a(1'000'000, &env);
  EXPECT_EQ(a.refill_interval_micros(), 10'000u);
  EXPECT_EQ(a.refill_bytes_per_interval(), 10'000u);
  EXPECT_EQ(a.bytes_per_sec(), 1'000'000u);
  // Under 100 bytes/s the interval stretches so that refill / interval stays
  // the rate.
  RateLimiter b(50, &env);
  EXPECT_EQ(b.refill_bytes_per_interval(), 1u);
  EXPECT_EQ(b.refill_interval_micros(), 20'000u);
}

TEST(RateLimiterTest, ManualClockExactAccounting) {
  MemEnv env(MemEnv::Clock::kManual);
  RateLimiter limiter(1'000'000, &env);  // 10'000 bytes per 10 ms
  const uint64_t t0 = env.NowMicros();

  limiter.Request(0);
  EXPECT_EQ(env.NowMicros(), t0);

  // The bucket starts empty: 100'000 bytes take exactly 10 intervals.
  limiter.Request(100'000);
  EXPECT_EQ(env.NowMicros() - t0, 100'000u);
  EXPECT_EQ(limiter.total_bytes_granted(), 100'000u);
  EXPECT_EQ(limiter.total_wait_micros(), 100'000u);

  // 25'000 bytes: three refills, 5'000 tokens left over ...
  limiter.Request(25'000);
  EXPECT_EQ(env.NowMicros() - t0, 130'000u);
  // ... which a following request gets without waiting.
  limiter.Request(5'000);
  EXPECT_EQ(env.NowMicros() - t0, 130'000u);
  EXPECT_EQ(limiter.total_bytes_granted(), 130'000u);
  EXPECT_EQ(limiter.total_wait_micros(), 130'000u);

  // Random sizes: never more than rate × elapsed, and never slower than the
  // rate by more than one interval while requests keep coming.
  Random rnd(test::Seed());
  for (int i = 0; i < 200; ++i) {
    limiter.Request(1 + rnd.Uniform(40'000));
    const uint64_t elapsed = env.NowMicros() - t0;
    const uint64_t granted = limiter.total_bytes_granted();
    ASSERT_LE(granted, elapsed) << "i=" << i;  // 1 byte per micro
    ASSERT_LE(elapsed, granted + 10'000) << "i=" << i;
  }
}

TEST(RateLimiterTest, IdleTimeBuysAtMostOneInterval) {
  MemEnv env(MemEnv::Clock::kManual);
  RateLimiter limiter(1'000'000, &env);
  limiter.Request(10'000);  // aligns with the refill schedule
  env.AdvanceClock(5'000'000);
  const uint64_t t0 = env.NowMicros();
  // One interval's worth is available at once; the rest is paced.
  limiter.Request(10'000);
  EXPECT_EQ(env.NowMicros(), t0);
  limiter.Request(30'000);
  EXPECT_EQ(env.NowMicros() - t0, 30'000u);
}

TEST(RateLimiterTest, ManualClockTwoThreadsShareTheRate) {
  MemEnv env(MemEnv::Clock::kManual);
  RateLimiter limiter(1'000'000, &env);
  const uint64_t t0 = env.NowMicros();
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&limiter] {
      for (int i = 0; i < 25; ++i) limiter.Request(20'000);  // two pieces each
    });
  }
  for (std::thread& t : threads) t.join();
  // Only the head of the queue sleeps (advancing the manual clock), one
  // interval per 10'000-byte piece.
  EXPECT_EQ(limiter.total_bytes_granted(), 1'000'000u);
  EXPECT_EQ(env.NowMicros() - t0, 1'000'000u);
}

TEST(RateLimiterTest, RealClockAccuracyTwoThreads) {
  MemEnv env(MemEnv::Clock::kReal);
  const uint64_t rate = 4 * kMiB;
  RateLimiter limiter(rate, &env);
  constexpr uint64_t kRunMicros = 2'000'000;
  const uint64_t start = env.NowMicros();
  std::atomic<uint64_t> per_thread[2] = {0, 0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      while (env.NowMicros() - start < kRunMicros) {
        limiter.Request(64 << 10);
        per_thread[t].fetch_add(64 << 10, std::memory_order_relaxed);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const uint64_t elapsed = env.NowMicros() - start;
  const double total = static_cast<double>(per_thread[0] + per_thread[1]);
  const double measured = total * 1e6 / static_cast<double>(elapsed);
  EXPECT_NEAR(measured, static_cast<double>(rate), 0.10 * static_cast<double>(rate))
      << "elapsed " << elapsed << " us, " << total << " bytes";
  EXPECT_EQ(limiter.total_bytes_granted(), per_thread[0] + per_thread[1]);
  // Pieces are served in FIFO order: neither thread starves.
  const double a = static_cast<double>(per_thread[0]);
  const double b = static_cast<double>(per_thread[1]);
  EXPECT_GT(std::min(a, b), 0.6 * std::max(a, b));
  EXPECT_GT(limiter.total_wait_micros(), 0u);
}

TEST(RateLimiterTest, RateLimitedFileChargesAppends) {
  MemEnv env(MemEnv::Clock::kManual);
  RateLimiter limiter(1'000'000, &env);
  std::unique_ptr<WritableFile> base;
  ASSERT_OK(env.NewWritableFile("/d/f", &base));
  WritableFile* raw = base.get();
  // No limiter: the file itself comes back.
  std::unique_ptr<WritableFile> same = NewRateLimitedFile(std::move(base), nullptr);
  EXPECT_EQ(same.get(), raw);

  std::unique_ptr<WritableFile> file = NewRateLimitedFile(std::move(same), &limiter);
  const uint64_t t0 = env.NowMicros();
  const std::string chunk(15'000, 'x');
  ASSERT_OK(file->Append(chunk));
  ASSERT_OK(file->Append(chunk));
  EXPECT_EQ(file->Size(), 30'000u);
  ASSERT_OK(file->Flush());
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Close());
  EXPECT_EQ(limiter.total_bytes_granted(), 30'000u);
  EXPECT_EQ(env.NowMicros() - t0, 30'000u);
  EXPECT_EQ(env.FileContents("/d/f"), chunk + chunk);
  EXPECT_EQ(env.SyncedSize("/d/f"), 30'000u);
}

}  // namespace
}  // namespace mmdb
