// FileMetaData and VersionEdit: one MANIFEST record, a delta between two
// Versions (docs/format/manifest.md).
//
// A VersionEdit optionally sets the WAL log number, the next file number and
// the last sequence, and lists SST files added to and deleted from levels.
// A trivial move is one edit that adds file N at level L+k and deletes file N
// at level L; VersionBuilder applies it as a move.
//
// Owner: plain values, copied freely. Thread safety: a value type; one object
// is used by one thread at a time.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <mmdb/status.h>

#include "sst/table_builder.h"
#include "types/internal_key.h"

namespace mmdb {

// How many wasted reads a file may cause before it is compacted away
// (read-triggered compaction, docs/compaction.md "## Read-triggered
// compactions"). Runtime only: a new budget is set whenever a file enters a
// level. Readers charge it without the DB mutex, so it is atomic; copying
// copies the count, so FileMetaData stays a value type.
class SeekBudget {
 public:
  SeekBudget() = default;
  SeekBudget(const SeekBudget& other) : left_(other.left()) {}
  SeekBudget& operator=(const SeekBudget& other) {
    left_.store(other.left(), std::memory_order_relaxed);
    return *this;
  }

  // Reads a file of `file_size` bytes may waste: one per 16 KiB, at least
  // 100 (LevelDB's rule: one wasted seek costs about as much as compacting
  // 16 KiB).
  static int64_t ForFileSize(uint64_t file_size) {
    return std::max<int64_t>(100, static_cast<int64_t>(file_size / (16u << 10)));
  }

  void Reset(int64_t seeks) { left_.store(seeks, std::memory_order_relaxed); }
  int64_t left() const { return left_.load(std::memory_order_relaxed); }
  // Takes `seeks` (> 0) from the budget. True for exactly one charge: the one
  // that uses the budget up.
  bool Charge(int64_t seeks) const {
    const int64_t before = left_.fetch_sub(seeks, std::memory_order_relaxed);
    return before > 0 && before <= seeks;
  }

 private:
  // Unlimited until a level sets it (files outside any Version never run out).
  mutable std::atomic<int64_t> left_{std::numeric_limits<int64_t>::max()};
};

// Whether a compaction holds a file as input. Only the DB sets and clears
// it, under its mutex, and the decisions that read it (the picker, ingestion)
// read it under the same mutex: the mutex orders it. It is an atomic
// (relaxed) so that code copying a FileMetaData without that mutex (a
// checkpoint writing its MANIFEST, an edit built outside the lock) reads it
// race-free; a copy's mark means nothing, and VersionBuilder clears it on
// every file it adds.
class CompactionMark {
 public:
  CompactionMark() = default;
  CompactionMark(const CompactionMark& other) : set_(other.get()) {}
  CompactionMark& operator=(const CompactionMark& other) {
    set_.store(other.get(), std::memory_order_relaxed);
    return *this;
  }
  CompactionMark& operator=(bool value) {
    set_.store(value, std::memory_order_relaxed);
    return *this;
  }
  bool get() const { return set_.load(std::memory_order_relaxed); }
  operator bool() const { return get(); }  // NOLINT(google-explicit-constructor)

 private:
  std::atomic<bool> set_{false};
};

// One SST file in a Version. Shared (std::shared_ptr) by every Version that
// lists it. Runtime fields that change after the file enters a Version are
// atomics with their ordering written down (CompactionMark, SeekBudget);
// the rest are set before the FileMetaData is shared and never change.
struct FileMetaData {
  // Persisted in the MANIFEST.
  uint64_t number = 0;
  uint64_t file_size = 0;
  std::string smallest;  // internal key (user key ‖ 8-byte trailer)
  std::string largest;   // internal key
  bool has_range_deletions = false;

