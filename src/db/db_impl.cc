#include "db/db_impl.h"

#include <algorithm>

#include "db/directory_audit.h"
#include "db/flush_job.h"
#include "db/read_path.h"
#include "db/recovery.h"
#include "iterator/db_iter.h"
#include "manifest/filename.h"
#include "memtable/memtable_inserter.h"
#include "types/write_batch_internal.h"
#include "wal/reader.h"

namespace mmdb {

namespace {

Options SanitizeOptions(const Options& in) {
  Options o = in;
  if (o.env == nullptr) o.env = Env::Default();
  return o;
}

}  // namespace

DBImpl::DBImpl(const Options& options, std::string dbname)
    : options_(SanitizeOptions(options)),
      dbname_(std::move(dbname)),
      env_(options_.env),
      stats_(options_.statistics),
      snapshots_(std::make_shared<SnapshotList>()),
      tombstones_(std::make_shared<TombstoneCache>()),
      seek_target_(std::make_shared<SeekChargeTarget>()),
      bg_cv_(&mu_),
      picker_(options_) {}

DBImpl::~DBImpl() {
  // The destructor has no one to report to; Close() is where errors are seen.
  (void)Close();
}

Status DB::Open(const Options& options, const std::string& path, std::unique_ptr<DB>* db) {
  db->reset();
  MMDB_RETURN_IF_ERROR(options.Validate());
  auto impl = std::make_unique<DBImpl>(options, path);
  MMDB_RETURN_IF_ERROR(impl->Open());
  impl->AttachSeekTarget();
  *db = std::move(impl);
  return Status::OK();
}

Status DBImpl::Open() {
  MMDB_RETURN_IF_ERROR(env_->CreateDirIfMissing(dbname_));
  MMDB_RETURN_IF_ERROR(env_->LockFile(LockFileName(dbname_), &lock_));

  block_cache_ = options_.block_cache != nullptr ? AsBlockCache(options_.block_cache)
                                                 : NewLRUBlockCache(options_.block_cache_capacity);
  if (block_cache_ == nullptr) {
    return Status::InvalidArgument("options.block_cache was not made by NewBlockCache");
  }
  cache_id_ = block_cache_->NewId();
  if (options_.rate_limit_bytes_per_sec > 0) {
    rate_limiter_ = std::make_unique<RateLimiter>(options_.rate_limit_bytes_per_sec, env_.get());
  }
  TableReaderOptions topts;
  topts.block_cache = block_cache_.get();
  topts.cache_id = cache_id_;
  topts.verify_checksums = true;
  topts.mmap_reads = options_.allow_mmap_reads;
  topts.statistics = stats_.get();
  table_cache_ = std::make_shared<TableCache>(env_.get(), dbname_, topts, options_.max_open_files);
  read_resources_ = std::make_shared<const ReadResources>(
      ReadResources{env_, stats_, block_cache_, table_cache_, tombstones_});
  if (options_.pin_l0_filter_and_index_blocks_in_cache) {
    l0_pins_ = std::make_unique<L0MetadataPins>(block_cache_.get(), cache_id_, table_cache_.get());
  }

  MutexLock l(&mu_);
  versions_ = std::make_unique<VersionSet>(dbname_, env_.get(), options_.num_levels);
  // Nothing is created or deleted until the directory's files agree with
  // its MANIFEST (db/directory_audit.h).
  DirectoryListing listing;
  std::vector<uint64_t> unexplained;  // tables no edit explains (directory_audit.h)
  MMDB_RETURN_IF_ERROR(DirectoryListing::Read(env_.get(), dbname_, &listing));
  if (!listing.has_current) {
    MMDB_RETURN_IF_ERROR(CheckCanCreateNewDb(dbname_, listing));
    if (!options_.create_if_missing) {
      return Status::InvalidArgument(dbname_ + ": does not exist (create_if_missing is false)");
    }
    MMDB_RETURN_IF_ERROR(versions_->CreateNew());
  } else {
    if (options_.error_if_exists) {
      return Status::InvalidArgument(dbname_ + ": exists (error_if_exists is true)");
    }
    // How far each file's range tombstones reach (not in the MANIFEST).
    MMDB_RETURN_IF_ERROR(
        versions_->Recover([this](FileMetaData* f) { FillRangeDelEnd(table_cache_.get(), f); }));
    MMDB_RETURN_IF_ERROR(AuditRecoveredState(env_.get(), dbname_, *versions_->current(),
                                             versions_->log_number(), listing,
                                             options_.paranoid_checks));
    unexplained =
        UnexplainedTables(*versions_->current(), versions_->recovered_next_file_number(), listing);
  }

  // Every file number on disk is taken, and the WALs to replay are those at
  // or above the MANIFEST's log number.
  std::vector<uint64_t> wals;
  for (uint64_t number : listing.tables) versions_->MarkFileNumberUsed(number);
  for (uint64_t number : listing.manifests) versions_->MarkFileNumberUsed(number);
  for (uint64_t number : listing.wals) {
    versions_->MarkFileNumberUsed(number);
    if (number >= versions_->log_number()) wals.push_back(number);
  }
  std::sort(wals.begin(), wals.end());

  SequenceNumber max_seq = versions_->LastSequence();
  std::vector<RecoveredMemTable> recovered;  // oldest first
  WalRecovery recovery(env_.get(), dbname_, options_);
  MMDB_RETURN_IF_ERROR(recovery.Replay(wals, &recovered, &max_seq));
  const KnownSequences known{.manifest_last = versions_->LastSequence(),
                             .first_replayed = recovery.stats().first_sequence};
  MMDB_RETURN_IF_ERROR(CheckUnexplainedTables(env_.get(), dbname_, unexplained, known));
  for (uint64_t number : unexplained) {
    MMDB_RETURN_IF_ERROR(MoveTableToLost(env_.get(), dbname_, number));
    ++recovery_stats_.tables_moved_to_lost;
  }
  const uint64_t moved_to_lost = recovery_stats_.tables_moved_to_lost;
  recovery_stats_ = recovery.stats();
  recovery_stats_.tables_moved_to_lost = moved_to_lost;

  // A fresh WAL for the new memtable. The replayed memtables stay in memory
  // as immutable ones, flushed in the background, so the log number stays at
  // the oldest WAL holding any of them (without them, every older WAL is
  // obsolete now).
  const uint64_t log_number = versions_->NewFileNumber();
  std::unique_ptr<WritableFile> wal_file;
  MMDB_RETURN_IF_ERROR(env_->NewWritableFile(WalFileName(dbname_, log_number), &wal_file));
  wal_ = std::make_unique<wal::Writer>(std::move(wal_file));
  wal_->set_bytes_per_sync(options_.wal_bytes_per_sync);
  MMDB_RETURN_IF_ERROR(env_->SyncDir(dbname_));
  VersionEdit edit;
  edit.SetLogNumber(recovered.empty() ? log_number : recovered.front().log_number);
  versions_->SetLastSequence(max_seq);
  MMDB_RETURN_IF_ERROR(versions_->LogAndApply(&edit));

  for (RecoveredMemTable& r : recovered) imm_.push_front({std::move(r.mem), r.log_number});
  if (!recovered.empty()) write_gate_log_number_ = wals.back();
  mem_ = std::make_shared<MemTable>();
  mem_log_number_ = log_number;
  InstallSuperVersion();
  DeleteObsoleteFiles();
  for (int i = 0; i < options_.max_background_compactions; ++i) {
    bg_threads_.emplace_back([this] { BackgroundLoop(); });
  }
  opened_ = true;
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Write path

Status DBImpl::CheckOpen() const {
  if (closed_.load(std::memory_order_acquire)) return Status::Aborted("DB is closed");
  return Status::OK();
}

Status DBImpl::Put(const WriteOptions& options, std::string_view key, std::string_view value) {
  WriteBatch batch;
  batch.Put(key, value);
  return Write(options, &batch);
}

Status DBImpl::Delete(const WriteOptions& options, std::string_view key) {
  WriteBatch batch;
  batch.Delete(key);
  return Write(options, &batch);
}

Status DBImpl::DeleteRange(const WriteOptions& options, std::string_view begin,
                           std::string_view end) {
  if (begin >= end) return CheckOpen();  // an empty range changes nothing
  WriteBatch batch;
  batch.DeleteRange(begin, end);
  return Write(options, &batch);
}

Status DBImpl::Write(const WriteOptions& options, WriteBatch* batch) {
  if (batch == nullptr) return Status::InvalidArgument("null WriteBatch");
  MMDB_RETURN_IF_ERROR(CheckBatch(*batch));
  if (batch->Count() == 0) return CheckOpen();
  return WriteImpl(options, batch);
}

// Rejects what could not be stored or read back (FORMAT.md size limits).
Status DBImpl::CheckBatch(const WriteBatch& batch) const {
  class Checker final : public WriteBatch::Handler {
   public:
    Status Put(std::string_view key, std::string_view value) override {
      if (key.size() > kMaxUserKeySize) return TooBig("key", key.size());
      if (key.size() + value.size() > kMaxEntrySize) {
        return TooBig("key + value", key.size() + value.size());
      }
      return Status::OK();
    }
    Status Delete(std::string_view key) override {
      if (key.size() > kMaxUserKeySize) return TooBig("key", key.size());
      return Status::OK();
    }
    Status DeleteRange(std::string_view begin, std::string_view end) override {
      if (begin.size() > kMaxUserKeySize || end.size() > kMaxUserKeySize) {
        return TooBig("range bound", std::max(begin.size(), end.size()));
      }
      return Status::OK();
    }

   private:
    static Status TooBig(const char* what, size_t n) {
      return Status::InvalidArgument(std::string(what) + " of " + std::to_string(n) +
                                     " bytes exceeds the limit");
    }
  };
  Checker checker;
  return batch.Iterate(&checker);
}

Status DBImpl::WriteImpl(const WriteOptions& options, WriteBatch* batch) {
  MMDB_RETURN_IF_ERROR(CheckOpen());
  const uint64_t start = stats_ != nullptr ? env_->NowMicros() : 0;
  WriteThread::Writer w(batch, options.sync, options.disable_wal);
  if (!write_thread_.JoinAndWait(&w)) return w.status;  // committed by another leader

  std::vector<WriteThread::Writer*> group;
  write_thread_.BuildGroup(&w, &group);
  Status s;
  SequenceNumber seq = 0;
  std::shared_ptr<MemTable> mem;
  {
    MutexLock l(&mu_);
    if (closed_.load(std::memory_order_acquire) || shutting_down_) {
      s = Status::Aborted("DB is closing");
    } else {
      s = MakeRoomForWrite(/*force=*/batch == nullptr, options.no_slowdown);
    }
    seq = versions_->LastSequence() + 1;
    mem = mem_;
  }

  if (s.ok() && batch != nullptr) {
    bool sync = false;
    uint64_t count = 0;
    for (WriteThread::Writer* member : group) {
      WriteBatchInternal::SetSequence(member->batch, seq + count);
      count += WriteBatchInternal::Count(*member->batch);
      sync = sync || member->sync;
    }
    if (!options.disable_wal) {
      uint64_t wal_bytes = 0;
      for (WriteThread::Writer* member : group) {
        if (!s.ok()) break;
        const std::string_view rec = WriteBatchInternal::Contents(*member->batch);
        wal_bytes += rec.size();
        s = wal_->AddRecord(rec);
      }
      if (s.ok()) s = wal_->Flush();
      if (s.ok() && sync) {
        const uint64_t sync_start = stats_ != nullptr ? env_->NowMicros() : 0;
        s = wal_->Sync();
        if (stats_ != nullptr) {
          stats_->RecordTick(kWalSyncs);
          stats_->MeasureTime(kWalSyncMicros, env_->NowMicros() - sync_start);
        }
      }
      if (stats_ != nullptr) stats_->RecordTick(kWalBytes, wal_bytes);
      if (!s.ok()) {
        // The WAL may now hold part of the group: nothing more may be
        // acknowledged until a reopen sorts out what is durable.
        MutexLock l(&mu_);
        RecordBackgroundError(s);
      }
    }
    uint64_t range_deletes = 0;
    if (s.ok()) {
      const uint64_t range_deletes_before = mem->num_range_deletions();
      for (WriteThread::Writer* member : group) {
        s = InsertBatchInto(*member->batch, mem.get());
        if (!s.ok()) break;
      }
      range_deletes = mem->num_range_deletions() - range_deletes_before;
      if (!s.ok()) {
        MutexLock l(&mu_);
        RecordBackgroundError(s);
      }
    }
    if (s.ok()) {
      // Publishes the group to readers: a reader that sees this sequence
      // finds every entry at or below it in the memtable.
      MutexLock l(&mu_);
      versions_->SetLastSequence(seq + count - 1);
      for (WriteThread::Writer* member : group) {
        user_bytes_written_ += member->batch->ApproximateSize();
      }
    }
    if (stats_ != nullptr) {
      stats_->RecordTick(kWriteGroups);
      stats_->RecordTick(kWriteGroupMembers, group.size());
      uint64_t ops = 0;
      for (WriteThread::Writer* member : group) {
        ops += WriteBatchInternal::Count(*member->batch);
        stats_->RecordTick(kBytesWritten, member->batch->ApproximateSize());
      }
      // Point puts and deletes here, range tombstones in their own ticker.
      stats_->RecordTick(kRangeDeletesWritten, range_deletes);
      stats_->RecordTick(kKeysWritten, ops >= range_deletes ? ops - range_deletes : 0);
    }
  }
  write_thread_.ExitAsLeader(group, s);
  if (stats_ != nullptr) stats_->MeasureTime(kWriteMicros, env_->NowMicros() - start);
  return s;
}

// Backpressure: at l0_slowdown_writes_trigger L0 files each write group is
// delayed once (longer the further past the trigger); at
// l0_stop_writes_trigger, or when every memtable is full, the writer waits
// for background work. no_slowdown turns both into Busy.
Status DBImpl::MakeRoomForWrite(bool force, bool no_slowdown) {
  bool allow_delay = !force;
  while (true) {
    if (!bg_error_.ok()) return bg_error_;
    if (write_gate_log_number_ != 0) {
      if (versions_->log_number() > write_gate_log_number_) {
        write_gate_log_number_ = 0;  // every replayed memtable is in an SST
      } else {
        if (no_slowdown) return Status::Busy("write would wait for the flush of replayed WALs");
        WaitAsStall();
        continue;
      }
    }
    const int l0 = l0_files_.load(std::memory_order_acquire);
    if (allow_delay && l0 >= options_.l0_slowdown_writes_trigger &&
        l0 < options_.l0_stop_writes_trigger) {
      if (no_slowdown) return Status::Busy("write would be delayed: too many L0 files");
      const uint64_t over = static_cast<uint64_t>(l0 - options_.l0_slowdown_writes_trigger);
      const uint64_t delay = std::min<uint64_t>(1000 * (over + 1), 20000);
      mu_.Unlock();
      env_->SleepForMicroseconds(delay);
      mu_.Lock();
      stall_micros_ += delay;
      if (stats_ != nullptr) stats_->RecordTick(kStallMicros, delay);
      allow_delay = false;  // at most one delay per write group
      continue;
    }
    const bool mem_full = mem_->ApproximateMemoryUsage() >= options_.write_buffer_size;
    if (!force && !mem_full && l0 < options_.l0_stop_writes_trigger) return Status::OK();
    if (force && mem_->empty()) return Status::OK();
    const bool no_memtable =
        imm_.size() + 1 >= static_cast<size_t>(options_.max_write_buffer_number);
    const bool stopped = !force && l0 >= options_.l0_stop_writes_trigger;
    if (no_memtable || stopped) {
      if (no_slowdown)
        return Status::Busy("write would stall: memtables full or too many L0 files");
      WaitAsStall();
      continue;
    }
    return SwitchMemTable();
  }
}

Status DBImpl::SwitchMemTable() {
  const uint64_t log_number = versions_->NewFileNumber();
  std::unique_ptr<WritableFile> file;
  Status s = env_->NewWritableFile(WalFileName(dbname_, log_number), &file);
  // The new WAL's directory entry must be durable before a sync=true write
  // into it is acknowledged.
  if (s.ok()) s = env_->SyncDir(dbname_);
  // Syncing the old WAL once per switch keeps recovery prefix-consistent: a
  // power loss can then only cut the newest WAL, never leave a hole.
  if (s.ok()) s = wal_->Sync();
  if (s.ok()) s = wal_->Close();
  if (!s.ok()) {
    RecordBackgroundError(s);
    return s;
  }
  SealMemTable(std::move(file), log_number);
  bg_cv_.SignalAll();  // wakes the flush thread
  return Status::OK();
}

void DBImpl::SealMemTable(std::unique_ptr<WritableFile> wal_file, uint64_t log_number) {
  wal_ = std::make_unique<wal::Writer>(std::move(wal_file));
  wal_->set_bytes_per_sync(options_.wal_bytes_per_sync);
  imm_.push_front({mem_, mem_log_number_});
  mem_ = std::make_shared<MemTable>();
  mem_log_number_ = log_number;
  InstallSuperVersion();
}

void DBImpl::WaitAsStall() {
  const uint64_t start = env_->NowMicros();
  bg_cv_.Wait();
  const uint64_t waited = env_->NowMicros() - start;
  stall_micros_ += waited;
  if (stats_ != nullptr) stats_->RecordTick(kStallMicros, waited);
}

void DBImpl::RecordBackgroundError(const Status& s) {
  if (s.ok()) return;
  ++bg_error_count_;
  error_handler_.Record(s, env_->NowMicros(), &bg_error_);
  bg_cv_.SignalAll();  // waiting writers return the error; a retry may be scheduled
}

// ---------------------------------------------------------------------------
// Versions and files

void DBImpl::InstallSuperVersion() {
  auto sv = std::make_shared<SuperVersion>();
  sv->mem = mem_;
  sv->imm.reserve(imm_.size());
  for (const auto& m : imm_) sv->imm.push_back(m.mem);
  sv->version = versions_->current();
  if (l0_pins_ != nullptr) l0_pins_->Update(*sv->version);
  l0_files_.store(static_cast<int>(sv->version->NumFiles(0)), std::memory_order_release);
  // A memtable switch installs the same Version again: track it once.
  if (old_versions_.empty() || old_versions_.back().lock() != sv->version) {
    old_versions_.push_back(sv->version);
  }
  super_version_.store(std::move(sv), std::memory_order_release);
}

std::shared_ptr<const SuperVersion> DBImpl::GetSuperVersion() const {
  return super_version_.load(std::memory_order_acquire);
}

void DBImpl::DeleteObsoleteFiles() {
  if (!bg_error_.ok()) return;  // after an error, keep everything for the reopen
  // Live: every file of every Version someone still holds, and files being written.
  std::set<uint64_t> live = pending_outputs_;
  versions_->AddLiveFiles(&live);
  for (auto it = old_versions_.begin(); it != old_versions_.end();) {
    if (auto v = it->lock()) {
      for (int level = 0; level < v->num_levels(); ++level) {
        for (const auto& f : v->files(level)) live.insert(f->number);
      }
      ++it;
    } else {
      it = old_versions_.erase(it);
    }
  }
  std::vector<std::string> children;
  if (!env_->GetChildren(dbname_, &children).ok()) return;  // retried at the next sweep
  for (const std::string& name : children) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(name, &number, &type)) continue;
    bool keep = true;
    switch (type) {
      case FileType::kWal:
        keep = number >= versions_->log_number() || number == mem_log_number_;
        for (const auto& m : imm_) keep = keep || number == m.log_number;
        keep = keep || pinned_wals_.count(number) > 0;
        break;
      case FileType::kTable:
        keep = live.count(number) > 0;
        break;
      case FileType::kManifest:
        keep = number >= versions_->manifest_file_number();
        break;
      case FileType::kTempCurrent:
        keep = false;
        break;
      default:
        keep = true;
    }
    if (keep) continue;
    if (type == FileType::kTable) {
      table_cache_->Evict(number, /*erase_blocks=*/true);
      tombstones_->EraseTable(number);
    }
    // A failed removal only leaves a file for the next sweep.
    (void)env_->RemoveFile(dbname_ + "/" + name);
  }
}

