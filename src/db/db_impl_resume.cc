// DBImpl's recovery from a background error that heals (a full disk): the
// retries the background threads schedule and DB::Resume.
//
// Why each step (docs/architecture.md "Errors and recovery"):
//   - MANIFEST. A failed append or sync may leave a partial or unsynced
//     record at its end, and an edit after it could be lost or unreadable.
//     So the first edit after the error goes into a new MANIFEST (one
//     snapshot, CURRENT switched atomically), before any other edit and
//     before any obsolete file is deleted.
//   - WAL. A failed append or sync may leave part of a record (or of a
//     group's records) at its end, and only the newest WAL may have a torn
//     tail. So writes move to a new WAL, and the memtable of the failed one
//     is flushed, which moves the log number past it (and obsoletes it),
//     before any write is accepted into the new one. That memtable holds
//     exactly the acknowledged writes of that WAL: a group is inserted only
//     after its WAL write succeeded. The sequence numbers of a failed group
//     were never published and are used again by later writes, which is
//     safe only because the failed WAL is never replayed once writes resume.
//   - Memtables. Every immutable memtable is flushed (the failure may have
//     been a flush), so that the DB is back where the failed work started.
// bg_error_ is cleared only when all of this has succeeded; until then
// writes keep failing and DeleteObsoleteFiles keeps every file.
#include "db/db_impl.h"
#include "manifest/filename.h"

namespace mmdb {

Status DBImpl::Resume() {
  // Leading the write queue: no group is between its WAL write and its
  // memtable insert, and none starts until the recovery is done.
  return RunWithWritesStopped([this] {
    MutexLock l(&mu_);
    return ResumeLocked();
  });
}

Status DBImpl::ResumeLocked() {
  if (bg_error_.ok()) return Status::OK();
  if (!ErrorHandler::IsRecoverable(bg_error_)) return bg_error_;
  if (shutting_down_) return Status::Aborted("DB is closing");
  // A MANIFEST or WAL that failed for another reason (e.g. an ingestion's
  // edit, which reports to its caller only) cannot be healed either.
  for (const Status* e : {&versions_->write_error(), &wal_->error()}) {
    if (!e->ok() && !ErrorHandler::IsRecoverable(*e)) {
      RecordBackgroundError(*e);
      return bg_error_;
    }
  }
  if (stats_ != nullptr) stats_->RecordTick(kErrorRecoveryAttempts);
  // A flush that began before the error finishes (or fails) first.
  while (flush_running_) bg_cv_.Wait();
  flush_running_ = true;  // keeps the background threads from flushing
  // A compaction still running may fail while the flushes below release
  // mu_: its error must not be cleared with the one healed here.
  const uint64_t errors_before = bg_error_count_;
  Status s;
  if (!versions_->write_error().ok()) {
    VersionEdit edit;  // no change: only the new MANIFEST's snapshot
    s = LogAndApply(&edit, /*in_new_manifest=*/true);
  }
  if (s.ok() && !wal_->error().ok()) s = ReplaceWal();
  while (s.ok() && !imm_.empty()) s = FlushOldestImmutable();
  flush_running_ = false;
  if (!s.ok() || bg_error_count_ != errors_before) {
    // (Recording OK is a no-op.) An error that cannot heal replaces the
    // standing one.
    RecordBackgroundError(s);
    if (ErrorHandler::IsRecoverable(bg_error_)) error_handler_.RetryFailed(env_->NowMicros());
    bg_cv_.SignalAll();
    return bg_error_;
  }
  bg_error_ = Status::OK();
  error_handler_.Recovered(env_->NowMicros());
  ++recoveries_;
  if (stats_ != nullptr) stats_->RecordTick(kErrorRecoverySuccesses);
  InstallSuperVersion();
  DeleteObsoleteFiles();  // what the failed work left behind (partial SSTs, old WALs)
  bg_cv_.SignalAll();     // background work starts again
  return Status::OK();
}

Status DBImpl::ReplaceWal() {
  const uint64_t log_number = versions_->NewFileNumber();
  std::unique_ptr<WritableFile> file;
  MMDB_RETURN_IF_ERROR(env_->NewWritableFile(WalFileName(dbname_, log_number), &file));
  MMDB_RETURN_IF_ERROR(env_->SyncDir(dbname_));
  // The failed WAL is neither synced nor appended to again (its writer's
  // error is sticky); closing releases the file. Its memtable, flushed next,
  // makes it obsolete.
  (void)wal_->Close();
  SealMemTable(std::move(file), log_number);
  return Status::OK();
}

bool DBImpl::MaybeAutoResume() {
  if (auto_resume_running_ || shutting_down_ || closed_.load(std::memory_order_acquire) ||
      !ErrorHandler::IsRecoverable(bg_error_) || !error_handler_.RetryDue(env_->NowMicros())) {
    return false;
  }
  auto_resume_running_ = true;
  mu_.Unlock();
  // Joins the write queue like any writer; once Close has begun it returns
  // Aborted. A failure has rescheduled the next retry.
  (void)Resume();
  mu_.Lock();
  auto_resume_running_ = false;
  return true;
}

}  // namespace mmdb
