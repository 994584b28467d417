// ErrorHandler: which background error stands, and when the DB retries one
// that can heal.
#include "db/error_handler.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace mmdb {
namespace {

TEST(ErrorHandlerTest, OnlyNoSpaceHeals) {
  EXPECT_TRUE(ErrorHandler::IsRecoverable(Status::NoSpace("full")));
  EXPECT_TRUE(ErrorHandler::IsRecoverable(Status::NoSpace("full").WithContext("000007.wal")));
  EXPECT_FALSE(ErrorHandler::IsRecoverable(Status::IOError("bad sector")));
  EXPECT_FALSE(ErrorHandler::IsRecoverable(Status::Corruption("bad block")));
  EXPECT_FALSE(ErrorHandler::IsRecoverable(Status::OK()));
}

TEST(ErrorHandlerTest, FirstErrorStandsUnlessALaterOneCannotHeal) {
  ErrorHandler h;
  Status bg;
  h.Record(Status::NoSpace("first"), 0, &bg);
  h.Record(Status::NoSpace("second"), 0, &bg);
  EXPECT_EQ(bg.message(), "first");
  h.Record(Status::IOError("sticky"), 0, &bg);
  EXPECT_EQ(bg.message(), "sticky");
  h.Record(Status::NoSpace("third"), 0, &bg);
  EXPECT_EQ(bg.message(), "sticky");
  h.Record(Status::OK(), 0, &bg);
  EXPECT_EQ(bg.message(), "sticky");
}

TEST(ErrorHandlerTest, RetriesBackOffFrom100MsTo5s) {
  ErrorHandler h;
  Status bg;
  uint64_t now = 1'000'000;
  EXPECT_FALSE(h.RetryDue(now));
  h.Record(Status::NoSpace("full"), now, &bg);
  EXPECT_FALSE(h.RetryDue(now));
  EXPECT_EQ(h.MicrosUntilRetry(now), 100'000u);
  uint64_t expected = 100'000;
  for (int i = 0; i < 10; ++i) {
    now += h.MicrosUntilRetry(now);
    ASSERT_TRUE(h.RetryDue(now));
    h.RetryFailed(now);
    expected = std::min<uint64_t>(2 * expected, ErrorHandler::kMaxRetryMicros);
    EXPECT_EQ(h.MicrosUntilRetry(now), expected) << i;
  }
  EXPECT_EQ(expected, ErrorHandler::kMaxRetryMicros);
  h.Recovered(now);
  EXPECT_FALSE(h.RetryDue(now + 10'000'000));
  // Soon after a recovery the schedule goes on; later it starts afresh.
  h.Record(Status::NoSpace("again"), now + 1'000'000, &bg);
  EXPECT_EQ(h.MicrosUntilRetry(now + 1'000'000), ErrorHandler::kMaxRetryMicros);
  h.Recovered(now + 2'000'000);
  h.Record(Status::NoSpace("later"), now + 60'000'000, &bg);
  EXPECT_EQ(h.MicrosUntilRetry(now + 60'000'000), ErrorHandler::kFirstRetryMicros);
}

TEST(ErrorHandlerTest, StickyErrorsScheduleNoRetry) {
  ErrorHandler h;
  Status bg;
  h.Record(Status::IOError("bad sector"), 0, &bg);
  EXPECT_FALSE(h.RetryDue(100'000'000));
}

}  // namespace
}  // namespace mmdb
