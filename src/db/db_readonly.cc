#include "db/db_readonly.h"

#include <algorithm>

#include "db/directory_audit.h"
#include "db/flush_job.h"
#include "db/read_path.h"
#include "db/recovery.h"
#include "iterator/db_iter.h"
#include "manifest/filename.h"
#include "manifest/version_set.h"

namespace mmdb {

namespace {

// Attempts before giving up when a writer keeps changing the MANIFEST under
// the open (each attempt that fails while the MANIFEST changed starts over;
// a busy writer under a slow reader, e.g. ThreadSanitizer, needs dozens).
constexpr int kMaxOpenAttempts = 64;

Options SanitizeOptions(const Options& in) {
  Options o = in;
  if (o.env == nullptr) o.env = Env::Default();
  return o;
}

Status ReadOnlyError() { return Status::NotSupported("the DB was opened read-only"); }

}  // namespace

Status DB::OpenForReadOnly(const Options& options, const std::string& path,
                           std::unique_ptr<DB>* db) {
  db->reset();
  MMDB_RETURN_IF_ERROR(options.Validate());
  auto impl = std::make_unique<DBReadOnly>(options, path);
  MMDB_RETURN_IF_ERROR(impl->Open());
  *db = std::move(impl);
  return Status::OK();
}

DBReadOnly::DBReadOnly(const Options& options, std::string dbname)
    : options_(SanitizeOptions(options)),
      dbname_(std::move(dbname)),
      env_(options_.env),
      snapshots_(std::make_shared<SnapshotList>()) {}

std::string DBReadOnly::ManifestFingerprint() {
  std::string current;
  if (!ReadFileToString(env_.get(), CurrentFileName(dbname_), &current).ok()) return "";
  uint64_t number = 0;
  uint64_t size = 0;
  if (ParseCurrentContents(current, &number)) {
    (void)env_->GetFileSize(ManifestFileName(dbname_, number), &size);  // 0 if it vanished
  }
  return current + "/" + std::to_string(size);
}

Status DBReadOnly::Open() {
  if (!env_->FileExists(CurrentFileName(dbname_))) {
    return Status::InvalidArgument(dbname_ + ": no DB here (CURRENT does not exist)");
  }
  block_cache_ = options_.block_cache != nullptr ? AsBlockCache(options_.block_cache)
                                                 : NewLRUBlockCache(options_.block_cache_capacity);
  if (block_cache_ == nullptr) {
    return Status::InvalidArgument("options.block_cache was not made by NewBlockCache");
  }
  cache_id_ = block_cache_->NewId();
  Status s;
  for (int attempt = 0; attempt < kMaxOpenAttempts; ++attempt) {
    const std::string before = ManifestFingerprint();
    s = TryLoad();
    if (s.ok() || ManifestFingerprint() == before) break;
    // A writer changed the MANIFEST meanwhile (and may have deleted a file
    // this attempt needed): start over from the new state.
  }
  return s;
}

Status DBReadOnly::TryLoad() {
  TableReaderOptions topts;
  topts.block_cache = block_cache_.get();
  topts.cache_id = cache_id_;
  topts.verify_checksums = true;
  topts.mmap_reads = options_.allow_mmap_reads;
  // Unbounded: a reader once opened must stay open (see the top of db_readonly.h).
  table_cache_ = std::make_shared<TableCache>(env_.get(), dbname_, topts, /*max_open_files=*/-1);
  read_resources_ = std::make_shared<const ReadResources>(
      ReadResources{env_, options_.statistics, block_cache_, table_cache_, tombstones_});

  // List the WALs before reading the MANIFEST. A writer deletes a WAL only
  // after the MANIFEST records its flush, so a WAL missing from this listing
  // is either covered by the MANIFEST read below or newer than every WAL
  // listed (then its writes come after everything this open sees). Reading
  // the MANIFEST first could miss a flush and then the deleted WAL with it.
  DirectoryListing listing;
  MMDB_RETURN_IF_ERROR(DirectoryListing::Read(env_.get(), dbname_, &listing));
  VersionSet versions(dbname_, env_.get(), options_.num_levels);
  // How far each file's range tombstones reach (not in the MANIFEST): point
  // lookups need it to find a tombstone reaching past its file's largest key.
  MMDB_RETURN_IF_ERROR(
      versions.Recover([this](FileMetaData* f) { FillRangeDelEnd(table_cache_.get(), f); }));
  // The same checks as a writable open (db/directory_audit.h), so a damaged
  // directory never reads as a smaller valid one. A writer changing the
  // directory meanwhile makes them fail; Open then starts over.
  MMDB_RETURN_IF_ERROR(AuditRecoveredState(env_.get(), dbname_, *versions.current(),
                                           versions.log_number(), listing,
                                           options_.paranoid_checks));

  std::vector<uint64_t> wals;
  for (uint64_t number : listing.wals) {
    if (number >= versions.log_number()) wals.push_back(number);
  }

  std::vector<RecoveredMemTable> memtables;  // oldest first
  SequenceNumber max_seq = versions.LastSequence();
  WalRecovery recovery(env_.get(), dbname_, options_);
  MMDB_RETURN_IF_ERROR(recovery.Replay(wals, &memtables, &max_seq));
  const KnownSequences known{.manifest_last = versions.LastSequence(),
                             .first_replayed = recovery.stats().first_sequence};
  MMDB_RETURN_IF_ERROR(CheckUnexplainedTables(
      env_.get(), dbname_,
      UnexplainedTables(*versions.current(), versions.recovered_next_file_number(), listing),
      known));

  auto sv = std::make_shared<SuperVersion>();
  sv->version = versions.current();
  for (int level = 0; level < sv->version->num_levels(); ++level) {
    for (const auto& f : sv->version->files(level)) {
      auto table = table_cache_->Get(f->number, f->file_size);
      if (!table.ok()) return table.status();
    }
  }
  if (memtables.empty()) memtables.push_back({std::make_shared<MemTable>(), 0});
  sv->mem = memtables.back().mem;
  for (auto it = memtables.rbegin() + 1; it != memtables.rend(); ++it) sv->imm.push_back(it->mem);
  sv_ = std::move(sv);
  last_sequence_ = max_seq;
  wals_replayed_ = recovery.stats().wals_replayed;
  return Status::OK();
}

Status DBReadOnly::CheckOpen() const {
  if (closed_.load(std::memory_order_acquire)) return Status::Aborted("DB is closed");
  return Status::OK();
}

Status DBReadOnly::Put(const WriteOptions&, std::string_view, std::string_view) {
  return ReadOnlyError();
}
Status DBReadOnly::Delete(const WriteOptions&, std::string_view) { return ReadOnlyError(); }
Status DBReadOnly::DeleteRange(const WriteOptions&, std::string_view, std::string_view) {
  return ReadOnlyError();
}
Status DBReadOnly::Write(const WriteOptions&, WriteBatch*) { return ReadOnlyError(); }
Status DBReadOnly::Flush() { return ReadOnlyError(); }
Status DBReadOnly::Resume() { return CheckOpen(); }
Status DBReadOnly::CompactRange(std::optional<std::string_view>, std::optional<std::string_view>) {
  return ReadOnlyError();
}

Status DBReadOnly::Get(const ReadOptions& options, std::string_view key, std::string* value) {
  MMDB_RETURN_IF_ERROR(CheckOpen());
  const SequenceNumber seq =
      options.snapshot != nullptr ? options.snapshot->sequence() : last_sequence_;
  ReadContext ctx{table_cache_.get(), tombstones_.get(), options_.statistics.get(),
                  options_.prefix_length};
  return PointLookup(ctx, *sv_, options, key, seq, value);
}

std::unique_ptr<Iterator> DBReadOnly::NewIterator(const ReadOptions& options) {
  return NewPrefixIterator(options, std::string_view());
}

std::unique_ptr<Iterator> DBReadOnly::NewPrefixIterator(const ReadOptions& options,
                                                        std::string_view prefix) {
  Status open = CheckOpen();
  if (!open.ok()) return NewDBIterator(NewEmptyInternalIterator(open), DBIterOptions());
  const InternalIteratorSpec spec = IteratorSpecFor(
      options, prefix.empty() ? std::nullopt : std::optional<std::string_view>(prefix),
      options_.prefix_length);
  ReadContext ctx{table_cache_.get(), tombstones_.get(), options_.statistics.get(),
                  options_.prefix_length};
  DBIterOptions dopts;
  dopts.sequence = options.snapshot != nullptr ? options.snapshot->sequence() : last_sequence_;
  dopts.lower_bound = spec.lower_bound;
  dopts.upper_bound = spec.upper_bound;
  MergedIterator merged = NewMergedIterator(ctx, *sv_, spec, &dopts.tombstones);
  dopts.merger = merged.merger;
  dopts.pinned_state = PinIteratorState(sv_, read_resources_);
  return NewDBIterator(std::move(merged.iter), std::move(dopts));
}

std::shared_ptr<const Snapshot> DBReadOnly::GetSnapshot() {
  return snapshots_->Create(last_sequence_);
}

bool DBReadOnly::GetProperty(std::string_view name, std::string* value) {
  if (closed_.load(std::memory_order_acquire)) return false;
  constexpr std::string_view kPrefix = "mmdb.";
  if (name.substr(0, kPrefix.size()) != kPrefix) return false;
  name.remove_prefix(kPrefix.size());
  const Version& v = *sv_->version;
  constexpr std::string_view kFilesAtLevel = "num-files-at-level";
  if (name.substr(0, kFilesAtLevel.size()) == kFilesAtLevel) {
    const std::string digits(name.substr(kFilesAtLevel.size()));
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    const int level = std::stoi(digits);
    if (level >= v.num_levels()) return false;
    *value = std::to_string(v.NumFiles(level));
    return true;
  }
  uint64_t mem_bytes = sv_->mem->ApproximateMemoryUsage();
  uint64_t keys = sv_->mem->num_entries();
  for (const auto& m : sv_->imm) {
    mem_bytes += m->ApproximateMemoryUsage();
    keys += m->num_entries();
  }
  uint64_t sst_bytes = 0;
  for (int i = 0; i < v.num_levels(); ++i) {
    sst_bytes += v.NumLevelBytes(i);
    for (const auto& f : v.files(i)) keys += f->num_entries;
  }
  if (name == "sstables" || name == "levelstats") {
    std::string out;
    for (int i = 0; i < v.num_levels(); ++i) {
      if (name == "levelstats") {
        out += "L" + std::to_string(i) + ": " + std::to_string(v.NumFiles(i)) + " files, " +
               std::to_string(v.NumLevelBytes(i)) + " bytes\n";
      } else {
        for (const auto& f : v.files(i)) {
          out += std::to_string(i) + " " + std::to_string(f->number) + ":" +
                 std::to_string(f->file_size) + "[" + InternalKeyDebugString(f->smallest) + " .. " +
                 InternalKeyDebugString(f->largest) + "]\n";
        }
      }
    }
    *value = out;
  } else if (name == "total-sst-files-size") {
    *value = std::to_string(sst_bytes);
  } else if (name == "estimate-num-keys") {
    *value = std::to_string(keys);
  } else if (name == "cur-size-all-mem-tables") {
    *value = std::to_string(mem_bytes);
  } else if (name == "num-immutable-mem-table") {
    *value = std::to_string(sv_->imm.size());
  } else if (name == "last-sequence") {
    *value = std::to_string(last_sequence_);
  } else if (name == "num-snapshots") {
    *value = std::to_string(snapshots_->size());
  } else if (name == "block-cache-usage") {
    *value = std::to_string(block_cache_->GetUsage());
  } else if (name == "block-cache-pinned-usage") {
    *value = std::to_string(block_cache_->GetPinnedUsage());
  } else if (name == "compaction-pending" || name == "background-errors") {
    *value = "0";  // no background work in a read-only DB
  } else if (name == "stats") {
    *value = "** DB Stats (read-only) **\nLast sequence: " + std::to_string(last_sequence_) +
             "\nWALs replayed: " + std::to_string(wals_replayed_) +
             "\nMemtables: " + std::to_string(sv_->imm.size() + 1) + ", " +
             std::to_string(mem_bytes) + " bytes\n** Levels **\n" + v.LevelSummary() + "\n";
  } else {
    return false;
  }
  return true;
}

Status DBReadOnly::Close() {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return Status::OK();
  // The table cache stays until the destructor: iterators still alive may
  // open files through it.
  return Status::OK();
}

}  // namespace mmdb
