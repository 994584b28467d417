// LevelIterator: one iterator over a whole sorted level (L1+), opening one
// SST at a time, only when the position enters it (a lazy two-level
// iterator: the level's file list is the index).
//
// Files are ordered by key and do not overlap. A file filter (bounds, prefix
// bloom) can exclude files: they are stepped over without being read.
//
// Thread safety: one thread at a time. The files and TableCache must outlive
// the iterator (the DB iterator pins the Version that owns them).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "manifest/version_edit.h"
#include "sst/table_cache.h"
#include "types/internal_iterator.h"

namespace mmdb {

struct LevelIteratorOptions {
  bool fill_cache = true;
  bool verify_checksums = true;
  // Returns false for files the iteration must skip entirely; may be empty.
  std::function<bool(const FileMetaData&)> file_filter;
};

// `files` is borrowed, not copied: the vector it views (a Version's level,
// a Compaction's inputs) must outlive the iterator.
std::unique_ptr<InternalIterator> NewLevelIterator(
    TableCache* table_cache, std::span<const std::shared_ptr<FileMetaData>> files,
    LevelIteratorOptions options);

}  // namespace mmdb
