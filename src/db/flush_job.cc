#include "db/flush_job.h"

#include "manifest/filename.h"
#include "types/internal_key.h"

namespace mmdb {

namespace {

// Feeds the builder from both sorted streams, in internal-key order.
Status AddAll(TableBuilder* builder, InternalIterator* points, InternalIterator* tombstones) {
  points->SeekToFirst();
  if (tombstones != nullptr) tombstones->SeekToFirst();
  while (true) {
    const bool p = points->Valid();
    const bool t = tombstones != nullptr && tombstones->Valid();
    if (!p && !t) break;
    InternalIterator* next = points;
    if (!p || (t && CompareInternalKey(tombstones->key(), points->key()) < 0)) next = tombstones;
    MMDB_RETURN_IF_ERROR(builder->Add(next->key(), next->value()));
    next->Next();
  }
  MMDB_RETURN_IF_ERROR(points->status());
  if (tombstones != nullptr) MMDB_RETURN_IF_ERROR(tombstones->status());
  return Status::OK();
}

}  // namespace

TableBuilderOptions TableOptionsForLevel(const Options& o, int level) {
  TableBuilderOptions t;
  t.block_size = o.block_size;
  t.block_restart_interval = o.block_restart_interval;
  t.bloom_bits_per_key = o.bloom_bits_per_key;
  t.prefix_length = o.prefix_length;
  t.compression = o.CompressionForLevel(level);
  return t;
}

Status BuildTable(Env* env, const std::string& dbname, const TableBuilderOptions& options,
                  uint64_t file_number, InternalIterator* points, InternalIterator* tombstones,
                  RateLimiter* rate_limiter, FileMetaData* meta) {
  const std::string path = TableFileName(dbname, file_number);
  meta->number = file_number;
  meta->file_size = 0;
  std::unique_ptr<WritableFile> file;
  MMDB_RETURN_IF_ERROR(env->NewWritableFile(path, &file));
  file = NewRateLimitedFile(std::move(file), rate_limiter);
  TableBuilder builder(options, file.get());
  Status s = AddAll(&builder, points, tombstones);
  if (s.ok() && builder.NumEntries() == 0) {
    builder.Abandon();
    (void)file->Close();  // an empty table is discarded anyway
    (void)env->RemoveFile(path);
    return Status::OK();
  }
  TableBuildResult result;
  s = FinishOrAbandon(&builder, s, file.get(), &result);
  if (!s.ok()) {
    (void)env->RemoveFile(path);  // the error above is what matters
    return s;
  }
  *meta = FileMetaDataFromTable(file_number, result);
  return Status::OK();
}

}  // namespace mmdb
