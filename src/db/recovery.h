// WalRecovery: replays the WALs of a DB being opened.
//
// Every WAL numbered >= the MANIFEST's log number is replayed in order into
// memtables, one per WAL that holds records, each tagged with the number of
// its WAL. Nothing is written: the writable DB keeps them as immutable
// memtables that its background flushes write to L0 one at a time (so an
// Open needs no more free space than one memtable's flush), moving the log
// number past each WAL as its memtable lands; the read-only DB serves them
// from memory. A memtable never spans two WALs and a WAL never spans two
// memtables, so a flushed memtable's WAL is obsolete as a whole and a later
// replay never meets a write that is also in an SST.
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

namespace mmdb {

class TableCache;
class MemTable;

// Sets f->range_del_end, which the MANIFEST does not store, from the file's
// range tombstones, opening the table through `tables`. Used at Open for the
// files recovered from the MANIFEST, before their Version is shared. A table
// that cannot be opened leaves it empty: the reach is unknown, which the
// picker treats as unbounded (and reading the file will report the error).
void FillRangeDelEnd(TableCache* tables, FileMetaData* f);

// One replayed WAL's writes.
struct RecoveredMemTable {
  std::shared_ptr<MemTable> mem;
  uint64_t log_number;  // the WAL they came from
};

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
  uint64_t dropped_bytes = 0;         // bytes of WAL not replayed (torn tails and damage)
  uint64_t memtables_recovered = 0;   // memtables the replay produced (flushed after Open)
  uint64_t tables_moved_to_lost = 0;  // unexplained tables set aside (db/directory_audit.h)
};

class WalRecovery {
 public:
  WalRecovery(Env* env, std::string dbname, const Options& options);

  // Replays `wal_numbers` (ascending) into *memtables (appended oldest
  // first; WALs without records add none); *max_sequence is raised to the
  // largest sequence replayed. On error *memtables holds what was replayed.
  Status Replay(const std::vector<uint64_t>& wal_numbers, std::vector<RecoveredMemTable>* memtables,
                SequenceNumber* max_sequence);

  const RecoveryStats& stats() const { return stats_; }

 private:
  Status ReplayOne(uint64_t number, bool* had_records, bool* torn, SequenceNumber* max_sequence);

  Env* const env_;
  const std::string dbname_;
  const Options& options_;
  std::shared_ptr<MemTable> mem_;  // the WAL being replayed
  RecoveryStats stats_;
  bool stopped_at_damage_ = false;  // paranoid_checks off: replay ended at damage
};

}  // namespace mmdb
