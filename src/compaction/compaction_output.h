// CompactionOutputs: the output side of one compaction slice — a sequence of
// SST files fed with the slice's surviving point entries in internal-key
// order, into which the slice's range tombstones are interleaved.
//
// Cut rules (checked only when a new user key arrives, so all versions of a
// user key land in one file):
//   - the current file's estimated size reached max_output_file_size, or
//   - the user keys written to it so far overlap more than
//     max_grandparent_overlap_bytes of grandparent files.
//
// Range tombstones. The constructor takes the tombstones the slice must keep,
// already clipped to the slice. A tombstone is added (TableBuilder wants every
// entry in strictly increasing CompareInternalKey order) just before the
// first point entry that sorts after its begin key, so output k receives the
// tombstones beginning in its span [first user key of k, first user key of
// k+1); the first output also receives those beginning before its first point
// key, the last those beginning after its last point key. At a cut before
// user key u:
//   - a tombstone not yet added that begins before u is added now with its
//     end clipped to u, and the rest [u, end) re-opened for the next file;
//   - a tombstone already added whose end lies past u is re-opened as
//     [u, end) for the next file. Its copy in the finished file keeps its end
//     (the builder has written it already); the copy is harmless, since it
//     carries the same sequence, and file bounds only count tombstone begins,
//     so the files stay disjoint by user key.
// With keep_tombstones_whole (the Rust engine's layout, for compatibility
// tests) nothing is clipped or re-opened at a cut: a tombstone is written
// once, whole, into the file its begin key falls in, and may reach past that
// file's largest key into the next files.
// Identical (begin, sequence) keys are merged into one (the longer end).
// With tombstones but no point entry at all, one file holds the tombstones.
//
// Every file is created through new_file_number(), written through a
// rate-limited file, finished (synced) and closed before the next one opens.
//
// Owner: compaction. Thread safety: one thread at a time (one object per
// slice).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/status.h>

#include "manifest/version_edit.h"
#include "sst/table_builder.h"
#include "sst/table_reader.h"
#include "types/internal_key.h"
#include "util/rate_limiter.h"

namespace mmdb {

struct CompactionOutputOptions {
  Env* env = nullptr;
  std::string dbname;
  TableBuilderOptions table_options;
  // Allocates output file numbers; must outlive the object. Thread-safe.
  const std::function<uint64_t()>* new_file_number = nullptr;
  RateLimiter* rate_limiter = nullptr;  // may be null
  uint64_t max_output_file_size = 0;
  // Grandparent files (output level + 1), sorted by key, non-overlapping;
  // may be null.
  const std::vector<std::shared_ptr<FileMetaData>>* grandparents = nullptr;
  uint64_t max_grandparent_overlap_bytes = 0;
  // Write each tombstone whole into the file holding its begin key instead
  // of splitting it at cuts (Options::rust_tombstone_layout).
  bool keep_tombstones_whole = false;
};

class CompactionOutputs {
 public:
  CompactionOutputs(CompactionOutputOptions options, std::vector<RangeTombstone> tombstones);
  CompactionOutputs(const CompactionOutputs&) = delete;
  CompactionOutputs& operator=(const CompactionOutputs&) = delete;
  // Abandons and closes an unfinished file (it is not removed: RemoveAll).
  ~CompactionOutputs();

  // Adds a point entry. REQUIRES: internal keys strictly increasing; Finish
  // not called.
  Status Add(std::string_view internal_key, std::string_view value);
  // Adds the remaining tombstones and finishes the last file.
  Status Finish();
  // Abandons the open file, if any, and removes every file this object
  // created (best effort). For the error path.
  void RemoveAll();

  // The finished files, in key order.
  const std::vector<FileMetaData>& outputs() const { return outputs_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  // Pending tombstones, keyed by the internal key of their begin
  // (begin ‖ seq ‖ kRangeDeletion), mapped to their end.
  struct InternalKeyLess {
    bool operator()(const std::string& a, const std::string& b) const {
      return CompareInternalKey(a, b) < 0;
    }
  };
  using TombstoneMap = std::map<std::string, std::string, InternalKeyLess>;

  // Adds [begin, end)@seq to pending_ (merging a duplicate key).
  void AddPending(std::string_view begin, std::string_view end, SequenceNumber seq);
  // Writes every pending tombstone that sorts before `internal_key` to the
  // open file.
  Status AddTombstonesBefore(std::string_view internal_key);
  // Adds one tombstone (internal begin key, end) to the open file.
  Status AddTombstone(const std::string& begin_key, std::string_view end);
  // Closes the current file before user key `u` (see the cut rules above).
  Status CutBefore(std::string_view u);
  Status OpenFile();
  Status FinishFile();
  // Counts the grandparent bytes the open file overlaps once it holds `u`
  // and returns whether they exceed the limit.
  bool GrandparentOverlapExceeded(std::string_view u);
  // Restarts the grandparent count for a file whose first user key is `u`.
  void ResetGrandparents(std::string_view u);

  const CompactionOutputOptions options_;
  TombstoneMap pending_;
  // Tombstones written to the open file: (end, seq) by begin; reopened at a cut.
  std::vector<RangeTombstone> open_;

  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<TableBuilder> builder_;
  uint64_t file_number_ = 0;
  bool file_has_points_ = false;
  std::string last_user_key_;  // of the last point entry in the open file

  size_t gp_low_ = 0;    // first grandparent whose largest key >= the current key
  size_t gp_index_ = 0;  // next grandparent not yet counted for the open file
  size_t gp_files_ = 0;  // grandparents counted for the open file
  uint64_t gp_overlap_bytes_ = 0;

  std::vector<uint64_t> created_;  // every file number opened
  std::vector<FileMetaData> outputs_;
  uint64_t bytes_written_ = 0;
  bool finished_ = false;
};

}  // namespace mmdb
