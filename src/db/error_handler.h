// ErrorHandler: the DB's policy for background errors (a failed WAL write,
// flush, compaction or MANIFEST write), and the schedule of automatic
// recovery.
//
// Which error stands: the first one, unless a later one cannot heal while the
// standing one can (then the later one stands: a reopen is needed anyway).
// Which errors heal: a full device or quota (Status::IsNoSpace). The DB
// retries those in the background, after kFirstRetryMicros and then at
// doubling intervals up to kMaxRetryMicros, until a retry succeeds. An error
// within kSettleMicros of a recovery continues the schedule where it was
// (a disk that is still nearly full, e.g. a compaction failing again after
// every recovery, is not hammered every 100 ms); a later one starts it
// afresh. The recovery itself (new MANIFEST,
// new WAL, flushes) is DBImpl::ResumeLocked; this class only decides.
//
// Thread safety: none of its own; the DB calls it holding its mutex.
#pragma once

#include <cstdint>

#include <mmdb/status.h>

namespace mmdb {

class ErrorHandler {
 public:
  static constexpr uint64_t kFirstRetryMicros = 100'000;
  static constexpr uint64_t kMaxRetryMicros = 5'000'000;
  static constexpr uint64_t kSettleMicros = 10'000'000;

  // True when `s` may pass without a reopen (a full disk).
  static bool IsRecoverable(const Status& s) { return s.IsNoSpace(); }

  // Records `s` (not OK) against the standing error `*bg_error`: sets
  // *bg_error when it should now stand, and, for an error that heals,
  // schedules the first retry at now + kFirstRetryMicros unless one is
  // already scheduled.
  void Record(const Status& s, uint64_t now_micros, Status* bg_error);

  // A retry is scheduled and its time has come.
  bool RetryDue(uint64_t now_micros) const {
    return retry_at_micros_ != 0 && now_micros >= retry_at_micros_;
  }
  // Micros until the scheduled retry (0 when due; kMaxRetryMicros when none
  // is scheduled).
  uint64_t MicrosUntilRetry(uint64_t now_micros) const;

  // A retry failed: the next one waits twice as long (at most kMaxRetryMicros).
  void RetryFailed(uint64_t now_micros);
  // The DB is writable again: no retry is scheduled.
  void Recovered(uint64_t now_micros);

 private:
  uint64_t retry_at_micros_ = 0;  // 0 = none scheduled
  uint64_t delay_micros_ = kFirstRetryMicros;
  uint64_t recovered_at_micros_ = 0;  // 0 = never
};

}  // namespace mmdb
