// In-memory log files for the wal and manifest tests.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <mmdb/env.h>

namespace mmdb::test {

// A WritableFile appending to a caller-owned string; can fail on demand.
class StringSink final : public WritableFile {
 public:
  explicit StringSink(std::string* contents) : contents_(contents) {}
  Status Append(std::string_view data) override {
    if (fail_appends_) return Status::IOError("injected append failure");
    contents_->append(data);
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return contents_->size(); }
  void RangeSync(uint64_t offset, uint64_t n) override { range_syncs_.emplace_back(offset, n); }
  void set_fail_appends(bool f) { fail_appends_ = f; }
  // Every RangeSync call, in order.
  const std::vector<std::pair<uint64_t, uint64_t>>& range_syncs() const { return range_syncs_; }

 private:
  std::string* contents_;
  bool fail_appends_ = false;
  std::vector<std::pair<uint64_t, uint64_t>> range_syncs_;
};

// A SequentialFile over a copy of some bytes; returns short reads of at most
// `max_read` bytes only at EOF, as the contract says.
class StringSource final : public SequentialFile {
 public:
  explicit StringSource(std::string contents) : contents_(std::move(contents)) {}
  Status Read(size_t n, std::string_view* result, char* scratch) override {
    if (fail_reads_) return Status::IOError("injected read failure");
    const size_t k = std::min(n, contents_.size() - pos_);
    std::memcpy(scratch, contents_.data() + pos_, k);
    pos_ += k;
    *result = std::string_view(scratch, k);
    return Status::OK();
  }
  Status Skip(uint64_t n) override {
    pos_ = std::min<size_t>(contents_.size(), pos_ + n);
    return Status::OK();
  }
  void set_fail_reads(bool f) { fail_reads_ = f; }

 private:
  std::string contents_;
  size_t pos_ = 0;
  bool fail_reads_ = false;
};

}  // namespace mmdb::test
