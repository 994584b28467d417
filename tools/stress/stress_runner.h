// StressRunner: several threads doing random puts, deletes, delete ranges,
// batches, gets, iterators (both directions, bounded) and snapshot reads on
// one DB over a bounded key space, verifying every read against the
// ExpectedState.
//
// Exactness under concurrency: a writer locks its keys, marks them pending,
// writes, then commits them. A reader takes each key's state before and
// after its read: when both are equal the read must show the committed state
// (or, while pending, the announced one); when a write finished in between
// the read is only checked for being some version in that window ("racy").
// Snapshot checks are exact: repeated reads at a snapshot, and an iterator at
// it, must agree with the first read.
//
// Thread safety: Run() starts and joins the threads; one Run at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <mmdb/db.h>
#include <mmdb/options.h>

#include "tools/stress/expected_state.h"

namespace mmdb::stress {

struct StressConfig {
  uint64_t seed = 1;
  int threads = 4;
  uint32_t max_filler = 200;
  double duration_seconds = 20;  // <= 0: until killed
  bool verbose = false;
};

struct StressStats {
  std::atomic<uint64_t> ops{0};
  std::atomic<uint64_t> puts{0}, deletes{0}, delete_ranges{0}, batches{0};
  std::atomic<uint64_t> gets{0}, iterators{0}, snapshots{0}, flushes{0}, compactions{0};
  std::atomic<uint64_t> verified{0};  // reads checked exactly
  std::atomic<uint64_t> racy{0};      // reads a concurrent write made inexact
  std::atomic<uint64_t> failures{0};  // verification failures and unexpected errors
};

// Options randomised from `seed`: block size, compression, bloom, write
// buffer, compaction threads, subcompactions, L0 trigger, file size.
Options RandomStressOptions(uint64_t seed);
std::string DescribeOptions(const Options& o);

class StressRunner {
 public:
  StressRunner(DB* db, ExpectedState* expected, const StressConfig& config, StressStats* stats);
  // Runs the threads for the configured duration (or forever). Returns early
  // when a verification fails.
  void Run();

 private:
  void ThreadLoop(int thread_index);
  void DoPut(uint64_t r, uint32_t key);
  void DoDelete(uint32_t key);
  void DoDeleteRange(uint32_t key, uint32_t len);
  void DoBatch(uint64_t r);
  void DoGet(uint32_t key);
  void DoIterate(uint32_t key, uint32_t len, bool reverse);
  void DoSnapshotCheck(uint64_t r, uint32_t key);
  // Checks one observation of `key` against its states before/after.
  void Check(uint32_t key, const KeyState& before, const KeyState& after, bool found,
             std::string_view value, const char* what);
  void Fail(const std::string& message);
  void WriteFailed(const Status& s, const char* what);

  DB* const db_;
  ExpectedState* const expected_;
  const StressConfig config_;
  StressStats* const stats_;
  KeyLocks locks_;
  std::atomic<bool> stop_{false};
};

// After a crash: opens nothing, reads `db` for every key and compares with
// `expected`, resolving pending keys to what the DB shows. Returns the number
// of keys that match neither state (0 = pass); *resolved counts pending keys.
uint64_t VerifyAndResolve(DB* db, ExpectedState* expected, uint32_t max_filler, uint64_t* resolved,
                          std::string* first_error);

}  // namespace mmdb::stress
