// SstFileWriter (include/mmdb/sst_file_writer.h) over a TableBuilder.
//
// The builder takes entries in internal-key order, range deletions
// included, so range deletions are held back (merged by begin key) until a
// Put/Delete at or past their begin key arrives, or Finish. At one user key
// a range deletion sorts first (its type is the largest at sequence 0).
#include <map>

#include <mmdb/env.h>
#include <mmdb/sst_file_writer.h>

#include "sst/table_builder.h"
#include "types/internal_key.h"

namespace mmdb {

struct SstFileWriter::Rep {
  explicit Rep(const Options& o) : options(o) {
    if (options.env == nullptr) options.env = Env::Default();
    topts.block_size = o.block_size;
    topts.block_restart_interval = o.block_restart_interval;
    topts.bloom_bits_per_key = o.bloom_bits_per_key;
    topts.prefix_length = o.prefix_length;
    topts.compression = o.compression;
  }

  Status CheckOpen() const {
    if (builder == nullptr) return Status::InvalidArgument("SstFileWriter: no file is open");
    return Status::OK();
  }

  // Adds the held-back range deletions with begin <= `upto` (all when null).
  Status EmitRangeDeletions(const std::string* upto) {
    auto it = pending.begin();
    for (; it != pending.end() && (upto == nullptr || it->first <= *upto); ++it) {
      MMDB_RETURN_IF_ERROR(
          builder->Add(MakeInternalKey(it->first, 0, ValueType::kRangeDeletion), it->second));
    }
    pending.erase(pending.begin(), it);
    return Status::OK();
  }

  Status AddPoint(std::string_view key, std::string_view value, ValueType type) {
    MMDB_RETURN_IF_ERROR(CheckOpen());
    if (has_point && key <= last_point) {
      return Status::InvalidArgument("SstFileWriter: key " + EscapeBytes(key) + " after " +
                                     EscapeBytes(last_point) +
                                     ": keys must be strictly increasing");
    }
    if (key.size() > kMaxUserKeySize) {
      return Status::InvalidArgument("SstFileWriter: key of " + std::to_string(key.size()) +
                                     " bytes exceeds the limit");
    }
    const std::string k(key);
    MMDB_RETURN_IF_ERROR(EmitRangeDeletions(&k));
    MMDB_RETURN_IF_ERROR(builder->Add(MakeInternalKey(key, 0, type), value));
    ++entries;
    last_point = k;
    has_point = true;
    return Status::OK();
  }

  void Abandon() {
    if (builder == nullptr) return;
    builder->Abandon();
    builder.reset();
    (void)file->Close();                  // the file is discarded
    (void)options.env->RemoveFile(path);  // best effort
    file.reset();
  }

  Options options;
  TableBuilderOptions topts;
  std::string path;
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<TableBuilder> builder;
  std::map<std::string, std::string> pending;  // held-back range deletions: begin -> end
  std::string last_point;
  bool has_point = false;
  uint64_t entries = 0;  // Puts, Deletes and distinct range deletions
  uint64_t file_size = 0;
};

SstFileWriter::SstFileWriter(const Options& options) : rep_(std::make_unique<Rep>(options)) {}

SstFileWriter::~SstFileWriter() { rep_->Abandon(); }

Status SstFileWriter::Open(const std::string& path) {
  if (rep_->builder != nullptr) {
    return Status::InvalidArgument("SstFileWriter: " + rep_->path + " is still open");
  }
  MMDB_RETURN_IF_ERROR(rep_->options.env->NewWritableFile(path, &rep_->file));
  rep_->path = path;
  rep_->builder = std::make_unique<TableBuilder>(rep_->topts, rep_->file.get());
  rep_->pending.clear();
  rep_->last_point.clear();
  rep_->has_point = false;
  rep_->entries = 0;
  rep_->file_size = 0;
  return Status::OK();
}

Status SstFileWriter::Put(std::string_view key, std::string_view value) {
  return rep_->AddPoint(key, value, ValueType::kValue);
}

Status SstFileWriter::Delete(std::string_view key) {
  return rep_->AddPoint(key, {}, ValueType::kDeletion);
}

Status SstFileWriter::DeleteRange(std::string_view begin, std::string_view end) {
  MMDB_RETURN_IF_ERROR(rep_->CheckOpen());
  if (begin > end) {
    return Status::InvalidArgument("SstFileWriter: range [" + EscapeBytes(begin) + ", " +
                                   EscapeBytes(end) + ") is inverted");
  }
  if (begin == end) return Status::OK();
  if (rep_->has_point && begin <= rep_->last_point) {
    return Status::InvalidArgument("SstFileWriter: range deletion begin " + EscapeBytes(begin) +
                                   " is not after the last key " + EscapeBytes(rep_->last_point));
  }
  if (begin.size() > kMaxUserKeySize || end.size() > kMaxUserKeySize) {
    return Status::InvalidArgument("SstFileWriter: range bound exceeds the key size limit");
  }
  std::string& held = rep_->pending[std::string(begin)];
  if (held.empty()) {
    ++rep_->entries;
    held = end;
  } else if (end > held) {
    held = end;  // same begin: one tombstone covering both
  }
  return Status::OK();
}

Status SstFileWriter::Finish() {
  MMDB_RETURN_IF_ERROR(rep_->CheckOpen());
  Status s = rep_->EmitRangeDeletions(nullptr);
  if (s.ok() && rep_->builder->NumEntries() == 0) {
    s = Status::InvalidArgument("SstFileWriter: no entries in " + rep_->path);
  }
  if (!s.ok()) {
    rep_->Abandon();
    return s;
  }
  Result<TableBuildResult> r = rep_->builder->Finish();
  rep_->builder.reset();
  s = r.ok() ? rep_->file->Close() : r.status();
  if (!s.ok()) {
    (void)rep_->file->Close();  // already failed; the file is removed
    (void)rep_->options.env->RemoveFile(rep_->path);
    rep_->file.reset();
    return s;
  }
  rep_->file.reset();
  rep_->file_size = r->file_size;
  return Status::OK();
}

uint64_t SstFileWriter::NumEntries() const { return rep_->entries; }

uint64_t SstFileWriter::FileSize() const { return rep_->file_size; }

}  // namespace mmdb
