// VersionBuilder: applies a sequence of VersionEdits to a base Version and
// produces the resulting Version, without intermediate Versions (MANIFEST
// replay applies thousands of edits).
//
// Rules, matching the Rust engine's replay:
//   - Within one edit, deletions are applied before additions. A deletion is
//     keyed by (level, number) and must name a file live at exactly that
//     level. A trivial move (add #N at level L+k and delete #N at level L in
//     one edit, in either order) therefore ends with #N at L+k only.
//   - An addition of a number that is already live (at any level), or at a
//     level >= num_levels, is Corruption.
//   - Finish() orders level 0 newest first (number descending) and levels
//     >= 1 by smallest key, then rejects any user-key overlap in levels >= 1.
//
// Owner: a short-lived local object. Thread safety: not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "manifest/version.h"
#include "manifest/version_edit.h"
#include "util/result.h"

namespace mmdb {

class VersionBuilder {
 public:
  // REQUIRES: base != nullptr.
  explicit VersionBuilder(std::shared_ptr<const Version> base);

  VersionBuilder(const VersionBuilder&) = delete;
  VersionBuilder& operator=(const VersionBuilder&) = delete;

  // Applies `edit` (file lists only; counters are the VersionSet's job). On
  // Corruption the builder keeps the files applied so far and should be
  // discarded.
  Status Apply(const VersionEdit& edit);

  // Calls fn on every live file, so that runtime-only metadata can be set
  // before Finish (MANIFEST replay fills range_del_end this way).
  // REQUIRES: the base was empty, so no other Version shares these files.
  void ForEachNewFile(const std::function<void(FileMetaData*)>& fn);

  // The Version holding the base plus every applied edit, or Corruption if
  // it breaks the ordering rules. Files kept from the base are shared with it.
  Result<std::shared_ptr<const Version>> Finish() const;

 private:
  const int num_levels_;
  const bool empty_base_;
  // Live files per level, keyed by number.
  std::vector<std::map<uint64_t, std::shared_ptr<FileMetaData>>> levels_;
  // number -> level of every live file, to reject duplicates.
  std::unordered_map<uint64_t, int> level_of_;
};

}  // namespace mmdb
