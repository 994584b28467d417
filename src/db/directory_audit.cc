#include "db/directory_audit.h"

#include <algorithm>
#include <set>

#include "manifest/filename.h"
#include "manifest/version.h"
#include "sst/table_reader.h"
#include "types/internal_key.h"

namespace mmdb {

namespace {

std::string Plural(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::set<uint64_t> LiveTables(const Version& version) {
  std::set<uint64_t> live;
  for (int level = 0; level < version.num_levels(); ++level) {
    for (const auto& f : version.files(level)) live.insert(f->number);
  }
  return live;
}

}  // namespace

Status DirectoryListing::Read(Env* env, const std::string& dbname, DirectoryListing* out) {
  *out = DirectoryListing();
  std::vector<std::string> children;
  MMDB_RETURN_IF_ERROR(env->GetChildren(dbname, &children));
  for (const std::string& name : children) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(name, &number, &type)) continue;
    switch (type) {
      case FileType::kCurrent:
        out->has_current = true;
        break;
      case FileType::kManifest:
        out->manifests.push_back(number);
        break;
      case FileType::kWal:
        out->wals.push_back(number);
        break;
      case FileType::kTable:
        out->tables.push_back(number);
        break;
      case FileType::kTempCurrent:
      case FileType::kLock:
        break;
    }
  }
  std::sort(out->manifests.begin(), out->manifests.end());
  std::sort(out->wals.begin(), out->wals.end());
  std::sort(out->tables.begin(), out->tables.end());
  return Status::OK();
}

bool DirectoryListing::HasWal(uint64_t number) const {
  return std::binary_search(wals.begin(), wals.end(), number);
}

bool DirectoryListing::HasTable(uint64_t number) const {
  return std::binary_search(tables.begin(), tables.end(), number);
}

std::string DirectoryListing::Describe() const {
  std::string out = Plural(tables.size(), "table") + ", " + Plural(wals.size(), "WAL");
  for (uint64_t m : manifests) out += ", MANIFEST-" + FormatFileNumber(m);
  return out;
}

Status CheckCanCreateNewDb(const std::string& dbname, const DirectoryListing& listing) {
  // MANIFEST-000001 alone is a creation that a crash cut short before
  // CURRENT was published: it names no file, so starting over loses nothing.
  const bool only_first_manifest =
      listing.manifests.empty() || (listing.manifests.size() == 1 && listing.manifests[0] == 1);
  if (listing.tables.empty() && listing.wals.empty() && only_first_manifest) return Status::OK();
  return Status::Corruption(dbname + ": CURRENT is missing but the directory holds a DB's files (" +
                            listing.Describe() +
                            "); not creating a new DB over them (see `mmdb repair`)");
}

Status AuditRecoveredState(Env* env, const std::string& dbname, const Version& version,
                           uint64_t log_number, const DirectoryListing& listing, bool check_sizes) {
  for (int level = 0; level < version.num_levels(); ++level) {
    for (const auto& f : version.files(level)) {
      const std::string path = TableFileName(dbname, f->number);
      // Checked again on disk: a reader beside a writer lists the directory
      // before it reads the MANIFEST, which may name tables made since.
      if (!listing.HasTable(f->number) && !env->FileExists(path)) {
        return Status::Corruption(path + " is listed at L" + std::to_string(level) +
                                  " by the MANIFEST but missing");
      }
      if (!check_sizes) continue;
      uint64_t size = 0;
      MMDB_RETURN_IF_ERROR(env->GetFileSize(path, &size));
      if (size != f->file_size) {
        return Status::Corruption(path + " has " + std::to_string(size) +
                                  " bytes; the MANIFEST recorded " + std::to_string(f->file_size));
      }
    }
  }
  if (log_number != 0 && !listing.HasWal(log_number) &&
      !env->FileExists(WalFileName(dbname, log_number))) {
    return Status::Corruption(WalFileName(dbname, log_number) +
                              ", the MANIFEST's log number, is missing: the MANIFEST may have "
                              "lost its last edits");
  }
  return Status::OK();
}

