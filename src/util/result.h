// Result<T>: a value or a non-OK Status, for internal factories.
//
// C++20 has no std::expected; this is the small subset we need. The public
// API returns Status with out-parameters (API.md); inside the engine a
// function that makes something returns Result<T> and call sites stay flat
// with MMDB_ASSIGN_OR_RETURN / MMDB_RETURN_IF_ERROR.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include <mmdb/status.h>

namespace mmdb {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return Status::...;` both work.
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "Result built from an OK Status has no value");
    if (status_.ok()) status_ = Status::InvalidArgument("Result from OK status without value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace mmdb

#define MMDB_CONCAT_INNER_(a, b) a##b
#define MMDB_CONCAT_(a, b) MMDB_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status) and returns it from the enclosing function when not OK.
#define MMDB_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::mmdb::Status mmdb_status_ = (expr);        \
    if (!mmdb_status_.ok()) return mmdb_status_; \
  } while (0)

// `MMDB_ASSIGN_OR_RETURN(T x, ResultExpr)`: declares/assigns x from the value,
// or returns the Status from the enclosing function.
#define MMDB_ASSIGN_OR_RETURN(lhs, expr) \
  MMDB_ASSIGN_OR_RETURN_IMPL_(MMDB_CONCAT_(mmdb_result_, __LINE__), lhs, expr)
#define MMDB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = std::move(tmp).value()