  // Runtime only, never persisted.
  // Set while a compaction holds the file as input (see CompactionMark).
  CompactionMark being_compacted;
  // Table statistics when known (0 when not loaded).
  uint64_t num_entries = 0;
  uint64_t num_deletions = 0;
  // The largest end (exclusive user key) of the file's range tombstones, or
  // empty when it has none (or, after a failed table open, when the reach of
  // its tombstones is unknown). A tombstone may reach past `largest` (which
  // only counts tombstone begins, as the format defines it), so overlap
  // decisions use EffectiveLargestUserKey. Set once, where the metadata is
  // made: from the build (FileMetaDataFromTable), by ingestion, or by
  // opening the table for a file recovered from the MANIFEST, always before
  // the file enters a Version (which indexes it); never changed after.
  std::string range_del_end;
  // Reads this file may still waste before a read-triggered compaction.
  SeekBudget allowed_seeks;
};

// The persisted fields of a file just written as `number`, from its build.
inline FileMetaData FileMetaDataFromTable(uint64_t number, const TableBuildResult& r) {
  FileMetaData f;
  f.number = number;
  f.file_size = r.file_size;
  f.smallest = r.smallest_key;
  f.largest = r.largest_key;
  f.has_range_deletions = r.has_range_deletions;
  f.range_del_end = r.range_del_end;
  f.num_entries = r.num_entries;
  f.num_deletions = r.num_deletions;
  return f;
}

// The largest user key the file can affect: its largest key, or the end of
// its furthest-reaching range tombstone (treated as inclusive, which only
// ever widens an overlap).
inline std::string_view EffectiveLargestUserKey(const FileMetaData& f) {
  std::string_view largest = ExtractUserKey(f.largest);
  if (!f.range_del_end.empty() && CompareUserKey(f.range_del_end, largest) > 0) {
    return f.range_del_end;
  }
  return largest;
}

class VersionEdit {
 public:
  VersionEdit() = default;

  void Clear() { *this = VersionEdit(); }

  void SetLogNumber(uint64_t n) { log_number_ = n; }
  void SetNextFileNumber(uint64_t n) { next_file_number_ = n; }
  void SetLastSequence(uint64_t s) { last_sequence_ = s; }

  // Adds `f` (only the persisted fields matter) at `level`.
  void AddFile(int level, const FileMetaData& f) { new_files_.emplace_back(level, f); }
  // Removes file `number` from `level`. REQUIRES: it is live at that level in
  // the Version the edit is applied to.
  void RemoveFile(int level, uint64_t number) { deleted_files_.emplace_back(level, number); }

  const std::optional<uint64_t>& log_number() const { return log_number_; }
  const std::optional<uint64_t>& next_file_number() const { return next_file_number_; }
  const std::optional<uint64_t>& last_sequence() const { return last_sequence_; }
  const std::vector<std::pair<int, FileMetaData>>& new_files() const { return new_files_; }
  const std::vector<std::pair<int, uint64_t>>& deleted_files() const { return deleted_files_; }

  // Appends the encoded edit to *dst: tags 1, 2, 3 (when set), then one tag 6
  // per new file, then one tag 5 per deleted file, each in insertion order.
  // This is byte for byte the Rust engine's encoding.
  void EncodeTo(std::string* dst) const;

  // Replaces *this with the edit encoded in `src`. Accepts tags 1-6 (4 is
  // the legacy new-file form without has_range_deletions). Returns
  // Corruption on an unknown tag, a truncated field, a level above 2^31, or a
  // smallest/largest key shorter than an internal-key trailer; *this is then
  // unspecified.
  Status DecodeFrom(std::string_view src);

  // Human-readable, one field per line (for tools and test failures).
  std::string DebugString() const;

 private:
  std::optional<uint64_t> log_number_;
  std::optional<uint64_t> next_file_number_;
  std::optional<uint64_t> last_sequence_;
  std::vector<std::pair<int, FileMetaData>> new_files_;
  std::vector<std::pair<int, uint64_t>> deleted_files_;
};

}  // namespace mmdb
