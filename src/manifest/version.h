// Version: an immutable snapshot of which SST files make up each level.
//
// Level 0 files may overlap and are ordered newest first (file number
// descending: the DB gives every newer L0 file a larger number; the Rust
// engine orders L0 the same way on recovery). Files of level >= 1 are sorted
// by smallest internal key and never overlap by user key. Their range
// tombstones may reach past their largest key, though, into later files of
// the level (the Rust engine keeps a tombstone whole in the file of its
// begin key), so their effective ranges (EffectiveLargestUserKey) may
// overlap; a Version indexes how far each level reaches.
//
// Owner: held by std::shared_ptr<const Version>; the VersionSet holds the
// current one and every reader (iterator, Get, compaction) keeps the Version
// it started with alive. FileMetaData objects are shared between Versions;
// their key range and range_del_end must be final before they enter one.
// Thread safety: immutable after construction, so any number of threads may
// read one Version. (FileMetaData::being_compacted and allowed_seeks change
// while shared: they are atomics whose ordering is written down in
// version_edit.h.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/version_edit.h"

namespace mmdb {

class VersionBuilder;

class Version {
 public:
  using FileList = std::vector<std::shared_ptr<FileMetaData>>;

  // An empty Version with `num_levels` levels.
  static std::shared_ptr<const Version> Empty(int num_levels);

  Version(const Version&) = delete;
  Version& operator=(const Version&) = delete;

  int num_levels() const { return static_cast<int>(levels_.size()); }

  // REQUIRES: 0 <= level < num_levels().
  const FileList& files(int level) const { return levels_[level]; }
  size_t NumFiles(int level) const { return levels_[level].size(); }
  size_t TotalFiles() const;
  // Sum of file_size over the level.
  uint64_t NumLevelBytes(int level) const;

  // Index of the first file of `level` whose largest key is >= internal_key
  // (internal-key order), or NumFiles(level) when there is none: the only
  // file that may contain internal_key, if its smallest key is <= it.
  // REQUIRES: level >= 1.
  size_t FindFile(int level, std::string_view internal_key) const;

  // Index of the first file of `level` whose effective range may reach
  // `user_key`: every file before it has its largest key and every range
  // tombstone end below user_key. Files from there on may still end before
  // it (an earlier file reaches further than they do), so callers check each.
  // REQUIRES: level >= 1.
  size_t FirstFileReaching(int level, std::string_view user_key) const;

  // The files of `level` whose user-key range [smallest, effective largest]
  // (tombstone reach included) intersects [begin, end] (inclusive user keys;
  // nullopt = unbounded), in level order.
  // For level 0 this is every overlapping file, newest first; it does not
  // widen the range by the files it finds (compaction's job).
  FileList OverlappingFiles(int level, std::optional<std::string_view> begin,
                            std::optional<std::string_view> end) const;

  // For read-triggered compaction: when at least two files' user-key ranges
  // [smallest, largest] hold `user_key`, the first of them in read order
  // (L0 newest first, then by level), with its level in *level; else null.
  // A read of the key may have to look in each of them.
  const FileMetaData* FirstOfOverlapping(std::string_view user_key, int* level) const;

  // "files[ 2 0 3 0 0 0 2 ]": the file count of every level.
  std::string LevelSummary() const;
  // One line per file: "L1 #000011 130691 bytes [smallest .. largest]".
  std::string DebugString() const;

  // Checks the ordering rules above; returns Corruption naming the first
  // violation. Used on MANIFEST replay; MMDB_INVARIANT re-checks in debug.
  Status CheckConsistency() const;

 private:
  friend class VersionBuilder;
  explicit Version(int num_levels)
      : levels_(static_cast<size_t>(num_levels)), furthest_(static_cast<size_t>(num_levels)) {}
  // Fills furthest_ from the files' effective ranges (VersionBuilder calls
  // it once the levels are sorted).
  void IndexReach();

  std::vector<FileList> levels_;
  // Per level >= 1, per file i: the index of the file among 0..i whose
  // effective largest key is the largest (so those keys never decrease
  // along the level, which makes FirstFileReaching a binary search).
  std::vector<std::vector<uint32_t>> furthest_;
};

}  // namespace mmdb
