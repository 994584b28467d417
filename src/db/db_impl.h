// DBImpl: the DB of include/mmdb/db.h. It owns the parts and orders their
// work; the work itself lives in WriteThread (group commit), WalRecovery
// (replay), BuildTable (flush), read_path (Get / iterators) and
// DBProperties.
//
// Concurrency:
//   - mu_ (the DB mutex) guards the memtable list, the VersionSet, the
//     background-work state and bg_error_. File I/O of a flush runs without
//     it; a memtable switch (which creates a WAL) runs under it.
//   - The write leader (WriteThread) is the only thread that appends to the
//     WAL and inserts into the active memtable, so neither needs mu_.
//   - Readers take no mutex: they read the last sequence (an atomic in the
//     VersionSet) and then load the published SuperVersion (an atomic
//     shared_ptr), in that order, so that everything at or below the
//     sequence is reachable from the SuperVersion.
//   - max_background_compactions threads do background work: a flush of
//     the oldest immutable memtable first (one at a time), else the most
//     urgent compaction the LeveledPicker finds. Compactions over disjoint
//     files run in parallel; inputs are marked being_compacted under mu_.
//     While a background error that can heal stands (ErrorHandler), one of
//     them retries the recovery (db_impl_resume.cc) on its schedule.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>

#include <mmdb/db.h>
#include <mmdb/env.h>
#include <mmdb/statistics.h>

#include "cache/block_cache.h"
#include "compaction/compaction.h"
#include "compaction/lazy_delete_set.h"
#include "compaction/leveled_picker.h"
#include "db/error_handler.h"
#include "db/l0_pins.h"
#include "db/read_path.h"
#include "db/recovery.h"
#include "db/snapshot_list.h"
#include "db/super_version.h"
#include "db/tombstone_cache.h"
#include "db/write_thread.h"
#include "manifest/version_set.h"
#include "sst/table_cache.h"
#include "util/mutex.h"
#include "util/rate_limiter.h"
#include "wal/writer.h"

namespace mmdb {

class DBImpl final : public DB {
 public:
  DBImpl(const Options& options, std::string dbname);
  ~DBImpl() override;

  // Locks the directory, recovers (or creates) the DB and starts background
  // work. Called once, by DB::Open.
  Status Open();
  // Lets this DB's iterators charge it seeks (after Open, without mu_).
  void AttachSeekTarget() EXCLUDES(mu_) {
    MutexLock target(&seek_target_->mu);
    seek_target_->db = this;
  }

  Status Put(const WriteOptions& options, std::string_view key, std::string_view value) override;
  Status Delete(const WriteOptions& options, std::string_view key) override;
  Status DeleteRange(const WriteOptions& options, std::string_view begin,
                     std::string_view end) override;
  Status Write(const WriteOptions& options, WriteBatch* batch) override;
  Status Get(const ReadOptions& options, std::string_view key, std::string* value) override;
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) override;
  std::unique_ptr<Iterator> NewPrefixIterator(const ReadOptions& options,
                                              std::string_view prefix) override;
  std::shared_ptr<const Snapshot> GetSnapshot() override;
  Status Flush() override;
  Status Resume() override;  // db_impl_resume.cc
  Status CompactRange(std::optional<std::string_view> begin,
                      std::optional<std::string_view> end) override;
  bool GetProperty(std::string_view name, std::string* value) override;
  void LazyDelete(std::string_view key) override;
  void LazyDeleteBatch(const std::vector<std::string>& keys) override;
  size_t DeadKeyCount() const override;
  void ClearDeadKeys() override;
  Status Close() override;
  // db_impl_files.cc
  Status CreateCheckpoint(const std::string& dir,
                          std::shared_ptr<const Snapshot>* snapshot) override;
  Status IngestExternalFile(const std::vector<std::string>& paths) override;

 private:
  friend class DBProperties;

  struct ImmutableMemTable {
    std::shared_ptr<MemTable> mem;
    uint64_t log_number;  // the WAL holding its writes
  };

