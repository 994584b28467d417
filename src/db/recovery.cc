#include "db/recovery.h"

#include "manifest/filename.h"
#include "memtable/memtable.h"
#include "memtable/memtable_inserter.h"
#include "sst/table_cache.h"
#include "types/write_batch_internal.h"
#include "util/result.h"
#include "wal/reader.h"
#include "wal/record_scan.h"

namespace mmdb {

void FillRangeDelEnd(TableCache* tables, FileMetaData* f) {
  if (!f->has_range_deletions || !f->range_del_end.empty()) return;
  auto table = tables->Get(f->number, f->file_size);
  if (!table.ok()) return;  // unknown reach (see the header)
  for (const RangeTombstone& t : (*table)->range_tombstones()) {
    if (CompareUserKey(t.end, f->range_del_end) > 0) f->range_del_end = t.end;
  }
}

namespace {

// Adds the bytes a reader drops (a torn tail, or damage and all after it).
class DroppedBytes : public wal::Reader::Reporter {
 public:
  explicit DroppedBytes(uint64_t* total) : total_(total) {}
  void Corruption(size_t bytes, const Status&) override { *total_ += bytes; }

 private:
  uint64_t* const total_;
};

// Whole records of WAL `path` from file offset `from` on (see
// wal::CountIntactRecords); 0 when the file cannot be read.
uint64_t CountIntactRecordsFrom(Env* env, const std::string& path, uint64_t from) {
  std::string contents;
  if (!ReadFileToString(env, path, &contents).ok()) return 0;
  return wal::CountIntactRecords(contents, from);
}

}  // namespace

WalRecovery::WalRecovery(Env* env, std::string dbname, const Options& options)
    : env_(env), dbname_(std::move(dbname)), options_(options) {}

Status WalRecovery::Replay(const std::vector<uint64_t>& wal_numbers,
                           std::vector<RecoveredMemTable>* memtables,
                           SequenceNumber* max_sequence) {
  uint64_t torn_wal = 0;  // the WAL that ended in a torn tail, if any
  for (uint64_t number : wal_numbers) {
    if (stopped_at_damage_) {
      // Everything after damage is dropped, later WALs included: replaying
      // them without what the damage hid would reorder history.
      const std::string path = WalFileName(dbname_, number);
      stats_.skipped_corrupt += CountIntactRecordsFrom(env_, path, 0);
      uint64_t size = 0;
      if (env_->GetFileSize(path, &size).ok()) stats_.dropped_bytes += size;
      continue;
    }
    bool had_records = false;
    bool torn = false;
    mem_ = std::make_shared<MemTable>();
    Status s = ReplayOne(number, &had_records, &torn, max_sequence);
    if (!mem_->empty()) {
      memtables->push_back({std::move(mem_), number});
      ++stats_.memtables_recovered;
    }
    mem_.reset();
    MMDB_RETURN_IF_ERROR(s);
    if (had_records && torn_wal != 0) {
      return Status::Corruption(WalFileName(dbname_, torn_wal) +
                                ": damaged tail in a WAL that is not the newest");
    }
    if (torn) torn_wal = number;
    ++stats_.wals_replayed;
  }
  return Status::OK();
}

Status WalRecovery::ReplayOne(uint64_t number, bool* had_records, bool* torn,
                              SequenceNumber* max_sequence) {
  const std::string path = WalFileName(dbname_, number);
  std::unique_ptr<SequentialFile> file;
  MMDB_RETURN_IF_ERROR(env_->NewSequentialFile(path, &file));
  DroppedBytes dropped(&stats_.dropped_bytes);
  wal::Reader reader(std::move(file), &dropped, /*verify_checksums=*/true);
  std::string scratch;
  std::string_view record;
  WriteBatch batch;
  while (reader.ReadRecord(&record, &scratch)) {
    Status s;
    if (record.size() < WriteBatchInternal::kHeaderSize) {
      s = Status::Corruption("record shorter than a batch header");
    } else {
      WriteBatchInternal::SetContents(&batch, record);
      s = InsertBatchInto(batch, mem_.get());
    }
    if (!s.ok()) {
      s = s.WithContext(path + " record ending at offset " +
                        std::to_string(reader.last_record_end_offset()));
      if (options_.paranoid_checks) return s;
      // Stop here (see Replay); count the bad record and what follows it.
      const uint64_t bad_end = reader.last_record_end_offset();
      const uint64_t bytes_before = stats_.dropped_bytes + record.size();
      uint64_t dropped = 1;
      while (reader.ReadRecord(&record, &scratch)) ++dropped;
      if (reader.end_state() == wal::Reader::EndState::kCorruption) {
        dropped += CountIntactRecordsFrom(env_, path, reader.bad_offset());
      }
      stats_.skipped_corrupt += dropped;
      uint64_t size = 0;
      (void)env_->GetFileSize(path, &size);  // 0 if unknown
      // Set, not added: the reader may have reported part of this already.
      stats_.dropped_bytes = bytes_before + (size > bad_end ? size - bad_end : 0);
      stopped_at_damage_ = true;
      return Status::OK();
    }
    *had_records = true;
    ++stats_.records;
    if (WriteBatchInternal::Count(batch) > 0) {
      stats_.first_sequence = std::min(stats_.first_sequence, WriteBatchInternal::Sequence(batch));
    }
    const SequenceNumber last =
        WriteBatchInternal::Sequence(batch) + WriteBatchInternal::Count(batch);
    if (WriteBatchInternal::Count(batch) > 0 && last - 1 > *max_sequence) *max_sequence = last - 1;
  }
  switch (reader.end_state()) {
    case wal::Reader::EndState::kEof:
      return Status::OK();
    case wal::Reader::EndState::kTornTail:
      *torn = true;
      stats_.torn_tail_offset = reader.bad_offset();
      return Status::OK();
    case wal::Reader::EndState::kIOError:
      return reader.status().WithContext(path);
    case wal::Reader::EndState::kCorruption:
    default:
      if (options_.paranoid_checks) return reader.status().WithContext(path);
      // Replaying past the damage would reorder history: stop, and count
      // what that drops.
      stats_.skipped_corrupt += 1 + CountIntactRecordsFrom(env_, path, reader.bad_offset());
      stopped_at_damage_ = true;
      return Status::OK();
  }
}

}  // namespace mmdb
