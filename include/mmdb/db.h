// DB: an embedded, persistent, ordered key-value store (an LSM tree).
//
//   std::unique_ptr<mmdb::DB> db;
//   mmdb::Status s = mmdb::DB::Open(mmdb::Options(), "/tmp/db", &db);
//   s = db->Put("key", "value");
//   std::string v;
//   s = db->Get("key", &v);
//
// Keys and values are arbitrary bytes (may contain NUL), ordered bytewise.
// Keys up to 8 MiB; one key + value up to 64 MiB - 72 bytes.
//
// Thread safety: a DB may be used from any number of threads at once.
// Iterators and WriteBatches belong to one thread at a time.
//
// Errors and recovery. When a write to the WAL, a flush, a compaction or the
// MANIFEST fails, the DB stops writes: every later Put, Delete, Write, Flush
// and CompactRange returns that error, while reads go on from what is in
// memory and on disk. Nothing acknowledged is lost, and a write that failed
// either lands whole or not at all.
//   - A full disk (Status::IsNoSpace(): ENOSPC or EDQUOT) heals. The DB
//     retries in the background, first after 100 ms and then at growing
//     intervals up to 5 s, and Resume() retries at once. A retry writes a
//     fresh MANIFEST if that write had failed, moves writes to a fresh WAL if
//     the WAL had failed (the failed one may end in part of a record), and
//     flushes every memtable; only then are writes accepted again. The
//     statistics tickers mmdb.error.recovery.attempts and
//     mmdb.error.recovery.successes count the retries.
//   - Any other error stays until the DB is closed and reopened. Close()
//     returns it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/iterator.h>
#include <mmdb/options.h>
#include <mmdb/snapshot.h>
#include <mmdb/status.h>
#include <mmdb/write_batch.h>

namespace mmdb {

class DB {
 public:
  // Opens (or creates, with create_if_missing) the DB in directory `path`,
  // replaying its WAL. On failure *db is null and nothing on disk was lost.
  // Replayed WALs become memtables that the background flushes write to L0
  // one at a time after Open returns; until they are all flushed, writes
  // wait (as for a stall; Busy with no_slowdown), so that no new write can
  // outlive, after a crash, an older replayed one.
  // A second Open of a path that is open fails with IOError or Busy.
  static Status Open(const Options& options, const std::string& path, std::unique_ptr<DB>* db);

  // Opens the DB at `path` for reading only: the MANIFEST's files plus the
  // WALs replayed into memory, as they are at the moment of the call. Writes
  // nothing to the directory (no LOCK, no new files), so it may run beside a
  // process that has the DB open for writing; it never sees that writer's
  // later changes (reopen to refresh). Every mutation (Put, Delete, Write,
  // Flush, CompactRange, IngestExternalFile, ...) returns NotSupported.
  // InvalidArgument when there is no DB at `path`. See docs/tools.md.
  static Status OpenForReadOnly(const Options& options, const std::string& path,
                                std::unique_ptr<DB>* db);

  DB() = default;
  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;
  // Calls Close(); an error there is dropped (call Close to see it).
  virtual ~DB() = default;

  virtual Status Put(const WriteOptions& options, std::string_view key, std::string_view value) = 0;
  virtual Status Delete(const WriteOptions& options, std::string_view key) = 0;
  // Deletes every key in [begin, end). begin >= end: no-op, OK.
  virtual Status DeleteRange(const WriteOptions& options, std::string_view begin,
                             std::string_view end) = 0;
  // Applies the batch atomically. The batch is not modified.
  virtual Status Write(const WriteOptions& options, WriteBatch* batch) = 0;

  // Reads the newest value of `key` visible at options.snapshot (or now).
  // NotFound when absent; Corruption when a block on the way is bad.
  virtual Status Get(const ReadOptions& options, std::string_view key, std::string* value) = 0;

  // An iterator over the whole key space (within the bounds of `options`).
  // An iterator stays valid after its DB is closed or destroyed: it keeps
  // what it reads alive (its memtables and Version, the table and block
  // caches, the statistics and Env), and reads the state it was made at.
  virtual std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) = 0;
  // An iterator over the keys that start with `prefix` (intersected with the
  // bounds of `options`); skips files whose prefix bloom excludes it.
  virtual std::unique_ptr<Iterator> NewPrefixIterator(const ReadOptions& options,
                                                      std::string_view prefix) = 0;

  // The current point in time, pinned until the last copy is released.
  virtual std::shared_ptr<const Snapshot> GetSnapshot() = 0;

  // Writes every memtable to L0 SSTs and waits for it.
  virtual Status Flush() = 0;
  // Compacts every file overlapping [begin, end] (nullopt = unbounded) down
  // to the bottommost level, and waits for it.
  virtual Status CompactRange(std::optional<std::string_view> begin,
                              std::optional<std::string_view> end) = 0;

