// RepairDB: rebuilds a DB's MANIFEST from the tables and WALs that survive.
//
// The way back for a directory whose MANIFEST or CURRENT is lost or damaged
// (an Open refuses such a directory, db/directory_audit.h). Steps:
//   1. Each WAL is replayed into new tables (replay stops at damage, as an
//      Open with paranoid_checks off would, and counts what it drops).
//   2. Every table is read whole (every block checksummed, every key
//      parsed); its key range, largest sequence and range tombstones give
//      its metadata. An unreadable table is moved to lost/.
//   3. The tables are renumbered in order of their largest sequence, so that
//      L0's newest-first order (by file number) follows their data, and all
//      are listed at L0 in a new MANIFEST (with a fresh, empty WAL as its
//      log number), which CURRENT then names. Old MANIFESTs and the
//      replayed WALs go to lost/: nothing is deleted.
//   4. The DB is opened and compacted whole: compaction merges by sequence
//      number, so versions and tombstones end up in LSM order again.
// Like LevelDB's repair this is best effort: what no surviving file holds
// cannot come back, and edits lost with the MANIFEST (deletions of whole
// files) may bring back data that a compaction had already dropped.
#include <algorithm>

#include <mmdb/db.h>

#include "db/directory_audit.h"
#include "db/flush_job.h"
#include "db/recovery.h"
#include "manifest/filename.h"
#include "manifest/version_set.h"
#include "memtable/memtable.h"
#include "sst/table_reader.h"
#include "types/internal_key.h"

namespace mmdb {

namespace {

struct RepairedTable {
  FileMetaData meta;
  SequenceNumber largest_sequence = 0;
};

// Reads table `number` whole and fills its metadata.
Status ScanTable(Env* env, const std::string& dbname, uint64_t number, RepairedTable* out) {
  FileMetaData& meta = out->meta;
  meta.number = number;
  auto widen = [&meta](std::string_view internal_key) {
    if (meta.smallest.empty() || CompareInternalKey(internal_key, meta.smallest) < 0) {
      meta.smallest = internal_key;
    }
    if (meta.largest.empty() || CompareInternalKey(internal_key, meta.largest) > 0) {
      meta.largest = internal_key;
    }
  };
  auto on_tombstone = [&](const RangeTombstone& t) {
    meta.has_range_deletions = true;
    if (meta.range_del_end.empty() || CompareUserKey(t.end, meta.range_del_end) > 0) {
      meta.range_del_end = t.end;
    }
    out->largest_sequence = std::max(out->largest_sequence, t.sequence);
    widen(MakeInternalKey(t.begin, t.sequence, ValueType::kRangeDeletion));
  };
  auto on_entry = [&](std::string_view internal_key, const ParsedInternalKey& parsed) {
    out->largest_sequence = std::max(out->largest_sequence, parsed.sequence);
    ++meta.num_entries;
    if (parsed.type == ValueType::kDeletion) ++meta.num_deletions;
    widen(internal_key);
    return true;
  };
  MMDB_RETURN_IF_ERROR(
      ReadWholeTable(env, dbname, number, on_tombstone, on_entry, &meta.file_size));
  if (meta.smallest.empty()) {
    return Status::Corruption(TableFileName(dbname, number) + ": holds no entry");
  }
  return Status::OK();
}

class Repairer {
 public:
  Repairer(const std::string& dbname, const Options& options, RepairSummary* summary)
      : dbname_(dbname),
        options_(options),
        env_(options.env != nullptr ? options.env : Env::Default()),
        summary_(summary) {
    options_.env = env_;
    options_.paranoid_checks = false;  // replay keeps what precedes damage
  }

  Status Run() {
    {
      std::unique_ptr<FileLock> lock;
      MMDB_RETURN_IF_ERROR(env_->LockFile(LockFileName(dbname_), &lock));
      MMDB_RETURN_IF_ERROR(Rebuild());
    }
    // Compaction puts every version and tombstone back in LSM order.
    std::unique_ptr<DB> db;
    MMDB_RETURN_IF_ERROR(DB::Open(options_, dbname_, &db).WithContext("reopening after repair"));
    MMDB_RETURN_IF_ERROR(db->CompactRange(std::nullopt, std::nullopt));
    return db->Close();
  }

