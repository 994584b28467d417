#include "db/external_file_ingest.h"

#include <algorithm>

#include "manifest/filename.h"
#include "types/internal_key.h"
#include "util/result.h"

namespace mmdb {

namespace {

bool RangesOverlap(std::string_view lo1, std::string_view hi1, std::string_view lo2,
                   std::string_view hi2) {
  return !(hi1 < lo2 || hi2 < lo1);
}

}  // namespace

ExternalFileIngest::ExternalFileIngest(Env* env, std::string dbname)
    : env_(env), dbname_(std::move(dbname)) {}

Status ExternalFileIngest::Open(const std::string& path, Input* in) const {
  in->path = path;
  uint64_t size = 0;
  Status s = env_->GetFileSize(path, &size);
  if (s.IsNotFound()) return Status::InvalidArgument(path + ": no such file");
  MMDB_RETURN_IF_ERROR(s);
  std::unique_ptr<RandomAccessFile> file;
  MMDB_RETURN_IF_ERROR(env_->NewRandomAccessFile(path, &file));
  TableReaderOptions topts;
  topts.verify_checksums = true;
  Result<std::shared_ptr<TableReader>> table =
      TableReader::Open(topts, std::move(file), size, /*file_number=*/0);
  if (!table.ok()) {
    return Status::InvalidArgument(path + ": not a valid SST: " + table.status().ToString());
  }
  in->table = std::move(table).value();

  // Every point entry once: checks each block and that user keys never repeat.
  bool any = false;
  std::string last;
  auto it = in->table->NewIterator(/*fill_cache=*/false, /*verify_checksums=*/true);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view user_key = ExtractUserKey(it->key());
    if (any && user_key <= last) {
      return Status::InvalidArgument(path + ": user key " + EscapeBytes(user_key) +
                                     " repeats or is out of order");
    }
    if (!any) in->smallest.assign(user_key);
    last.assign(user_key);
    any = true;
  }
  if (!it->status().ok()) {
    return Status::InvalidArgument(path + ": " + it->status().ToString());
  }
  in->largest = last;
  const auto& tombstones = in->table->range_tombstones();
  for (size_t i = 0; i < tombstones.size(); ++i) {
    const RangeTombstone& t = tombstones[i];
    if (i > 0 && t.begin == tombstones[i - 1].begin) {
      return Status::InvalidArgument(path + ": two range deletions begin at " +
                                     EscapeBytes(t.begin));
    }
    if (!any || t.begin < in->smallest) in->smallest = t.begin;
    if (!any || t.end > in->largest) in->largest = t.end;
    any = true;
  }
  if (!any) return Status::InvalidArgument(path + ": no entries");
  return Status::OK();
}

Status ExternalFileIngest::Prepare(const std::vector<std::string>& paths) {
  inputs_.clear();
  inputs_.resize(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) MMDB_RETURN_IF_ERROR(Open(paths[i], &inputs_[i]));
  std::sort(inputs_.begin(), inputs_.end(),
            [](const Input& a, const Input& b) { return a.smallest < b.smallest; });
  for (size_t i = 1; i < inputs_.size(); ++i) {
    if (RangesOverlap(inputs_[i - 1].smallest, inputs_[i - 1].largest, inputs_[i].smallest,
                      inputs_[i].largest)) {
      return Status::InvalidArgument(inputs_[i - 1].path + " and " + inputs_[i].path + " overlap");
    }
  }
  return Status::OK();
}

bool ExternalFileIngest::OverlapsMemTable(const MemTable& mem) const {
  if (mem.empty()) return false;
  auto points = mem.NewIterator();
  auto tombstones = mem.NewRangeTombstoneIterator();
  for (const Input& in : inputs_) {
    points->Seek(MakeInternalKey(in.smallest, kMaxSequenceNumber, kValueTypeForSeek));
    if (points->Valid() && ExtractUserKey(points->key()) <= in.largest) return true;
    if (tombstones == nullptr) continue;
    for (tombstones->SeekToFirst(); tombstones->Valid(); tombstones->Next()) {
      const std::string_view begin = ExtractUserKey(tombstones->key());
      if (RangesOverlap(begin, tombstones->value(), in.smallest, in.largest)) return true;
    }
  }
  return false;
}

Status ExternalFileIngest::Rewrite(size_t i, uint64_t file_number, SequenceNumber seq,
                                   const TableBuilderOptions& options, FileMetaData* meta) const {
  const Input& in = inputs_[i];
  const std::string path = TableFileName(dbname_, file_number);
  std::unique_ptr<WritableFile> file;
  MMDB_RETURN_IF_ERROR(env_->NewWritableFile(path, &file));
  TableBuilder builder(options, file.get());
  // Both streams in internal-key order; at one user key the range deletion
  // (the larger type) comes first, as in the input.
  const auto& tombstones = in.table->range_tombstones();
  size_t t = 0;
  auto it = in.table->NewIterator(/*fill_cache=*/false, /*verify_checksums=*/true);
  Status s;
  std::string key;
  std::string range_del_end;
  for (it->SeekToFirst(); s.ok() && (it->Valid() || t < tombstones.size());) {
    key.clear();
    if (t < tombstones.size() &&
        (!it->Valid() || tombstones[t].begin <= ExtractUserKey(it->key()))) {
      AppendInternalKey(&key, tombstones[t].begin, seq, ValueType::kRangeDeletion);
      s = builder.Add(key, tombstones[t].end);
      if (tombstones[t].end > range_del_end) range_del_end = tombstones[t].end;
      ++t;
    } else {
      AppendInternalKey(&key, ExtractUserKey(it->key()), seq, ExtractValueType(it->key()));
      s = builder.Add(key, it->value());
      it->Next();
    }
  }
  if (s.ok()) s = it->status();
  TableBuildResult result;
  s = FinishOrAbandon(&builder, s, file.get(), &result);
  if (!s.ok()) {
    (void)env_->RemoveFile(path);  // the error above is what matters
    return s.WithContext("ingesting " + in.path);
  }
  *meta = FileMetaDataFromTable(file_number, result);
  meta->range_del_end = range_del_end;
  return Status::OK();
}

int PickIngestLevel(const Version& v, std::string_view smallest, std::string_view largest) {
  auto overlaps = [&](const FileMetaData& f) {
    return RangesOverlap(ExtractUserKey(f.smallest), EffectiveLargestUserKey(f), smallest, largest);
  };
  for (const auto& f : v.files(0)) {
    if (overlaps(*f)) return 0;
  }
  int target = 0;
  for (int level = 1; level < v.num_levels(); ++level) {
    // A running compaction reads inputs at level-1 and/or level and may
    // write outputs anywhere within the hull of its inputs.
    std::string hull_lo, hull_hi;
    bool busy = false;
    for (int l = level - 1; l <= level; ++l) {
      for (const auto& f : v.files(l)) {
        if (l == level && overlaps(*f)) return target;
        if (!f->being_compacted) continue;
        const std::string_view lo = ExtractUserKey(f->smallest);
        const std::string_view hi = EffectiveLargestUserKey(*f);
        if (!busy || lo < hull_lo) hull_lo = lo;
        if (!busy || hi > hull_hi) hull_hi = hi;
        busy = true;
      }
    }
    if (busy && RangesOverlap(hull_lo, hull_hi, smallest, largest)) return target;
    target = level;
  }
  return target;
}

}  // namespace mmdb