// ---------------------------------------------------------------------------
// Reads

SequenceNumber DBImpl::ReadSequence(const ReadOptions& options) const {
  if (options.snapshot != nullptr) return options.snapshot->sequence();
  return versions_->LastSequence();  // an atomic: no mutex on the read path
}

Status DBImpl::Get(const ReadOptions& options, std::string_view key, std::string* value) {
  MMDB_RETURN_IF_ERROR(CheckOpen());
  const uint64_t start = stats_ != nullptr ? env_->NowMicros() : 0;
  const SequenceNumber seq = ReadSequence(options);  // before the SuperVersion: see db_impl.h
  std::shared_ptr<const SuperVersion> sv = GetSuperVersion();
  ReadContext ctx{table_cache_.get(), tombstones_.get(), stats_.get(), options_.prefix_length};
  SeekCharge charge;
  Status s = PointLookup(ctx, *sv, options, key, seq, value, &charge);
  ChargeSeeks(charge, 1);
  if (stats_ != nullptr) {
    stats_->RecordTick(kKeysRead);
    if (s.ok()) {
      stats_->RecordTick(kKeysFound);
      stats_->RecordTick(kBytesRead, value->size());
    }
    stats_->MeasureTime(kGetMicros, env_->NowMicros() - start);
  }
  return s;
}

