// DBImpl's background work: flushes, compactions (automatic and
// CompactRange), and installing their results.
#include <algorithm>

#include "compaction/compaction_job.h"
#include "db/db_impl.h"
#include "db/flush_job.h"

namespace mmdb {

void DBImpl::BackgroundLoop() {
  MutexLock l(&mu_);
  while (true) {
    const bool healthy = bg_error_.ok();
    if (healthy && !imm_.empty() && !flush_running_) {
      // Flushes come first: writers may be waiting for a free memtable.
      flush_running_ = true;
      Status s = FlushOldestImmutable();
      flush_running_ = false;
      RecordBackgroundError(s);
      bg_cv_.SignalAll();
      continue;
    }
    if (shutting_down_) break;
    if (!healthy && MaybeAutoResume()) continue;
    if (healthy) {
      std::unique_ptr<Compaction> c = picker_.Pick(*versions_->current());
      if (c != nullptr) {
        Status s = RunCompaction(c.get());
        RecordBackgroundError(s);
        bg_cv_.SignalAll();
        continue;
      }
    }
    if (!healthy && ErrorHandler::IsRecoverable(bg_error_) && !auto_resume_running_) {
      // Wake for the next retry (a shutdown or a new error wakes earlier).
      bg_cv_.WaitForMicros(error_handler_.MicrosUntilRetry(env_->NowMicros()));
      continue;
    }
    if (old_versions_.size() > 1) {
      // Readers still hold older Versions, whose compacted-away files stay
      // on disk until then; nothing else may come to sweep them (a DB that
      // only reads), so look again now and then.
      bg_cv_.WaitForMicros(kObsoleteSweepMicros);
      if (AnyOldVersionReleased()) DeleteObsoleteFiles();
      continue;
    }
    bg_cv_.Wait();
  }
}

bool DBImpl::AnyOldVersionReleased() const {
  return std::any_of(old_versions_.begin(), old_versions_.end(),
                     [](const std::weak_ptr<const Version>& v) { return v.expired(); });
}

Status DBImpl::FlushOldestImmutable() {
  const ImmutableMemTable imm = imm_.back();
  const uint64_t number = versions_->NewFileNumber();
  pending_outputs_.insert(number);
  const uint64_t start = env_->NowMicros();
  FileMetaData meta;
  Status s;
  {
    mu_.Unlock();
    auto points = imm.mem->NewIterator();
    auto tombstones = imm.mem->NewRangeTombstoneIterator();
    s = BuildTable(env_.get(), dbname_, TableOptionsForLevel(options_, 0), number, points.get(),
                   tombstones.get(), rate_limiter_.get(), &meta);
    if (s.ok() && meta.file_size > 0) s = env_->SyncDir(dbname_);
    if (s.ok() && meta.file_size > 0) s = OpenNewTable(meta);
    mu_.Lock();
  }
  if (s.ok()) {
    VersionEdit edit;
    if (meta.file_size > 0) edit.AddFile(0, meta);
    // The WAL of the next memtable is now the oldest one recovery needs.
    const uint64_t next_log = imm_.size() > 1 ? imm_[imm_.size() - 2].log_number : mem_log_number_;
    edit.SetLogNumber(next_log);
    s = LogAndApply(&edit);
  }
  pending_outputs_.erase(number);
  if (!s.ok()) return s;
  imm_.pop_back();
  tombstones_->EraseMemTable(imm.mem.get());
  ++num_flushes_;
  flush_bytes_ += meta.file_size;
  if (stats_ != nullptr) {
    stats_->RecordTick(kFlushes);
    stats_->RecordTick(kFlushBytes, meta.file_size);
    stats_->MeasureTime(kFlushMicros, env_->NowMicros() - start);
  }
  InstallSuperVersion();
  DeleteObsoleteFiles();
  return Status::OK();
}

Status DBImpl::WaitForFlush() {
  while (!imm_.empty() && bg_error_.ok()) bg_cv_.Wait();
  return bg_error_;
}

Status DBImpl::Flush() {
  MMDB_RETURN_IF_ERROR(CheckOpen());
  // The switch goes through the write queue: only the leader may swap the WAL.
  MMDB_RETURN_IF_ERROR(WriteImpl(WriteOptions(), nullptr));
  MutexLock l(&mu_);
  return WaitForFlush();
}

// A table just written is opened through the table cache before it is
// installed: its footer, index, filters and range deletions are read back
// with checksums (a file that cannot be read never enters a Version), and
// readers and the L0 pins then find it open. (Its range_del_end came with
// its build.)
Status DBImpl::OpenNewTable(const FileMetaData& f) {
  auto table = table_cache_->Get(f.number, f.file_size);
  if (!table.ok()) return std::move(table).status();
  return Status::OK();
}

uint64_t DBImpl::NewPendingFileNumber() {
  MutexLock l(&mu_);
  const uint64_t n = versions_->NewFileNumber();
  pending_outputs_.insert(n);
  return n;
}

Status DBImpl::LogAndApply(VersionEdit* edit, bool in_new_manifest) {
  uint64_t watermark = versions_->next_file_number();
  for (uint64_t n : pending_outputs_) {
    const bool added_here =
        std::any_of(edit->new_files().begin(), edit->new_files().end(),
                    [n](const auto& level_and_file) { return level_and_file.second.number == n; });
    if (!added_here) {
      watermark = std::min(watermark, n);
      break;  // ascending: the first one not added here is the oldest
    }
  }
  edit->SetNextFileNumber(watermark);
  return in_new_manifest ? versions_->LogAndApplyInNewManifest(edit) : versions_->LogAndApply(edit);
}

Status DBImpl::InstallTrivialMove(const Compaction& c) {
  VersionEdit edit;
  for (const std::shared_ptr<FileMetaData>& f : c.inputs(0)) {
    FileMetaData moved = *f;
    moved.being_compacted = false;
    edit.AddFile(c.output_level(), moved);  // same number: the Rust engine's trivial-move edit
    edit.RemoveFile(c.level(), f->number);
  }
  MMDB_RETURN_IF_ERROR(LogAndApply(&edit));
  num_trivial_moves_ += c.inputs(0).size();
  return Status::OK();
}

void DBImpl::ChargeSeeks(const SeekCharge& charge, int64_t seeks) {
  if (charge.file == nullptr || !options_.read_triggered_compaction) return;
  if (stats_ != nullptr) stats_->RecordTick(kReadSeekCharges, static_cast<uint64_t>(seeks));
  if (!charge.file->allowed_seeks.Charge(seeks)) return;
  MutexLock l(&mu_);
  if (shutting_down_) return;
  picker_.AddReadCompaction(charge.level, charge.file->number);
  bg_cv_.SignalAll();
}

Status DBImpl::RunCompaction(Compaction* c) {
  if (c->read_triggered() && stats_ != nullptr) stats_->RecordTick(kReadTriggeredCompactions);
  for (int which = 0; which < 2; ++which) {
    for (const auto& f : c->inputs(which)) f->being_compacted = true;
  }
  ++running_compactions_;
  Status s;
  std::vector<uint64_t> outputs;
  if (c->IsTrivialMove()) {
    s = InstallTrivialMove(*c);
  } else {
    CompactionJobOptions jo;
    jo.env = env_.get();
    jo.dbname = dbname_;
    jo.options = &options_;
    jo.table_cache = table_cache_.get();
    jo.snapshots = snapshots_->Sequences();
    jo.lazy_deletes = &lazy_deletes_;
    jo.new_file_number = [this] { return NewPendingFileNumber(); };
    jo.rate_limiter = rate_limiter_.get();
    jo.stats = stats_.get();
    CompactionJobResult result;
    mu_.Unlock();
    s = CompactionJob(*c, std::move(jo)).Run(&result);
    if (s.ok() && !result.outputs.empty()) s = env_->SyncDir(dbname_);
    for (FileMetaData& out : result.outputs) {
      if (!s.ok()) break;
      s = OpenNewTable(out);
    }
    mu_.Lock();
    for (const FileMetaData& out : result.outputs) outputs.push_back(out.number);
    if (s.ok()) {
      VersionEdit edit;
      c->AddInputDeletions(&edit);
      for (const FileMetaData& out : result.outputs) edit.AddFile(c->output_level(), out);
      s = LogAndApply(&edit);
    }
    if (s.ok()) {
      ++num_compactions_;
      compaction_bytes_read_ += result.bytes_read;
      compaction_bytes_written_ += result.bytes_written;
    }
    // Outputs of a failed compaction are unreferenced: the next sweep removes them.
    for (uint64_t n : outputs) pending_outputs_.erase(n);
  }
  for (int which = 0; which < 2; ++which) {
    for (const auto& f : c->inputs(which)) f->being_compacted = false;
  }
  --running_compactions_;
  if (s.ok()) {
    InstallSuperVersion();
    DeleteObsoleteFiles();
  }
  return s;
}

// CompactRange: flush, then for each level from the top down to the deepest
// level holding any file (at least L1; as RocksDB does, data is not pushed
// into empty levels below, where it would meet a heavier compression for no
// gain), compact the files overlapping the range into the next level, waiting
// whenever a background compaction holds one of them. At that bottom level
// the files are rewritten in place only when that can drop something
// (deletions, tombstones, a filter, lazy deletes): a file that only moved
// down stays as it is.
namespace {
bool WorthRewritingInPlace(const Compaction& c, bool has_filter, bool has_lazy_deletes) {
  if (has_filter || has_lazy_deletes) return true;
  for (int which = 0; which < 2; ++which) {
    for (const auto& f : c.inputs(which)) {
      // num_entries == 0: statistics unknown (the file came from the MANIFEST).
      if (f->has_range_deletions || f->num_deletions > 0 || f->num_entries == 0) return true;
    }
  }
  return false;
}
}  // namespace

Status DBImpl::CompactRange(std::optional<std::string_view> begin,
                            std::optional<std::string_view> end) {
  MMDB_RETURN_IF_ERROR(CheckOpen());
  MMDB_RETURN_IF_ERROR(Flush());
  MutexLock l(&mu_);
  int last = 1;
  {
    const Version& v = *versions_->current();
    for (int level = v.num_levels() - 1; level > last; --level) {
      if (!v.files(level).empty()) {
        last = level;
        break;
      }
    }
  }
  last = std::min(last, options_.num_levels - 1);
  for (int level = 0; level <= last; ++level) {
    // L0 may receive new flushes meanwhile; other levels need one pass.
    for (int round = 0; round < (level == 0 ? 8 : 1); ++round) {
      if (!bg_error_.ok()) return bg_error_;
      if (shutting_down_) return Status::Aborted("DB is closing");
      std::unique_ptr<Compaction> c =
          picker_.PickRange(*versions_->current(), level, begin, end, last);
      if (c == nullptr) {
        if (versions_->current()->OverlappingFiles(level, begin, end).empty()) break;
        bg_cv_.Wait();  // an input is being compacted in the background
        --round;
        continue;
      }
      if (level == last && c->output_level() == level &&
          !WorthRewritingInPlace(*c, options_.compaction_filter != nullptr,
                                 lazy_deletes_.size() > 0)) {
        break;
      }
      Status s = RunCompaction(c.get());
      RecordBackgroundError(s);
      bg_cv_.SignalAll();
      if (!s.ok()) return s;
    }
  }
  return Status::OK();
}

}  // namespace mmdb