  // Write path.
  Status WriteImpl(const WriteOptions& options, WriteBatch* batch);
  Status CheckBatch(const WriteBatch& batch) const;
  Status MakeRoomForWrite(bool force, bool no_slowdown) REQUIRES(mu_);
  Status SwitchMemTable() REQUIRES(mu_);
  // Makes `wal_file` (numbered `log_number`) the WAL and the active memtable
  // immutable, with a fresh one in its place (SwitchMemTable, ReplaceWal).
  void SealMemTable(std::unique_ptr<WritableFile> wal_file, uint64_t log_number) REQUIRES(mu_);
  // Waits on bg_cv_ once, counting the wait as a write stall.
  void WaitAsStall() REQUIRES(mu_);

  // Background work (db_impl_background.cc).
  void BackgroundLoop();
  Status FlushOldestImmutable() REQUIRES(mu_);
  // Runs `c` (trivial move or merge), releasing mu_ during the merge, and
  // installs the result.
  Status RunCompaction(Compaction* c) REQUIRES(mu_);
  Status InstallTrivialMove(const Compaction& c) REQUIRES(mu_);
  uint64_t NewPendingFileNumber() EXCLUDES(mu_);
  // VersionSet::LogAndApply with the obsolescence watermark as the edit's
  // next file number: the oldest number a job is still writing (not added by
  // this edit), else the next unused one. Below it, a table no Version lists
  // is provably obsolete (db/directory_audit.h).
  // With in_new_manifest, the edit goes into a new MANIFEST
  // (VersionSet::LogAndApplyInNewManifest: recovery from a MANIFEST error).
  Status LogAndApply(VersionEdit* edit, bool in_new_manifest = false) REQUIRES(mu_);
  // Opens a table just written (flush, compaction) through the table cache;
  // an unreadable table is an error.
  Status OpenNewTable(const FileMetaData& f);
  Status WaitForFlush() REQUIRES(mu_);
  void RecordBackgroundError(const Status& s) REQUIRES(mu_);

  // Recovery from an error that heals (db_impl_resume.cc). ResumeLocked
  // makes the DB writable again: a new MANIFEST when its write failed, a new
  // WAL when the WAL failed, every memtable flushed; only then is bg_error_
  // cleared (and files deleted again). REQUIRES: the caller leads the write
  // queue (RunWithWritesStopped), so that no write is in flight.
  Status ResumeLocked() REQUIRES(mu_);
  // Moves writes to a new WAL; the active memtable becomes immutable.
  // REQUIRES: as ResumeLocked.
  Status ReplaceWal() REQUIRES(mu_);
  // The background threads' part: runs a retry when one is due. Returns
  // true when it ran one (mu_ was released meanwhile).
  bool MaybeAutoResume() REQUIRES(mu_);
  // Read-triggered compaction: takes `seeks` from the budget of the file
  // `charge` names (no-op when it names none or the option is off); the
  // charge that uses the budget up asks the picker for a compaction and wakes
  // the background threads. Called by readers, without mu_.
  void ChargeSeeks(const SeekCharge& charge, int64_t seeks) EXCLUDES(mu_);

  // Versions and files.
  void InstallSuperVersion() REQUIRES(mu_);
  std::shared_ptr<const SuperVersion> GetSuperVersion() const;
  void DeleteObsoleteFiles() REQUIRES(mu_);
  // True when a Version in old_versions_ is no longer held by anyone: its
  // files may have become obsolete.
  bool AnyOldVersionReleased() const REQUIRES(mu_);
  // How often an idle background thread checks for released Versions while
  // older ones are held (their files wait on disk until then).
  static constexpr uint64_t kObsoleteSweepMicros = 100'000;
  SequenceNumber ReadSequence(const ReadOptions& options) const;
  Status CheckOpen() const;

  // Runs `fn` as the leader of the write queue: no write is being committed
  // while it runs and none starts until it returns (db_impl_files.cc).
  Status RunWithWritesStopped(const std::function<Status()>& fn);

  std::unique_ptr<Iterator> NewIteratorImpl(const ReadOptions& options,
                                            std::optional<std::string_view> prefix);