std::unique_ptr<Iterator> DBImpl::NewIterator(const ReadOptions& options) {
  return NewIteratorImpl(options, std::nullopt);
}

std::unique_ptr<Iterator> DBImpl::NewPrefixIterator(const ReadOptions& options,
                                                    std::string_view prefix) {
  return NewIteratorImpl(options, prefix);
}

std::unique_ptr<Iterator> DBImpl::NewIteratorImpl(const ReadOptions& options,
                                                  std::optional<std::string_view> prefix) {
  Status open = CheckOpen();
  if (!open.ok()) {
    return NewDBIterator(NewEmptyInternalIterator(open), DBIterOptions());
  }
  const InternalIteratorSpec spec = IteratorSpecFor(options, prefix, options_.prefix_length);
  const SequenceNumber seq = ReadSequence(options);
  std::shared_ptr<const SuperVersion> sv = GetSuperVersion();
  ReadContext ctx{table_cache_.get(), tombstones_.get(), stats_.get(), options_.prefix_length};
  DBIterOptions dopts;
  dopts.sequence = seq;
  dopts.lower_bound = spec.lower_bound;
  dopts.upper_bound = spec.upper_bound;
  MergedIterator merged = NewMergedIterator(ctx, *sv, spec, &dopts.tombstones);
  dopts.merger = merged.merger;
  dopts.stats = stats_.get();
  if (options_.read_triggered_compaction) {
    // The Version stays alive with the iterator (pinned_state).
    dopts.read_sampler = [target = seek_target_, v = sv->version.get()](std::string_view user_key,
                                                                        uint32_t seeks) {
      SeekCharge charge;
      charge.file = v->FirstOfOverlapping(user_key, &charge.level);
      MutexLock l(&target->mu);
      if (target->db != nullptr) target->db->ChargeSeeks(charge, seeks);
    };
  }
  dopts.pinned_state = PinIteratorState(std::move(sv), read_resources_);
  if (stats_ != nullptr) stats_->RecordTick(kIterCreated);
  return NewDBIterator(std::move(merged.iter), std::move(dopts));
}

