#include <mmdb/status.h>

namespace mmdb {

namespace {

const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kNotSupported:
      return "NotSupported";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kBusy:
      return "Busy";
    case Status::Code::kAborted:
      return "Aborted";
  }
  return "Unknown";
}

}  // namespace

Status::Status(Code code, SubCode subcode, std::string_view msg)
    : rep_(std::make_unique<Rep>(Rep{code, subcode, std::string(msg)})) {}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  }
  return *this;
}

std::string_view Status::message() const {
  return rep_ == nullptr ? std::string_view() : std::string_view(rep_->message);
}

std::string Status::ToString() const {
  if (rep_ == nullptr) return "OK";
  std::string result = CodeName(rep_->code);
  if (rep_->subcode == SubCode::kNoSpace) result += " (no space)";
  if (!rep_->message.empty()) {
    result += ": ";
    result += rep_->message;
  }
  return result;
}

Status Status::WithContext(std::string_view context) const {
  if (rep_ == nullptr) return Status();
  std::string msg(context);
  msg += ": ";
  msg += rep_->message;
  return Status(rep_->code, rep_->subcode, msg);
}

}  // namespace mmdb
