#include "db/error_handler.h"

#include <algorithm>

namespace mmdb {

void ErrorHandler::Record(const Status& s, uint64_t now_micros, Status* bg_error) {
  if (s.ok()) return;
  if (bg_error->ok() || (IsRecoverable(*bg_error) && !IsRecoverable(s))) *bg_error = s;
  if (IsRecoverable(*bg_error) && retry_at_micros_ == 0) {
    if (recovered_at_micros_ == 0 || now_micros - recovered_at_micros_ > kSettleMicros) {
      delay_micros_ = kFirstRetryMicros;
    } else {
      delay_micros_ = std::min(2 * delay_micros_, kMaxRetryMicros);
    }
    retry_at_micros_ = now_micros + delay_micros_;
  }
}

uint64_t ErrorHandler::MicrosUntilRetry(uint64_t now_micros) const {
  if (retry_at_micros_ == 0) return kMaxRetryMicros;
  return retry_at_micros_ > now_micros ? retry_at_micros_ - now_micros : 0;
}

void ErrorHandler::RetryFailed(uint64_t now_micros) {
  delay_micros_ = std::min(2 * delay_micros_, kMaxRetryMicros);
  retry_at_micros_ = now_micros + delay_micros_;
}

void ErrorHandler::Recovered(uint64_t now_micros) {
  retry_at_micros_ = 0;
  recovered_at_micros_ = now_micros;
}

}  // namespace mmdb