  const Options options_;
  const std::string dbname_;
  const std::shared_ptr<Env> env_;
  const std::shared_ptr<Statistics> stats_;  // may be null
  std::shared_ptr<BlockCache> block_cache_;
  uint64_t cache_id_ = 0;
  std::shared_ptr<TableCache> table_cache_;
  // L0 index/filter blocks pinned in the block cache; null when
  // pin_l0_filter_and_index_blocks_in_cache is off. Updated under mu_.
  std::unique_ptr<L0MetadataPins> l0_pins_;
  const std::shared_ptr<SnapshotList> snapshots_;
  const std::shared_ptr<TombstoneCache> tombstones_;
  // The above, shared with every iterator (read_path.h). Set in Open.
  std::shared_ptr<const ReadResources> read_resources_;
  // Where iterators' read sampling charges seeks: this DB from the end of
  // Open until Close, then nobody (an iterator may outlive its DB). Lock
  // order: SeekChargeTarget::mu before mu_ (a charge takes both), so it is
  // never taken while holding mu_.
  struct SeekChargeTarget {
    Mutex mu;
    DBImpl* db GUARDED_BY(mu) = nullptr;
  };
  const std::shared_ptr<SeekChargeTarget> seek_target_;
  WriteThread write_thread_;
  std::unique_ptr<FileLock> lock_;

  // The WAL of the active memtable. Appended to only by the write leader;
  // replaced (memtable switch) by the leader while holding mu_.
  std::unique_ptr<wal::Writer> wal_;

  mutable Mutex mu_;
  CondVar bg_cv_;  // signalled when a flush ends, on background errors and at shutdown
  // Set once in Open. Its methods other than LastSequence() need mu_.
  std::unique_ptr<VersionSet> versions_;
  std::shared_ptr<MemTable> mem_ GUARDED_BY(mu_);
  uint64_t mem_log_number_ GUARDED_BY(mu_) = 0;
  std::deque<ImmutableMemTable> imm_ GUARDED_BY(mu_);  // newest first
  bool flush_running_ GUARDED_BY(mu_) = false;
  bool shutting_down_ GUARDED_BY(mu_) = false;
  Status bg_error_ GUARDED_BY(mu_);
  uint64_t bg_error_count_ GUARDED_BY(mu_) = 0;
  ErrorHandler error_handler_ GUARDED_BY(mu_);
  bool auto_resume_running_ GUARDED_BY(mu_) = false;  // a background thread is retrying
  uint64_t recoveries_ GUARDED_BY(mu_) = 0;           // errors healed since Open
  // Writes wait until the log number passes this WAL: the newest one Open
  // replayed (0: none). Its memtables, and those of older WALs, must be in
  // SSTs first: a replayed WAL may end in a torn record, or hold bytes never
  // synced, and either must not sit before a WAL with newer acknowledged
  // writes (FORMAT.md "Recovery").
  uint64_t write_gate_log_number_ GUARDED_BY(mu_) = 0;
  std::set<uint64_t> pending_outputs_ GUARDED_BY(mu_);   // files being written
  std::multiset<uint64_t> pinned_wals_ GUARDED_BY(mu_);  // WALs a checkpoint is copying
  std::list<std::weak_ptr<const Version>> old_versions_ GUARDED_BY(mu_);
  RecoveryStats recovery_stats_ GUARDED_BY(mu_);  // what Open replayed, dropped, moved to lost/
  uint64_t num_flushes_ GUARDED_BY(mu_) = 0;
  uint64_t flush_bytes_ GUARDED_BY(mu_) = 0;
  LeveledPicker picker_ GUARDED_BY(mu_);
  int running_compactions_ GUARDED_BY(mu_) = 0;
  uint64_t num_compactions_ GUARDED_BY(mu_) = 0;
  uint64_t num_trivial_moves_ GUARDED_BY(mu_) = 0;
  uint64_t compaction_bytes_read_ GUARDED_BY(mu_) = 0;
  uint64_t compaction_bytes_written_ GUARDED_BY(mu_) = 0;
  uint64_t stall_micros_ GUARDED_BY(mu_) = 0;
  uint64_t user_bytes_written_ GUARDED_BY(mu_) = 0;
  std::unique_ptr<RateLimiter> rate_limiter_;  // null when unlimited; thread-safe
  // L0 file count of the current version, for readers of properties and the
  // write throttle without the mutex. Written under mu_ (release).
  std::atomic<int> l0_files_{0};

  std::atomic<bool> closed_{false};
  std::atomic<bool> opened_{false};
  std::vector<std::thread> bg_threads_;
  std::atomic<std::shared_ptr<const SuperVersion>> super_version_;

  LazyDeleteSet lazy_deletes_;  // thread-safe
};

}  // namespace mmdb