std::vector<uint64_t> UnexplainedTables(const Version& version, uint64_t watermark,
                                        const DirectoryListing& listing) {
  const std::set<uint64_t> live = LiveTables(version);
  std::vector<uint64_t> out;
  for (uint64_t number : listing.tables) {
    if (number >= watermark && live.count(number) == 0) out.push_back(number);
  }
  return out;
}

namespace {

// The first sequence in table `number` that `known` does not cover, or 0.
Result<SequenceNumber> FirstUncoveredSequence(Env* env, const std::string& dbname, uint64_t number,
                                              const KnownSequences& known) {
  SequenceNumber uncovered = 0;
  auto check = [&](SequenceNumber s) {
    if (uncovered == 0 && !known.Covers(s)) uncovered = s;
    return uncovered == 0;
  };
  MMDB_RETURN_IF_ERROR(ReadWholeTable(
      env, dbname, number, [&](const RangeTombstone& t) { check(t.sequence); },
      [&](std::string_view, const ParsedInternalKey& p) { return check(p.sequence); }));
  return uncovered;
}

}  // namespace

Status CheckUnexplainedTables(Env* env, const std::string& dbname,
                              const std::vector<uint64_t>& tables, const KnownSequences& known) {
  for (uint64_t number : tables) {
    Result<SequenceNumber> uncovered = FirstUncoveredSequence(env, dbname, number, known);
    if (!uncovered.ok() || uncovered.value() == 0) continue;
    return Status::Corruption(
        TableFileName(dbname, number) + " is in no Version but holds sequence " +
        std::to_string(uncovered.value()) + ", which neither the MANIFEST (up to " +
        std::to_string(known.manifest_last) +
        ") nor the WALs hold: the MANIFEST may have lost "
        "its last edits");
  }
  return Status::OK();
}

Status ReadWholeTable(Env* env, const std::string& dbname, uint64_t number,
                      const std::function<void(const RangeTombstone&)>& on_tombstone,
                      const std::function<bool(std::string_view internal_key,
                                               const ParsedInternalKey& parsed)>& on_entry,
                      uint64_t* file_size) {
  const std::string path = TableFileName(dbname, number);
  uint64_t size = 0;
  MMDB_RETURN_IF_ERROR(env->GetFileSize(path, &size));
  if (file_size != nullptr) *file_size = size;
  std::unique_ptr<RandomAccessFile> file;
  MMDB_RETURN_IF_ERROR(env->NewRandomAccessFile(path, &file));
  TableReaderOptions topts;
  topts.verify_checksums = true;
  MMDB_ASSIGN_OR_RETURN(std::shared_ptr<TableReader> table,
                        TableReader::Open(topts, std::move(file), size, number));
  for (const RangeTombstone& t : table->range_tombstones()) on_tombstone(t);
  std::unique_ptr<InternalIterator> it =
      table->NewIterator(/*fill_cache=*/false, /*verify_checksums=*/true);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ParsedInternalKey parsed;
    if (!ParseInternalKey(it->key(), &parsed)) {
      return Status::Corruption(path + ": an entry's internal key does not parse");
    }
    if (!on_entry(it->key(), parsed)) return Status::OK();
  }
  return it->status();
}

std::string LostDirName(const std::string& dbname) { return dbname + "/lost"; }

Status MoveToLost(Env* env, const std::string& dbname, const std::string& name) {
  const std::string lost = LostDirName(dbname);
  MMDB_RETURN_IF_ERROR(env->CreateDirIfMissing(lost));
  // A number may come back once its file left the directory: never
  // overwrite an earlier lost file.
  std::string target = lost + "/" + name;
  for (int i = 1; env->FileExists(target); ++i)
    target = lost + "/" + name + "." + std::to_string(i);
  MMDB_RETURN_IF_ERROR(env->RenameFile(dbname + "/" + name, target));
  MMDB_RETURN_IF_ERROR(env->SyncDir(lost));
  return env->SyncDir(dbname);
}

Status MoveTableToLost(Env* env, const std::string& dbname, uint64_t number) {
  return MoveToLost(env, dbname, FormatFileNumber(number) + ".sst");
}

}  // namespace mmdb
