// CompactionJob: runs one Compaction — a streaming merge of its input files
// through CompactionIterator into new SSTs at the output level.
//
// Memory is O(inputs × block): inputs are read through iterators a block at
// a time and outputs written through TableBuilder. Outputs are cut at
// max_output_file_size, before an output would overlap too many grandparent
// files, and only between user keys (all versions of a user key go to one
// file, so L1+ files never share a user key). Range tombstones still needed
// are written into the outputs whose key span they overlap, clipped to it.
// With max_subcompactions > 1 the key range is split into slices merged in
// parallel threads.
//
// On failure every output written so far is removed and nothing is
// installed; the caller logs the VersionEdit only after Run succeeds.
// The output side (cut rules, tombstone clipping) is CompactionOutputs
// (compaction/compaction_output.h); docs/compaction.md has the rationale.
// Owner: compaction. Thread safety: Run is called once, by one thread (it
// starts and joins its own slice threads).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/options.h>
#include <mmdb/statistics.h>

#include "compaction/compaction.h"
#include "compaction/compaction_iterator.h"
#include "compaction/lazy_delete_set.h"
#include "iterator/range_tombstones.h"
#include "sst/table_cache.h"
#include "util/rate_limiter.h"

namespace mmdb {

struct CompactionJobOptions {
  Env* env = nullptr;
  std::string dbname;
  const Options* options = nullptr;  // block size, compression per level, bloom, ...
  TableCache* table_cache = nullptr;
  std::vector<SequenceNumber> snapshots;  // live snapshot sequences, ascending
  LazyDeleteSet* lazy_deletes = nullptr;  // may be null
  // Allocates a file number for an output and registers it as pending (the
  // DB's obsolete-file sweep must not delete it). Thread-safe.
  std::function<uint64_t()> new_file_number;
  RateLimiter* rate_limiter = nullptr;  // may be null: output writes are charged to it
  Statistics* stats = nullptr;          // may be null
};

struct CompactionJobResult {
  std::vector<FileMetaData> outputs;  // in key order
  uint64_t bytes_read = 0;            // input file bytes
  uint64_t bytes_written = 0;         // output file bytes
  uint64_t micros = 0;
  CompactionIteratorStats iter_stats;
};

class CompactionJob {
 public:
  // `compaction` must outlive the job.
  CompactionJob(const Compaction& compaction, CompactionJobOptions options);
  CompactionJob(const CompactionJob&) = delete;
  CompactionJob& operator=(const CompactionJob&) = delete;
  ~CompactionJob();

  // Merges the inputs into new files; on success *result lists them in key
  // order. On failure every file written is removed and *result holds no
  // outputs.
  Status Run(CompactionJobResult* result);

 private:
  struct Slice;

  // Slice boundaries: user keys splitting [smallest, largest] into at most
  // max_subcompactions key ranges, at input files' smallest keys.
  std::vector<std::string> SliceBoundaries() const;
  // Merges the slice's key range into its own outputs.
  Status RunSlice(Slice* slice);
  // One iterator per L0 input file, a level iterator otherwise.
  Status NewInputIterator(std::unique_ptr<InternalIterator>* result);

  const Compaction& compaction_;
  const CompactionJobOptions options_;
  // Filled by Run before the slices start; read-only while they run.
  RangeTombstoneView all_tombstones_;            // every input tombstone, for the iterator
  std::vector<RangeTombstone> kept_tombstones_;  // the ones the outputs must carry
  Compaction::FileList sorted_grandparents_;
  std::atomic<bool> cancelled_{false};  // set when a slice fails; the others stop early
};

}  // namespace mmdb
