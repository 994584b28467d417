// LeveledPicker: decides which compaction runs next in a leveled LSM tree
// (the rule and its reasons are in docs/compaction.md, "## Picking").
//
//   - Level targets: L1 holds max_bytes_for_level_base bytes, each deeper
//     level max_bytes_for_level_multiplier times more.
//   - Scores: L0 = files / l0_compaction_trigger; L1+ = bytes / target
//     (files being compacted do not count). The highest score >= 1 goes first.
//   - Within L1+ a per-level round-robin pointer (the largest user key of
//     the previous pick) walks the key space so every range is rewritten in
//     turn.
//   - With no level over target, a file whose seek budget reads used up
//     (AddReadCompaction) is compacted into the next level
//     ("read-triggered"), oldest request first.
//   - With none of those, files dense with deletions, or holding range
//     tombstones over older data, are compacted ("deletion-triggered").
//   - Whatever the trigger, the inputs at a level are widened over every
//     file of that level whose effective range (range tombstone reach
//     included) meets theirs, transitively, and the next-level inputs are
//     the files meeting that widened range, widened the same way. A range
//     tombstone may reach past its file's largest key into later files of
//     the level (the Rust engine's layout): moving one of those below the
//     tombstone alone would let it hide their newer entries, and dropping
//     the tombstone at the bottom without them would revive their older ones.
//
// Owner: the DB, one per column of levels. Thread safety: not thread-safe;
// the DB calls it under its mutex (which also guards being_compacted, which
// the picker only reads).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/options.h>

#include "compaction/compaction.h"
#include "manifest/version.h"

namespace mmdb {

class LeveledPicker {
 public:
  explicit LeveledPicker(const Options& options);

  // The most urgent compaction, or null when nothing needs one. Never picks
  // a file with being_compacted set. Output level is level + 1, except for a
  // deletion-triggered compaction of the last level (in place).
  std::unique_ptr<Compaction> Pick(const Version& v);

  // Asks for a read-triggered compaction of file `number` at `level`. Kept
  // until picked, or dropped when the file has left that level or sits at
  // the last one. At most kMaxReadRequests are kept (later ones are dropped:
  // their files ask again once a new budget is set).
  void AddReadCompaction(int level, uint64_t number);
  size_t num_read_requests() const { return read_requests_.size(); }
  static constexpr size_t kMaxReadRequests = 64;

  // For CompactRange: the files of `level` overlapping the inclusive
  // user-key range [begin, end] (nullopt = unbounded; at L0 widened until no
  // other L0 file overlaps) plus what they overlap in level + 1. At
  // `bottom_level` (default, -1: num_levels - 1) output_level == level: the
  // files are rewritten in place. Null when nothing overlaps or an input is
  // being compacted. REQUIRES: 0 <= level <= bottom level < v.num_levels().
  std::unique_ptr<Compaction> PickRange(const Version& v, int level,
                                        std::optional<std::string_view> begin,
                                        std::optional<std::string_view> end, int bottom_level = -1);

  // One score per level; >= 1 means the level needs compaction. The last
  // level is never compacted by size: its score is always 0.
  std::vector<double> Scores(const Version& v) const;

  // Target bytes of `level`: max_bytes_for_level_base for L1 (and L0, which
  // is scored by file count instead), times the multiplier per level below.
  uint64_t MaxBytesForLevel(int level) const;

 private:
  using FileList = Compaction::FileList;

  std::unique_ptr<Compaction> PickL0(const Version& v, std::string reason);
  std::unique_ptr<Compaction> PickRoundRobin(const Version& v, int level, double score);
  std::unique_ptr<Compaction> PickReadTriggered(const Version& v);
  std::unique_ptr<Compaction> PickDeletionTriggered(const Version& v);
  // The inputs for compacting `seed` (files of `level`) into output_level:
  // *inputs = seed widened as described at the top, *below = what that
  // range meets in output_level, widened too (none when output_level ==
  // level). False when one of them is being compacted.
  bool ExpandInputs(const Version& v, int level, int output_level, FileList seed, FileList* inputs,
                    FileList* below) const;
  // Builds the Compaction: grandparents, bottommost flag, target size.
  std::unique_ptr<Compaction> Make(const Version& v, int level, int output_level,
                                   FileList level_inputs, FileList output_inputs,
                                   std::string reason) const;
  // True when `file` (of `level`) has point or range data that deletions
  // could remove below it: some deeper level overlaps it.
  bool HasOverlapBelow(const Version& v, int level, const FileMetaData& file) const;

  const int num_levels_;
  const int l0_compaction_trigger_;
  const uint64_t target_file_size_base_;
  const uint64_t max_bytes_for_level_base_;
  const double max_bytes_for_level_multiplier_;
  // Per level: the largest user key of the last round-robin pick there.
  std::vector<std::optional<std::string>> next_key_after_;
  // Cleared by an in-place (last-level) deletion-triggered pick and set again
  // by the next size-triggered pick, so that a last-level file whose
  // deletions a snapshot keeps alive is not rewritten over and over.
  bool allow_in_place_ = true;
  struct ReadRequest {
    int level;
    uint64_t number;
  };
  std::deque<ReadRequest> read_requests_;  // oldest first
};

}  // namespace mmdb
