// Status: the outcome of every fallible MMDB call.
//
// An OK status is a null pointer: creating, copying and testing it allocates
// nothing. A non-OK status owns one heap block holding its code and message.
// Status is [[nodiscard]]: a dropped Status is a compile warning (an error in
// our build); when dropping one is right, say why in a comment and cast to void.
//
// Thread safety: a Status is a value; distinct objects may be used from
// different threads, one object from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mmdb {

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound = 1,
    kCorruption = 2,
    kNotSupported = 3,
    kInvalidArgument = 4,
    kIOError = 5,
    kBusy = 6,
    kAborted = 7,
  };

  // A finer reason inside a code. Only IOError has one today.
  enum class SubCode : uint8_t {
    kNone = 0,
    // The device or quota is full (ENOSPC, EDQUOT). Unlike other I/O errors
    // this one is expected to pass once space is freed: the DB stops writes
    // while it stands and resumes by itself (DB::Resume, include/mmdb/db.h).
    kNoSpace = 1,
  };

  // Creates an OK status.
  Status() noexcept = default;
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&& other) noexcept = default;
  Status& operator=(Status&& other) noexcept = default;
  ~Status() = default;

  static Status OK() { return Status(); }
  // The key (or file, or thing asked for) does not exist. Not an error for Get.
  static Status NotFound(std::string_view msg = {}) { return Status(Code::kNotFound, msg); }
  // Bytes on disk (or handed in as encoded data) fail a check: checksum, length, magic.
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  // The operation exists but is not allowed here (e.g. a write on a read-only DB).
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  // The caller passed something the contract forbids (oversized key, bad option).
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  // The operating system refused a read, write, sync, rename or lock.
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  // An IOError whose cause is a full device or quota (SubCode::kNoSpace):
  // IsIOError() and IsNoSpace() are both true.
  static Status NoSpace(std::string_view msg) {
    return Status(Code::kIOError, SubCode::kNoSpace, msg);
  }
  // The resource is held elsewhere or the call would have to wait (no_slowdown).
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  // The operation was stopped before it finished (e.g. the DB is closing).
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }

  bool ok() const { return rep_ == nullptr; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsNotSupported() const { return code() == Code::kNotSupported; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsIOError() const { return code() == Code::kIOError; }
  bool IsNoSpace() const { return subcode() == SubCode::kNoSpace; }
  bool IsBusy() const { return code() == Code::kBusy; }
  bool IsAborted() const { return code() == Code::kAborted; }

  Code code() const { return rep_ == nullptr ? Code::kOk : rep_->code; }
  SubCode subcode() const { return rep_ == nullptr ? SubCode::kNone : rep_->subcode; }
  // The message without the code name; empty for OK.
  std::string_view message() const;
  // "OK", or the code name, ": " and the message, e.g. "Corruption: bad block checksum".
  std::string ToString() const;

  // Returns a copy of this status (code and subcode) whose message is
  // prefixed with `context` (e.g. a file name); OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct Rep {
    Code code;
    SubCode subcode;
    std::string message;
  };
  Status(Code code, std::string_view msg) : Status(code, SubCode::kNone, msg) {}
  Status(Code code, SubCode subcode, std::string_view msg);

  std::unique_ptr<Rep> rep_;
};

}  // namespace mmdb
