// BuildTable: writes the entries of a memtable (its point entries and its
// range tombstones, two sorted streams) into one new SST, streaming (memory
// O(block)), and describes it as a FileMetaData for the MANIFEST.
//
// The file is synced before this returns; the caller syncs the directory
// before the VersionEdit that adds the file is logged.
#pragma once

#include <cstdint>
#include <string>

#include <mmdb/env.h>
#include <mmdb/options.h>

#include "manifest/version_edit.h"
#include "sst/table_builder.h"
#include "types/internal_iterator.h"
#include "util/rate_limiter.h"

namespace mmdb {

// The table layout for files written at `level` (codec per level).
TableBuilderOptions TableOptionsForLevel(const Options& options, int level);

// On success *meta describes the file; meta->file_size == 0 means there was
// nothing to write and no file was left behind. On failure the partial file
// is removed. Writes are charged to `rate_limiter` when it is not null.
Status BuildTable(Env* env, const std::string& dbname, const TableBuilderOptions& options,
                  uint64_t file_number, InternalIterator* points, InternalIterator* tombstones,
                  RateLimiter* rate_limiter, FileMetaData* meta);

}  // namespace mmdb