 private:
  Status Rebuild() {
    DirectoryListing listing;
    MMDB_RETURN_IF_ERROR(DirectoryListing::Read(env_.get(), dbname_, &listing));
    VersionSet numbers(dbname_, env_.get(), options_.num_levels);  // a file number source
    for (uint64_t n : listing.tables) numbers.MarkFileNumberUsed(n);
    for (uint64_t n : listing.wals) numbers.MarkFileNumberUsed(n);
    for (uint64_t n : listing.manifests) numbers.MarkFileNumberUsed(n);

    // 1. WALs into tables.
    std::vector<uint64_t> tables = listing.tables;
    for (uint64_t wal : listing.wals) {
      std::vector<RecoveredMemTable> memtables;
      SequenceNumber unused = 0;
      WalRecovery recovery(env_.get(), dbname_, options_);
      MMDB_RETURN_IF_ERROR(recovery.Replay({wal}, &memtables, &unused));
      for (const RecoveredMemTable& r : memtables) {
        FileMetaData meta;
        const uint64_t number = numbers.NewFileNumber();
        auto points = r.mem->NewIterator();
        auto tombstones = r.mem->NewRangeTombstoneIterator();
        MMDB_RETURN_IF_ERROR(BuildTable(env_.get(), dbname_, TableOptionsForLevel(options_, 0),
                                        number, points.get(), tombstones.get(),
                                        /*rate_limiter=*/nullptr, &meta));
        if (meta.file_size > 0) tables.push_back(number);
      }
      summary_->wals_converted += 1;
      summary_->records_recovered += recovery.stats().records;
      summary_->records_dropped += recovery.stats().skipped_corrupt;
    }

    // 2. Every table read whole; unreadable ones set aside.
    std::vector<RepairedTable> kept;
    for (uint64_t number : tables) {
      RepairedTable t;
      if (ScanTable(env_.get(), dbname_, number, &t).ok()) {
        kept.push_back(std::move(t));
      } else {
        MMDB_RETURN_IF_ERROR(MoveTableToLost(env_.get(), dbname_, number));
        ++summary_->files_moved_to_lost;
      }
    }

    // 3. Renumbered oldest data first, so L0's number order is data order.
    std::stable_sort(kept.begin(), kept.end(), [](const RepairedTable& a, const RepairedTable& b) {
      return a.largest_sequence < b.largest_sequence;
    });
    VersionEdit snapshot;
    SequenceNumber last_sequence = 0;
    for (RepairedTable& t : kept) {
      const uint64_t number = numbers.NewFileNumber();
      MMDB_RETURN_IF_ERROR(
          env_->RenameFile(TableFileName(dbname_, t.meta.number), TableFileName(dbname_, number)));
      t.meta.number = number;
      snapshot.AddFile(0, t.meta);
      last_sequence = std::max(last_sequence, t.largest_sequence);
    }
    summary_->tables_kept = kept.size();
    const uint64_t log_number = numbers.NewFileNumber();
    std::unique_ptr<WritableFile> wal;
    MMDB_RETURN_IF_ERROR(env_->NewWritableFile(WalFileName(dbname_, log_number), &wal));
    MMDB_RETURN_IF_ERROR(wal->Sync());
    MMDB_RETURN_IF_ERROR(wal->Close());
    MMDB_RETURN_IF_ERROR(env_->SyncDir(dbname_));
    const uint64_t manifest_number = numbers.NewFileNumber();
    snapshot.SetLogNumber(log_number);
    snapshot.SetNextFileNumber(manifest_number + 1);
    snapshot.SetLastSequence(last_sequence);
    VersionSet repaired(dbname_, env_.get(), options_.num_levels);
    MMDB_RETURN_IF_ERROR(repaired.WriteRepairedState(manifest_number, snapshot));

    // What the new MANIFEST supersedes goes to lost/.
    for (uint64_t n : listing.manifests) {
      MMDB_RETURN_IF_ERROR(MoveToLost(env_.get(), dbname_, "MANIFEST-" + FormatFileNumber(n)));
      ++summary_->files_moved_to_lost;
    }
    for (uint64_t n : listing.wals) {
      MMDB_RETURN_IF_ERROR(MoveToLost(env_.get(), dbname_, FormatFileNumber(n) + ".wal"));
      ++summary_->files_moved_to_lost;
    }
    return Status::OK();
  }

  const std::string dbname_;
  Options options_;
  const std::shared_ptr<Env> env_;
  RepairSummary* const summary_;
};

}  // namespace

Status RepairDB(const std::string& path, const Options& options, RepairSummary* summary) {
  MMDB_RETURN_IF_ERROR(options.Validate());
  RepairSummary ignored;
  *(summary != nullptr ? summary : &ignored) = RepairSummary();
  return Repairer(path, options, summary != nullptr ? summary : &ignored).Run();
}

}  // namespace mmdb
