// DBImpl's whole-file operations: checkpoints (checkpoint.h does the file
// work) and external-file ingestion (external_file_ingest.h). Both need a
// moment with no write in flight, which RunWithWritesStopped provides.
#include "db/checkpoint.h"
#include "db/db_impl.h"
#include "db/external_file_ingest.h"
#include "db/flush_job.h"
#include "util/invariant.h"

namespace mmdb {

Status DBImpl::RunWithWritesStopped(const std::function<Status()>& fn) {
  MMDB_RETURN_IF_ERROR(CheckOpen());
  // A control writer always leads a group of its own (WriteThread), so
  // holding the lead keeps every other writer queued behind us.
  WriteThread::Writer w(nullptr, false, false);
  if (!write_thread_.JoinAndWait(&w)) return w.status;
  Status s = CheckOpen();  // Close may have begun while we waited
  if (s.ok()) s = fn();
  write_thread_.ExitAsLeader({&w}, s);
  return s;
}

// The checkpoint's point in time is taken while writes are stopped: the last
// sequence, the Version and its log number, and the size of the active WAL,
// which then ends exactly after the last committed group (the leader hands
// every group's records to the OS before committing it). The file work
// runs after writes resume, with the Version held (its SSTs stay) and the
// WALs pinned against the obsolete-file sweep.
Status DBImpl::CreateCheckpoint(const std::string& dir, std::shared_ptr<const Snapshot>* snapshot) {
  if (snapshot != nullptr) snapshot->reset();
  CheckpointSource src;
  src.env = env_.get();
  src.dbname = dbname_;
  std::shared_ptr<const SuperVersion> sv;  // keeps the Version's files out of the sweep
  std::shared_ptr<const Snapshot> at;
  MMDB_RETURN_IF_ERROR(RunWithWritesStopped([&]() -> Status {
    MutexLock l(&mu_);
    if (!bg_error_.ok()) return bg_error_;
    sv = GetSuperVersion();
    MMDB_INVARIANT(sv->version == versions_->current());
    src.version = sv->version;
    src.log_number = versions_->log_number();
    src.next_file_number = versions_->next_file_number();
    src.last_sequence = versions_->LastSequence();
    for (auto it = imm_.rbegin(); it != imm_.rend(); ++it) {  // oldest first
      if (it->log_number >= src.log_number) src.wals.push_back({it->log_number, std::nullopt});
    }
    src.wals.push_back({mem_log_number_, wal_->file_size()});
    for (const auto& w : src.wals) pinned_wals_.insert(w.number);
    at = snapshots_->Create(src.last_sequence);
    return Status::OK();
  }));
  Status s = WriteCheckpoint(src, dir);
  {
    MutexLock l(&mu_);
    for (const auto& w : src.wals) pinned_wals_.erase(pinned_wals_.find(w.number));
    DeleteObsoleteFiles();  // WALs flushed meanwhile may go now
  }
  if (s.ok() && snapshot != nullptr) *snapshot = std::move(at);
  return s;
}

// Ingestion (docs/ingestion.md). The inputs are validated first, with
// writes running. Then, with writes stopped: memtables overlapping an input
// are flushed (a memtable is read before every SST, so an older memtable
// entry would hide the ingested one); each input gets the next sequence
// number and is rewritten into the DB directory at that sequence (writes
// stay stopped so no write can take a sequence in between); and one
// VersionEdit adds every file, each at the deepest level it may go to, with
// the new last sequence.
Status DBImpl::IngestExternalFile(const std::vector<std::string>& paths) {
  MMDB_RETURN_IF_ERROR(CheckOpen());
  if (paths.empty()) return Status::OK();
  ExternalFileIngest ingest(env_.get(), dbname_);
  MMDB_RETURN_IF_ERROR(ingest.Prepare(paths));
  const size_t n = ingest.size();
  std::vector<uint64_t> numbers;
  std::vector<FileMetaData> metas(n);
  auto body = [&]() -> Status {
    MutexLock l(&mu_);
    if (!bg_error_.ok()) return bg_error_;
    bool overlap = ingest.OverlapsMemTable(*mem_);
    for (const auto& m : imm_) overlap = overlap || ingest.OverlapsMemTable(*m.mem);
    if (overlap) {
      // The write leader may switch the memtable itself (as WriteImpl does).
      MMDB_RETURN_IF_ERROR(MakeRoomForWrite(/*force=*/true, /*no_slowdown=*/false));
      MMDB_RETURN_IF_ERROR(WaitForFlush());
    }
    const SequenceNumber first = versions_->LastSequence() + 1;
    std::vector<int> levels(n);
    for (size_t i = 0; i < n; ++i) {
      numbers.push_back(versions_->NewFileNumber());
      pending_outputs_.insert(numbers.back());
      levels[i] = PickIngestLevel(*versions_->current(), ingest.smallest(i), ingest.largest(i));
    }
    Status s;
    mu_.Unlock();
    for (size_t i = 0; i < n && s.ok(); ++i) {
      s = ingest.Rewrite(i, numbers[i], first + i, TableOptionsForLevel(options_, levels[i]),
                         &metas[i]);
    }
    if (s.ok()) s = env_->SyncDir(dbname_);
    mu_.Lock();
    if (s.ok()) {
      // Compactions may have changed the levels while the files were written.
      VersionEdit edit;
      for (size_t i = 0; i < n; ++i) {
        edit.AddFile(PickIngestLevel(*versions_->current(), ingest.smallest(i), ingest.largest(i)),
                     metas[i]);
      }
      edit.SetLastSequence(first + n - 1);
      s = LogAndApply(&edit);
    }
    for (uint64_t number : numbers) pending_outputs_.erase(number);
    if (!s.ok()) return s;  // the unreferenced outputs go at the next sweep
    InstallSuperVersion();
    bg_cv_.SignalAll();  // the picker may have work now
    return Status::OK();
  };
  return RunWithWritesStopped(body);
}

}  // namespace mmdb