std::shared_ptr<const Snapshot> DBImpl::GetSnapshot() {
  MutexLock l(&mu_);
  return snapshots_->Create(versions_->LastSequence());
}

// ---------------------------------------------------------------------------
// Lazy delete: registered keys are dropped by bottommost compactions.

void DBImpl::LazyDelete(std::string_view key) { lazy_deletes_.Add(key); }

void DBImpl::LazyDeleteBatch(const std::vector<std::string>& keys) { lazy_deletes_.AddBatch(keys); }

size_t DBImpl::DeadKeyCount() const { return lazy_deletes_.size(); }

void DBImpl::ClearDeadKeys() { lazy_deletes_.Clear(); }

// ---------------------------------------------------------------------------
// Close

Status DBImpl::Close() {
  if (closed_.load(std::memory_order_acquire)) return Status::OK();
  {
    // Iterators that outlive this DB stop charging it (after any charge in
    // progress, which holds the target's mutex).
    MutexLock target(&seek_target_->mu);
    seek_target_->db = nullptr;
  }
  Status result;
  if (opened_.load(std::memory_order_acquire)) {
    bool can_heal;
    {
      MutexLock l(&mu_);
      can_heal = !bg_error_.ok() && ErrorHandler::IsRecoverable(bg_error_);
    }
    // Space may have come back since the last retry; if not, the flush
    // below returns the error that stands.
    if (can_heal) (void)Resume();
    // Flush the memtable so that the next Open replays nothing.
    bool has_data;
    {
      MutexLock l(&mu_);
      has_data = !mem_->empty() || !imm_.empty();
    }
    if (has_data) result = Flush();
  }
  closed_.store(true, std::memory_order_release);
  // Queue a control write: it returns once every writer ahead of it is done.
  WriteThread::Writer barrier(nullptr, false, false);
  if (write_thread_.JoinAndWait(&barrier)) {
    std::vector<WriteThread::Writer*> group{&barrier};
    write_thread_.ExitAsLeader(group, Status::OK());
  }
  {
    MutexLock l(&mu_);
    shutting_down_ = true;
    bg_cv_.SignalAll();
  }
  for (std::thread& t : bg_threads_) t.join();
  bg_threads_.clear();
  if (wal_ != nullptr) {
    Status s = wal_->Sync();
    if (s.ok()) s = wal_->Close();
    if (result.ok()) result = s;
    wal_.reset();
  }
  {
    MutexLock l(&mu_);
    if (result.ok() && !bg_error_.ok()) result = bg_error_;
  }
  super_version_.store(nullptr);
  if (l0_pins_ != nullptr) {
    MutexLock l(&mu_);
    l0_pins_->ReleaseAll();  // a shared cache outlives this DB: leave no pins behind
  }
  table_cache_.reset();
  lock_.reset();
  return result;
}

// ---------------------------------------------------------------------------

Status DestroyDB(const std::string& path, const Options& options) {
  std::shared_ptr<Env> env = options.env != nullptr ? options.env : Env::Default();
  std::vector<std::string> children;
  Status s = env->GetChildren(path, &children);
  if (!s.ok()) return s.IsNotFound() ? Status::OK() : s;  // nothing to destroy
  std::unique_ptr<FileLock> lock;
  MMDB_RETURN_IF_ERROR(env->LockFile(LockFileName(path), &lock));
  Status result;
  for (const std::string& name : children) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(name, &number, &type) || type == FileType::kLock) continue;
    Status d = env->RemoveFile(path + "/" + name);
    if (result.ok() && !d.ok()) result = d;
  }
  lock.reset();
  (void)env->RemoveFile(LockFileName(path));  // may already be gone
  (void)env->RemoveDir(path);                 // fails (harmlessly) if foreign files remain
  return result;
}

}  // namespace mmdb
