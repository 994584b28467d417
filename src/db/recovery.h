// WalRecovery: replays the WALs of a DB being opened.
//
// Every WAL numbered >= the MANIFEST's log number is replayed in order into
// memtables; a memtable that fills up, and the last one, are written to L0
// SSTs recorded in a VersionEdit, so that after Open every recovered write
// lives in an SST and the DB starts on a fresh, empty WAL.
//
// Damage rules (FORMAT.md "Recovery"): a torn tail — a partial last record,
// followed only by zeros or the end of the file — is what a crash leaves and
// is dropped silently, but only in the newest WAL that has records. Any other
// damage is Corruption when paranoid_checks is on; with it off, replay stops
// at the damage (skipping it and keeping what follows would reorder history)
// and the records and bytes it dropped are counted in RecoveryStats, which
// the DB reports as the property mmdb.recovery.
//
// Thread safety: used by Open only, single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/options.h>
#include <mmdb/snapshot.h>

#include "manifest/version_edit.h"
#include "sst/table_builder.h"

namespace mmdb {

class TableCache;

// Sets f->range_del_end, which the MANIFEST does not store, from the file's
// range tombstones, opening the table through `tables`. Used at Open for the
// files recovered from the MANIFEST, before their Version is shared. A table
// that cannot be opened leaves it empty: the reach is unknown, which the
// picker treats as unbounded (and reading the file will report the error).
void FillRangeDelEnd(TableCache* tables, FileMetaData* f);

class VersionSet;

struct RecoveryStats {
  uint64_t wals_replayed = 0;
  uint64_t records = 0;
  // The first sequence of the first replayed record that has one, or
  // kMaxSequenceNumber + 1 when nothing was replayed.
  uint64_t first_sequence = (1ull << 56);
  uint64_t torn_tail_offset = 0;  // where the dropped tail of the newest WAL began
  // Records lost to damage (paranoid_checks off): the damaged record and the
  // whole records after it that replay stopped short of.
  uint64_t skipped_corrupt = 0;
  uint64_t dropped_bytes = 0;  // bytes of WAL not replayed (torn tails and damage)
  uint64_t tables_written = 0;
  uint64_t tables_moved_to_lost = 0;  // unexplained tables set aside (db/directory_audit.h)
};

class WalRecovery {
 public:
  WalRecovery(Env* env, std::string dbname, const Options& options, TableBuilderOptions l0_options,
              VersionSet* versions);

  // Replays `wal_numbers` (ascending). New L0 files are added to *edit (file
  // numbers come from the VersionSet); *max_sequence is raised to the
  // largest sequence replayed.
  Status Replay(const std::vector<uint64_t>& wal_numbers, VersionEdit* edit,
                SequenceNumber* max_sequence);

  const RecoveryStats& stats() const { return stats_; }

  // Read-only mode (DB::OpenForReadOnly): memtables are kept, oldest first,
  // in *memtables instead of being written to L0, and no file is created.
  // REQUIRES: called before Replay; *memtables outlives the Replay call.
  void KeepInMemory(std::vector<std::shared_ptr<class MemTable>>* memtables) {
    keep_in_memory_ = memtables;
  }

 private:
  Status ReplayOne(uint64_t number, bool* had_records, bool* torn, VersionEdit* edit,
                   SequenceNumber* max_sequence);
  Status FlushMemTable(VersionEdit* edit);

  Env* const env_;
  const std::string dbname_;
  const Options& options_;
  const TableBuilderOptions l0_options_;
  VersionSet* const versions_;
  std::shared_ptr<class MemTable> mem_;
  std::vector<std::shared_ptr<class MemTable>>* keep_in_memory_ = nullptr;  // read-only mode
  RecoveryStats stats_;
  bool stopped_at_damage_ = false;  // paranoid_checks off: replay ended at damage
};

}  // namespace mmdb
