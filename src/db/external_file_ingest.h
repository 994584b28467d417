// ExternalFileIngest: the parts of DB::IngestExternalFile that do not need
// the DB's state (docs/ingestion.md): validating the input SSTs, testing a
// memtable for overlap, rewriting an input into the DB directory with every
// entry at one new sequence number, and choosing the level of the result.
//
// DBImpl orders the steps: Prepare with writes running; then, with writes
// stopped, flush overlapping memtables, assign sequences, Rewrite, and
// install every file with one VersionEdit.
//
// Thread safety: one thread at a time. PickIngestLevel reads
// FileMetaData::being_compacted: REQUIRES the DB mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/snapshot.h>
#include <mmdb/status.h>

#include "manifest/version.h"
#include "memtable/memtable.h"
#include "sst/table_builder.h"
#include "sst/table_reader.h"

namespace mmdb {

class ExternalFileIngest {
 public:
  ExternalFileIngest(Env* env, std::string dbname);

  // Opens every input (a full read: every block's checksum, every key) and
  // sorts them by key. InvalidArgument when an input is missing, is not an
  // SST, is empty, holds a user key twice (or two range deletions with one
  // begin key), or when two inputs' key ranges overlap.
  Status Prepare(const std::vector<std::string>& paths);

  size_t size() const { return inputs_.size(); }
  // The user-key range input `i` can affect: [smallest, largest], where
  // largest covers its range deletions' ends (inclusive, which only widens).
  const std::string& smallest(size_t i) const { return inputs_[i].smallest; }
  const std::string& largest(size_t i) const { return inputs_[i].largest; }

  // True when `mem` holds an entry or range deletion within any input's range.
  bool OverlapsMemTable(const MemTable& mem) const;

  // Writes input `i` as table `file_number` of the DB with every entry at
  // sequence `seq` (same keys, values and types), synced, and describes it
  // in *meta (range_del_end included). On failure the file is removed.
  Status Rewrite(size_t i, uint64_t file_number, SequenceNumber seq,
                 const TableBuilderOptions& options, FileMetaData* meta) const;

 private:
  struct Input {
    std::string path;
    std::shared_ptr<TableReader> table;
    std::string smallest;  // user keys
    std::string largest;
  };
  Status Open(const std::string& path, Input* in) const;

  Env* const env_;
  const std::string dbname_;
  std::vector<Input> inputs_;  // ascending, disjoint
};

// The deepest level the file [smallest, largest] (user keys, inclusive) can
// go to: no file at that level or above overlaps it (so nothing older than
// it sits above it), and no running compaction may write outputs over its
// range at that level. 0 when L0 overlaps it.
int PickIngestLevel(const Version& v, std::string_view smallest, std::string_view largest);

}  // namespace mmdb