  // Reads a property ("mmdb.stats", "mmdb.num-files-at-level0", ...; see
  // docs/properties.md). False for an unknown name.
  virtual bool GetProperty(std::string_view name, std::string* value) = 0;

  // Compaction-driven GC: keys registered here are removed by the next
  // bottommost compaction that meets them while no snapshot is alive. Kept
  // in memory only.
  virtual void LazyDelete(std::string_view key) = 0;
  virtual void LazyDeleteBatch(const std::vector<std::string>& keys) = 0;
  virtual size_t DeadKeyCount() const = 0;
  virtual void ClearDeadKeys() = 0;

  // Makes `dir` (which must not exist; its parent must) an independent,
  // openable copy of the DB at one point in time, while writes go on: SSTs
  // are hard-linked (copied when linking fails), the live WALs copied up to
  // what was written at that point, and a fresh MANIFEST written for the
  // copy. When `snapshot` is not null it receives a snapshot of this DB at
  // exactly the checkpoint's point. Writes made with disable_wal and not yet
  // flushed are not in the copy. See docs/checkpoint.md.
  virtual Status CreateCheckpoint(const std::string& /*dir*/,
                                  std::shared_ptr<const Snapshot>* /*snapshot*/) {
    return Status::NotSupported("CreateCheckpoint");
  }
  Status CreateCheckpoint(const std::string& dir) { return CreateCheckpoint(dir, nullptr); }

  // Adds the SSTs at `paths` (written by SstFileWriter) to the DB atomically,
  // as if their entries had been written now: each file gets a new sequence
  // number, newer than every existing entry, so existing snapshots do not
  // see them. The input files are copied (re-stamped) and left untouched.
  // InvalidArgument when an input is not a valid SST, holds a user key twice,
  // or when two inputs overlap. See docs/ingestion.md.
  virtual Status IngestExternalFile(const std::vector<std::string>& /*paths*/) {
    return Status::NotSupported("IngestExternalFile");
  }

  // After a background error that can heal (a full disk, see "Errors and
  // recovery" above), tries to recover now instead of waiting for the
  // background retry. OK when the DB accepts writes again (also when there
  // was no error); otherwise the error that stands (the same no-space error
  // while the disk is still full, or an error that only a reopen clears).
  // May block while it flushes the memtables. A read-only DB has nothing to
  // recover: OK.
  virtual Status Resume() = 0;

  // Flushes the memtables to L0 (so the next Open replays nothing), stops
  // background work, syncs and releases the directory. Idempotent; later
  // calls on the DB return Aborted.
  virtual Status Close() = 0;

  // Convenience overloads with default options.
  Status Put(std::string_view key, std::string_view value) {
    return Put(WriteOptions(), key, value);
  }
  Status Delete(std::string_view key) { return Delete(WriteOptions(), key); }
  Status DeleteRange(std::string_view begin, std::string_view end) {
    return DeleteRange(WriteOptions(), begin, end);
  }
  Status Write(WriteBatch* batch) { return Write(WriteOptions(), batch); }
  Status Get(std::string_view key, std::string* value) { return Get(ReadOptions(), key, value); }
  std::unique_ptr<Iterator> NewIterator() { return NewIterator(ReadOptions()); }
};

// Deletes the DB at `path` (its files and, when empty, the directory).
// Fails with IOError/Busy when the DB is open.
Status DestroyDB(const std::string& path, const Options& options);

// What RepairDB found and did.
struct RepairSummary {
  uint64_t tables_kept = 0;          // readable tables the repaired DB holds
  uint64_t wals_converted = 0;       // WALs replayed into new tables
  uint64_t records_recovered = 0;    // WAL records replayed
  uint64_t records_dropped = 0;      // WAL records lost to damage
  uint64_t files_moved_to_lost = 0;  // unreadable tables, replayed WALs, old MANIFESTs
};

// Rebuilds the MANIFEST of the DB at `path` from the tables and WALs that
// survive, for a directory that Open refuses because its CURRENT or MANIFEST
// is missing or damaged. Every WAL is replayed into tables (up to any
// damage), every table is read whole (unreadable ones are moved to
// `path`/lost/), all are listed in a new MANIFEST, and the DB is compacted
// whole. Nothing is deleted: superseded MANIFESTs and WALs go to lost/ too.
// Best effort: data no surviving file holds cannot come back, and whole-file
// deletions the lost MANIFEST recorded may bring back data that compaction
// had already dropped. Fails with IOError/Busy when the DB is open.
Status RepairDB(const std::string& path, const Options& options, RepairSummary* summary = nullptr);

}  // namespace mmdb
