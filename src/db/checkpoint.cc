#include "db/checkpoint.h"

#include <algorithm>

#include "manifest/filename.h"
#include "manifest/version_edit.h"
#include "util/result.h"
#include "wal/writer.h"

namespace mmdb {

namespace {

constexpr size_t kCopyChunk = 256u << 10;

// Copies the first `size` bytes of `src` (all of it when nullopt) to a new
// file `dst` and syncs it. Corruption when `src` is shorter than `size`.
Status CopyFile(Env* env, const std::string& src, const std::string& dst,
                std::optional<uint64_t> size) {
  std::unique_ptr<SequentialFile> in;
  MMDB_RETURN_IF_ERROR(env->NewSequentialFile(src, &in));
  std::unique_ptr<WritableFile> out;
  MMDB_RETURN_IF_ERROR(env->NewWritableFile(dst, &out));
  std::string scratch(kCopyChunk, '\0');
  uint64_t copied = 0;
  Status s;
  while (s.ok() && (!size || copied < *size)) {
    size_t want = kCopyChunk;
    if (size) want = static_cast<size_t>(std::min<uint64_t>(want, *size - copied));
    std::string_view chunk;
    s = in->Read(want, &chunk, scratch.data());
    if (!s.ok()) break;
    if (chunk.empty()) {
      if (size) {
        s = Status::Corruption(src + ": " + std::to_string(copied) + " bytes, expected " +
                               std::to_string(*size));
      }
      break;
    }
    s = out->Append(chunk);
    copied += chunk.size();
  }
  if (s.ok()) s = out->Sync();
  Status c = out->Close();
  return s.ok() ? c : s;
}

// Writes MANIFEST-`number` holding one edit that describes the whole source.
Status WriteManifest(const CheckpointSource& src, const std::string& dir, uint64_t number) {
  VersionEdit edit;
  edit.SetLogNumber(src.log_number);
  edit.SetNextFileNumber(number + 1);
  edit.SetLastSequence(src.last_sequence);
  for (int level = 0; level < src.version->num_levels(); ++level) {
    for (const auto& f : src.version->files(level)) edit.AddFile(level, *f);
  }
  std::string record;
  edit.EncodeTo(&record);
  std::unique_ptr<WritableFile> file;
  MMDB_RETURN_IF_ERROR(src.env->NewWritableFile(ManifestFileName(dir, number), &file));
  wal::Writer writer(std::move(file));
  Status s = writer.AddRecord(record);
  if (s.ok()) s = writer.Sync();
  Status c = writer.Close();
  return s.ok() ? c : s;
}

Status FillCheckpoint(const CheckpointSource& src, const std::string& dir,
                      std::vector<std::string>* created) {
  Env* env = src.env;
  for (int level = 0; level < src.version->num_levels(); ++level) {
    for (const auto& f : src.version->files(level)) {
      const std::string from = TableFileName(src.dbname, f->number);
      const std::string to = TableFileName(dir, f->number);
      created->push_back(to);
      // SSTs never change once written, so both DBs may share one inode.
      if (!env->LinkFile(from, to).ok()) {
        (void)env->RemoveFile(to);  // a failed link may not have created it
        MMDB_RETURN_IF_ERROR(CopyFile(env, from, to, std::nullopt));
      }
    }
  }
  for (const CheckpointSource::Wal& w : src.wals) {
    const std::string to = WalFileName(dir, w.number);
    created->push_back(to);
    MMDB_RETURN_IF_ERROR(CopyFile(env, WalFileName(src.dbname, w.number), to, w.size));
  }
  const uint64_t manifest = src.next_file_number;
  created->push_back(ManifestFileName(dir, manifest));
  MMDB_RETURN_IF_ERROR(WriteManifest(src, dir, manifest));
  // Every entry above must be durable before CURRENT makes the copy a DB.
  MMDB_RETURN_IF_ERROR(env->SyncDir(dir));
  created->push_back(CurrentFileName(dir));
  MMDB_RETURN_IF_ERROR(WriteStringToFile(env, "MANIFEST-" + FormatFileNumber(manifest) + "\n",
                                         CurrentFileName(dir), /*sync=*/true));
  return env->SyncDir(dir);
}

}  // namespace

Status WriteCheckpoint(const CheckpointSource& src, const std::string& dir) {
  Env* env = src.env;
  if (dir.empty()) return Status::InvalidArgument("checkpoint directory is empty");
  std::vector<std::string> children;
  if (env->FileExists(dir) || env->GetChildren(dir, &children).ok()) {
    return Status::InvalidArgument(dir + ": already exists");
  }
  MMDB_RETURN_IF_ERROR(env->CreateDirIfMissing(dir));
  std::vector<std::string> created;
  Status s = FillCheckpoint(src, dir, &created);
  if (!s.ok()) {
    // Best effort: the error above is what the caller needs.
    for (const std::string& path : created) (void)env->RemoveFile(path);
    (void)env->RemoveDir(dir);
    return s.WithContext("checkpoint " + dir);
  }
  return Status::OK();
}

}  // namespace mmdb
