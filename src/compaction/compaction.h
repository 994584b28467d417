// Compaction: one unit of compaction work — which files are merged, into
// which level, and the facts the merge needs (bottommost? trivial move?).
//
// Made by LeveledPicker (compaction/leveled_picker.h) from a Version; the DB
// marks the input files being_compacted (under its mutex) while the
// compaction runs, then applies AddInputDeletions + the outputs as one
// VersionEdit.
//
// Thread safety: immutable after the picker returns it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "manifest/version.h"
#include "manifest/version_edit.h"

namespace mmdb {

class Compaction {
 public:
  using FileList = std::vector<std::shared_ptr<FileMetaData>>;

  Compaction(int level, int output_level, FileList level_inputs, FileList output_level_inputs,
             FileList grandparents, bool bottommost, uint64_t max_output_file_size,
             std::string reason);

  int level() const { return level_; }
  int output_level() const { return output_level_; }
  // inputs(0): files of level(); inputs(1): overlapping files of output_level().
  const FileList& inputs(int which) const { return which == 0 ? level_inputs_ : output_inputs_; }
  size_t num_input_files() const { return level_inputs_.size() + output_inputs_.size(); }
  // Files of output_level() + 1 overlapping the compaction's key range: used to
  // cut output files so that no output overlaps too many of them.
  const FileList& grandparents() const { return grandparents_; }
  // True when no level below output_level() holds keys in the input range:
  // deletions and covered data can be dropped for good.
  bool bottommost() const { return bottommost_; }
  uint64_t max_output_file_size() const { return max_output_file_size_; }
  // Why it was picked ("L0 score 1.25", "manual", "deletion-triggered"...).
  const std::string& reason() const { return reason_; }
  // Picked because reads wasted a file's seek budget (the picker marks it).
  bool read_triggered() const { return read_triggered_; }
  void MarkReadTriggered() { read_triggered_ = true; }

  // One input file, nothing to merge with in output_level(), and little
  // grandparent overlap: the file moves by a MANIFEST edit alone.
  bool IsTrivialMove() const;
  // Smallest and largest user key over every input (range tombstone
  // begins included, as in the files' metadata).
  std::string_view smallest_user_key() const { return smallest_; }
  std::string_view largest_user_key() const { return largest_; }
  uint64_t TotalInputBytes() const;

  // Adds a deleted-file entry for every input to *edit.
  void AddInputDeletions(VersionEdit* edit) const;

 private:
  const int level_;
  const int output_level_;
  const FileList level_inputs_;
  const FileList output_inputs_;
  const FileList grandparents_;
  const bool bottommost_;
  const uint64_t max_output_file_size_;
  const std::string reason_;
  bool read_triggered_ = false;
  std::string smallest_;
  std::string largest_;
};

}  // namespace mmdb
