#include "manifest/version_set.h"

#include <algorithm>
#include <utility>

#include "manifest/filename.h"
#include "manifest/version_builder.h"
#include "types/internal_key.h"
#include "util/invariant.h"
#include "wal/reader.h"

namespace mmdb {

VersionSet::VersionSet(std::string dbname, Env* env, int num_levels)
    : dbname_(std::move(dbname)), env_(env), num_levels_(num_levels) {
  MutexLock l(&current_mu_);
  current_ = Version::Empty(num_levels_);
}

VersionSet::~VersionSet() {
  if (manifest_ != nullptr) {
    // Every record was synced by LogAndApply/CreateNew; a close error loses nothing.
    (void)manifest_->Close();
  }
}

std::shared_ptr<const Version> VersionSet::current() const {
  MutexLock l(&current_mu_);
  return current_;
}

void VersionSet::Install(std::shared_ptr<const Version> v) {
  MutexLock l(&current_mu_);
  current_ = std::move(v);
}

void VersionSet::AddLiveFiles(std::set<uint64_t>* live) const {
  std::shared_ptr<const Version> v = current();
  for (int level = 0; level < v->num_levels(); ++level) {
    for (const auto& f : v->files(level)) live->insert(f->number);
  }
}

Status VersionSet::SetCurrentFile(uint64_t manifest_number, bool* renamed) {
  *renamed = false;
  const std::string tmp = TempCurrentFileName(dbname_, manifest_number);
  const std::string contents = "MANIFEST-" + FormatFileNumber(manifest_number) + "\n";
  MMDB_RETURN_IF_ERROR(WriteStringToFile(env_, contents, tmp, /*sync=*/true));
  Status s = env_->RenameFile(tmp, CurrentFileName(dbname_));
  if (!s.ok()) {
    (void)env_->RemoveFile(tmp);  // best effort; the sweep removes CURRENT.tmp.* too
    return s;
  }
  *renamed = true;
  return env_->SyncDir(dbname_);
}

Status VersionSet::CreateNew() {
  manifest_file_number_ = 1;
  next_file_number_ = 2;
  log_number_ = 0;
  SetLastSequence(0);

  const std::string path = ManifestFileName(dbname_, manifest_file_number_);
  std::unique_ptr<WritableFile> file;
  MMDB_RETURN_IF_ERROR(env_->NewWritableFile(path, &file));
  auto writer = std::make_unique<wal::Writer>(std::move(file));
  VersionEdit edit;
  edit.SetNextFileNumber(next_file_number_);
  edit.SetLastSequence(0);
  std::string record;
  edit.EncodeTo(&record);
  Status s = writer->AddRecord(record);
  if (s.ok()) s = writer->Sync();
  bool renamed = false;
  if (s.ok()) s = SetCurrentFile(manifest_file_number_, &renamed);
  if (!s.ok()) {
    (void)writer->Close();  // the open fails; the file is not used
    // Once CURRENT may name it, the MANIFEST must stay.
    if (!renamed) (void)env_->RemoveFile(path);
    return s.WithContext("creating " + path);
  }
  manifest_ = std::move(writer);
  manifest_snapshot_bytes_ = manifest_->file_size();
  Install(Version::Empty(num_levels_));
  return Status::OK();
}

Status VersionSet::Recover(const std::function<void(FileMetaData*)>& prepare) {
  const std::string current_path = CurrentFileName(dbname_);
  if (!env_->FileExists(current_path)) return Status::NotFound(current_path + " does not exist");
  std::string contents;
  MMDB_RETURN_IF_ERROR(ReadFileToString(env_, current_path, &contents));
  uint64_t manifest_number = 0;
  if (!ParseCurrentContents(contents, &manifest_number)) {
    return Status::Corruption(current_path + ": not \"MANIFEST-NNNNNN\\n\"");
  }
  const std::string path = ManifestFileName(dbname_, manifest_number);
  std::unique_ptr<SequentialFile> file;
  Status s = env_->NewSequentialFile(path, &file);
  if (s.IsNotFound()) return Status::Corruption(path + " named by CURRENT is missing");
  MMDB_RETURN_IF_ERROR(s);

  wal::Reader reader(std::move(file), /*reporter=*/nullptr, /*verify_checksums=*/true,
                     wal::Reader::ChecksumTail::kSectorTearOnly);
  VersionBuilder builder(Version::Empty(num_levels_));
  uint64_t next_file = 2, log_number = 0, last_sequence = 0;
  std::string scratch;
  std::string_view record;
  uint64_t records = 0;
  for (; reader.ReadRecord(&record, &scratch); ++records) {
    const uint64_t n = records;
    VersionEdit edit;
    s = edit.DecodeFrom(record);
    if (s.ok()) s = builder.Apply(edit);
    if (s.ok() && n == 0 && !edit.next_file_number()) {
      s = Status::Corruption("the first record is not a base state (no next file number)");
    }
    if (!s.ok()) return s.WithContext(path + " record " + std::to_string(n));
    // Counters only move forward, as in the Rust engine.
    if (edit.next_file_number()) next_file = std::max(next_file, *edit.next_file_number());
    if (edit.log_number()) log_number = *edit.log_number();
    if (edit.last_sequence()) {
      if (*edit.last_sequence() > kMaxSequenceNumber) {
        return Status::Corruption(path + " record " + std::to_string(n) +
                                  ": last sequence above 2^56 - 1");
      }
      last_sequence = std::max(last_sequence, *edit.last_sequence());
    }
  }
  // A torn last record is a crash during the append: the edit never took
  // effect (LogAndApply had not returned), so it is dropped.
  if (reader.end_state() != wal::Reader::EndState::kEof &&
      reader.end_state() != wal::Reader::EndState::kTornTail) {
    return reader.status().WithContext(path);
  }
  // Every MANIFEST starts with a synced base state, so one without a whole
  // record was truncated or overwritten, not torn by a crash.
  if (records == 0) return Status::Corruption(path + ": holds no complete record");
  if (prepare) builder.ForEachNewFile(prepare);
  Result<std::shared_ptr<const Version>> v = builder.Finish();
  if (!v.ok()) return v.status().WithContext(path);

  manifest_file_number_ = manifest_number;
  next_file_number_ = next_file;
  recovered_next_file_number_ = next_file;
  MarkFileNumberUsed(manifest_number);
  MarkFileNumberUsed(log_number);
  for (int level = 0; level < num_levels_; ++level) {
    for (const auto& f : (*v)->files(level)) MarkFileNumberUsed(f->number);
  }
  log_number_ = log_number;
  SetLastSequence(last_sequence);
  manifest_.reset();  // the next LogAndApply starts a new MANIFEST
  write_error_ = Status::OK();
  Install(std::move(v).value());
  return Status::OK();
}

Status VersionSet::WriteSnapshotManifest(uint64_t number, const VersionEdit& edit,
                                         std::unique_ptr<wal::Writer>* writer) {
  const std::string path = ManifestFileName(dbname_, number);
  std::unique_ptr<WritableFile> file;
  MMDB_RETURN_IF_ERROR(env_->NewWritableFile(path, &file));
  auto w = std::make_unique<wal::Writer>(std::move(file));
  std::string record;
  edit.EncodeTo(&record);
  Status s = w->AddRecord(record);
  if (s.ok()) s = w->Sync();
  if (s.ok()) {
    // The directory entry of the new MANIFEST must be durable before CURRENT
    // can name it; SetCurrentFile's final SyncDir covers both.
    bool renamed = false;
    s = SetCurrentFile(number, &renamed);
    if (!s.ok() && !renamed) {
      // CURRENT was not replaced: the new MANIFEST is unreferenced.
      (void)w->Close();
      (void)env_->RemoveFile(path);
    }
    // Otherwise CURRENT may already name the new MANIFEST (the rename
    // happened but the directory sync failed): keep it.
  } else {
    (void)w->Close();  // discarded
    (void)env_->RemoveFile(path);
  }
  if (!s.ok()) return s.WithContext("writing " + path);
  *writer = std::move(w);
  return Status::OK();
}

Status VersionSet::WriteRepairedState(uint64_t number, const VersionEdit& snapshot) {
  std::unique_ptr<wal::Writer> writer;
  MMDB_RETURN_IF_ERROR(WriteSnapshotManifest(number, snapshot, &writer));
  return writer->Close();
}

Status VersionSet::LogAndApplyInNewManifest(VersionEdit* edit) {
  if (!write_error_.ok()) {
    // Never appended to again: its tail may be a partial record. Closing
    // only releases the file (its writer's error is sticky: nothing more is
    // written), and CURRENT names it until the snapshot below replaces it.
    if (manifest_ != nullptr) (void)manifest_->Close();
    manifest_.reset();
    write_error_ = Status::OK();
  }
  return LogAndApply(edit);  // with no open MANIFEST it writes a new one
}

Status VersionSet::LogAndApply(VersionEdit* edit) {
  if (!write_error_.ok()) return write_error_;

  VersionBuilder builder(current());
  MMDB_RETURN_IF_ERROR(builder.Apply(*edit));
  MMDB_ASSIGN_OR_RETURN(std::shared_ptr<const Version> v, builder.Finish());
  MMDB_INVARIANT(v->CheckConsistency().ok());

  // Rotate past the threshold, but never before the MANIFEST has doubled
  // since its snapshot: a snapshot near the threshold would rotate every time.
  const bool rotate =
      manifest_ == nullptr ||
      manifest_->file_size() >= std::max(manifest_rotate_bytes_, 2 * manifest_snapshot_bytes_);
  const uint64_t new_manifest = rotate ? NewFileNumber() : 0;
  if (!edit->next_file_number()) edit->SetNextFileNumber(next_file_number_);
  if (!edit->last_sequence()) edit->SetLastSequence(LastSequence());
  const uint64_t new_next = std::max(next_file_number_, *edit->next_file_number());
  const uint64_t new_log = edit->log_number().value_or(log_number_);
  const uint64_t new_last = std::max(LastSequence(), *edit->last_sequence());

  Status s;
  if (rotate) {
    VersionEdit snapshot;
    snapshot.SetLogNumber(new_log);
    snapshot.SetNextFileNumber(*edit->next_file_number());
    snapshot.SetLastSequence(new_last);
    for (int level = 0; level < num_levels_; ++level) {
      for (const auto& f : v->files(level)) snapshot.AddFile(level, *f);
    }
    std::unique_ptr<wal::Writer> w;
    s = WriteSnapshotManifest(new_manifest, snapshot, &w);
    if (s.ok()) {
      if (manifest_ != nullptr) {
        // Superseded by the synced snapshot; nothing in it is still needed.
        (void)manifest_->Close();
      }
      manifest_ = std::move(w);
      manifest_file_number_ = new_manifest;
      manifest_snapshot_bytes_ = manifest_->file_size();
    }
  } else {
    std::string record;
    edit->EncodeTo(&record);
    s = manifest_->AddRecord(record);
    if (s.ok()) s = manifest_->Sync();
    if (!s.ok()) s = s.WithContext(ManifestFileName(dbname_, manifest_file_number_));
  }
  if (!s.ok()) {
    write_error_ = s;
    return s;
  }

  next_file_number_ = new_next;
  log_number_ = new_log;
  if (new_last > LastSequence()) SetLastSequence(new_last);
  Install(std::move(v));
  return Status::OK();
}

}  // namespace mmdb
