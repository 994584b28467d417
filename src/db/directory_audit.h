// DirectoryAudit: what an Open finds in a DB directory, checked against the
// MANIFEST before anything is created in it or deleted from it.
//
// A storage engine must not take a damaged directory for a smaller, valid
// one: a lost CURRENT is not an empty directory, and a MANIFEST that lost its
// last edits (truncated, or a bad record) is not an older valid state when
// the files those edits made obsolete are already gone. The checks:
//
//  * No CURRENT: a new DB may be created only if the directory holds no
//    table, no WAL and no MANIFEST other than MANIFEST-000001 (what a crash
//    during the creation itself leaves). Anything else is Corruption naming
//    what was found; nothing is created or deleted.
//  * After the MANIFEST is replayed, the MANIFEST must account for the files
//    present: every table of the recovered Version exists (with its recorded
//    size when sizes are checked), and so does the WAL its log number names
//    (the engines never delete that WAL while it is the log number; a flush
//    edit that moved the log number on, then got lost, leaves it missing).
//  * Tables no Version lists are obsolete only when their number is below the
//    MANIFEST's next file number (a watermark the DB keeps below every file
//    still being written when it logs an edit). Those at or above it are
//    unexplained: the output of a job a crash interrupted, or a file a lost
//    edit added. They are moved to `lost/` inside the DB directory, never
//    deleted (see docs/format/filenames.md).
//
// Owner: free functions over a listing. Thread safety: used by Open only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/snapshot.h>
#include <mmdb/status.h>

#include "sst/table_reader.h"
#include "types/internal_key.h"
#include "util/result.h"

namespace mmdb {

class Version;

// The MMDB files in a DB directory, by kind, numbers ascending.
struct DirectoryListing {
  bool has_current = false;
  std::vector<uint64_t> manifests;
  std::vector<uint64_t> wals;
  std::vector<uint64_t> tables;

  // Lists `dbname`, which must exist.
  static Status Read(Env* env, const std::string& dbname, DirectoryListing* out);

  bool HasWal(uint64_t number) const;
  bool HasTable(uint64_t number) const;
  // "3 tables, 1 WAL, MANIFEST-000005" (for messages).
  std::string Describe() const;
};

// OK when a new DB may be created in a directory without CURRENT.
Status CheckCanCreateNewDb(const std::string& dbname, const DirectoryListing& listing);

// Corruption unless the recovered state accounts for the directory (see the
// top of this file). With `check_sizes`, each live table's size on disk must
// equal the size the MANIFEST recorded.
Status AuditRecoveredState(Env* env, const std::string& dbname, const Version& version,
                           uint64_t log_number, const DirectoryListing& listing, bool check_sizes);

// Tables on disk that `version` does not list and whose number is at or
// above `watermark` (the MANIFEST's next file number).
std::vector<uint64_t> UnexplainedTables(const Version& version, uint64_t watermark,
                                        const DirectoryListing& listing);

// The sequence numbers an Open's recovered state covers: those up to the
// MANIFEST's last sequence, and those from the first one the WALs replay on.
// In between lies what neither holds.
struct KnownSequences {
  SequenceNumber manifest_last = 0;
  SequenceNumber first_replayed = kMaxSequenceNumber + 1;  // none replayed
  bool Covers(SequenceNumber s) const { return s <= manifest_last || s >= first_replayed; }
};

// An unexplained table may be set aside only if everything in it is also in
// the recovered state. A job a crash interrupted wrote only data its inputs
// (still listed, so at most the MANIFEST's last sequence) or its memtable's
// WAL (not yet obsolete, so replayed) hold. A table holding a sequence that
// neither covers came from an edit the MANIFEST lost: Corruption. Reads each
// table whole (they are few); an unreadable one is left to be set aside.
Status CheckUnexplainedTables(Env* env, const std::string& dbname,
                              const std::vector<uint64_t>& tables, const KnownSequences& known);

// Opens table `number` of `dbname` on its own (no cache) and reads it whole,
// every block checksummed: `on_tombstone` for each range tombstone, then
// `on_entry` for each point entry in order, until it returns false. An entry
// whose key does not parse is Corruption. *file_size gets the table's size.
Status ReadWholeTable(Env* env, const std::string& dbname, uint64_t number,
                      const std::function<void(const RangeTombstone&)>& on_tombstone,
                      const std::function<bool(std::string_view internal_key,
                                               const ParsedInternalKey& parsed)>& on_entry,
                      uint64_t* file_size = nullptr);

// The folder unexplained files are moved into.
std::string LostDirName(const std::string& dbname);

// Moves the file `name` of `dbname` into LostDirName(dbname) (created if
// missing; an earlier lost file of the same name is kept, the new one gets a
// ".N" suffix) and syncs both directories.
Status MoveToLost(Env* env, const std::string& dbname, const std::string& name);
// MoveToLost for table `number`.
Status MoveTableToLost(Env* env, const std::string& dbname, uint64_t number);

}  // namespace mmdb
