// CompactionOutputs: output files of one compaction slice, with the cut rules
// and range-tombstone interleaving described in compaction_output.h.
#include "compaction/compaction_output.h"

#include <algorithm>
#include <utility>

#include "manifest/filename.h"
#include "util/invariant.h"

namespace mmdb {

CompactionOutputs::CompactionOutputs(CompactionOutputOptions options,
                                     std::vector<RangeTombstone> tombstones)
    : options_(std::move(options)) {
  for (const RangeTombstone& t : tombstones) AddPending(t.begin, t.end, t.sequence);
}

CompactionOutputs::~CompactionOutputs() {
  if (builder_ != nullptr) builder_->Abandon();
  if (file_ != nullptr) (void)file_->Close();  // only on the error path; RemoveAll deletes it
}

void CompactionOutputs::AddPending(std::string_view begin, std::string_view end,
                                   SequenceNumber seq) {
  if (CompareUserKey(begin, end) >= 0) return;
  std::string key = MakeInternalKey(begin, seq, ValueType::kRangeDeletion);
  auto [it, inserted] = pending_.try_emplace(std::move(key), end);
  // The same (begin, seq) twice: pieces of one DeleteRange; keep their union.
  if (!inserted && CompareUserKey(it->second, end) < 0) it->second.assign(end);
}

Status CompactionOutputs::AddTombstone(const std::string& begin_key, std::string_view end) {
  MMDB_RETURN_IF_ERROR(builder_->Add(begin_key, end));
  open_.push_back(RangeTombstone{std::string(ExtractUserKey(begin_key)), std::string(end),
                                 ExtractSequence(begin_key)});
  return Status::OK();
}

Status CompactionOutputs::AddTombstonesBefore(std::string_view internal_key) {
  while (!pending_.empty() && CompareInternalKey(pending_.begin()->first, internal_key) < 0) {
    auto node = pending_.extract(pending_.begin());
    MMDB_RETURN_IF_ERROR(AddTombstone(node.key(), node.mapped()));
  }
  return Status::OK();
}

Status CompactionOutputs::Add(std::string_view internal_key, std::string_view value) {
  const std::string_view user_key = ExtractUserKey(internal_key);
  const bool new_user_key = !file_has_points_ || CompareUserKey(user_key, last_user_key_) != 0;
  MMDB_INVARIANT(!file_has_points_ || CompareUserKey(user_key, last_user_key_) >= 0);
  if (builder_ != nullptr && file_has_points_ && new_user_key) {
    // Both checks run (the grandparent count must see every key).
    const bool gp_exceeded = GrandparentOverlapExceeded(user_key);
    if (gp_exceeded || builder_->EstimatedFileSize() >= options_.max_output_file_size) {
      MMDB_RETURN_IF_ERROR(CutBefore(user_key));
    }
  }
  if (builder_ == nullptr) MMDB_RETURN_IF_ERROR(OpenFile());
  if (!file_has_points_) {
    ResetGrandparents(user_key);
    (void)GrandparentOverlapExceeded(user_key);  // counts the files holding the first key
  }
  MMDB_RETURN_IF_ERROR(AddTombstonesBefore(internal_key));
  MMDB_RETURN_IF_ERROR(builder_->Add(internal_key, value));
  if (new_user_key) last_user_key_.assign(user_key);
  file_has_points_ = true;
  // Forget written tombstones that end at or before the current key: they
  // cannot need re-opening at a later cut.
  if (open_.size() >= 64) {
    std::erase_if(
        open_, [&](const RangeTombstone& t) { return CompareUserKey(t.end, last_user_key_) <= 0; });
  }
  return Status::OK();
}

Status CompactionOutputs::CutBefore(std::string_view u) {
  const std::string cut(u);  // `u` may point into the input iterator's buffers
  // Tombstones beginning before the cut belong to this file, ending at the cut.
  while (!pending_.empty() && CompareUserKey(ExtractUserKey(pending_.begin()->first), cut) < 0) {
    auto node = pending_.extract(pending_.begin());
    const std::string& end = node.mapped();
    const bool crosses = !options_.keep_tombstones_whole && CompareUserKey(end, cut) > 0;
    MMDB_RETURN_IF_ERROR(AddTombstone(node.key(), crosses ? std::string_view(cut) : end));
    if (crosses) AddPending(cut, end, ExtractSequence(node.key()));
  }
  // Tombstones already written that reach past the cut continue in the next
  // file (unless they stay whole in this one).
  if (!options_.keep_tombstones_whole) {
    for (const RangeTombstone& t : open_) {
      if (CompareUserKey(t.end, cut) > 0) AddPending(cut, t.end, t.sequence);
    }
  }
  open_.clear();
  return FinishFile();
}

Status CompactionOutputs::Finish() {
  MMDB_INVARIANT(!finished_);
  finished_ = true;
  if (builder_ == nullptr && !pending_.empty()) MMDB_RETURN_IF_ERROR(OpenFile());
  // The last file's span is open-ended: every remaining tombstone goes there.
  while (!pending_.empty()) {
    auto node = pending_.extract(pending_.begin());
    MMDB_RETURN_IF_ERROR(AddTombstone(node.key(), node.mapped()));
  }
  open_.clear();
  if (builder_ == nullptr) return Status::OK();
  return FinishFile();
}

Status CompactionOutputs::OpenFile() {
  file_number_ = (*options_.new_file_number)();
  created_.push_back(file_number_);
  std::unique_ptr<WritableFile> file;
  MMDB_RETURN_IF_ERROR(
      options_.env->NewWritableFile(TableFileName(options_.dbname, file_number_), &file));
  file_ = NewRateLimitedFile(std::move(file), options_.rate_limiter);
  builder_ = std::make_unique<TableBuilder>(options_.table_options, file_.get());
  file_has_points_ = false;
  return Status::OK();
}

Status CompactionOutputs::FinishFile() {
  std::unique_ptr<TableBuilder> builder = std::move(builder_);
  std::unique_ptr<WritableFile> file = std::move(file_);
  file_has_points_ = false;
  TableBuildResult built;
  MMDB_RETURN_IF_ERROR(FinishOrAbandon(builder.get(), Status::OK(), file.get(), &built));
  FileMetaData meta = FileMetaDataFromTable(file_number_, built);
  MMDB_INVARIANT(outputs_.empty() || CompareUserKey(ExtractUserKey(outputs_.back().largest),
                                                    ExtractUserKey(meta.smallest)) < 0);
  bytes_written_ += meta.file_size;
  outputs_.push_back(std::move(meta));
  return Status::OK();
}

void CompactionOutputs::RemoveAll() {
  if (builder_ != nullptr) builder_->Abandon();
  builder_.reset();
  if (file_ != nullptr) (void)file_->Close();  // being removed anyway
  file_.reset();
  for (uint64_t n : created_) {
    (void)options_.env->RemoveFile(TableFileName(options_.dbname, n));  // best effort
  }
  created_.clear();
  outputs_.clear();
  bytes_written_ = 0;
}

void CompactionOutputs::ResetGrandparents(std::string_view u) {
  const auto* gps = options_.grandparents;
  gp_overlap_bytes_ = 0;
  gp_files_ = 0;
  if (gps == nullptr) return;
  while (gp_low_ < gps->size() && CompareUserKey(ExtractUserKey((*gps)[gp_low_]->largest), u) < 0) {
    ++gp_low_;
  }
  gp_index_ = gp_low_;
}

bool CompactionOutputs::GrandparentOverlapExceeded(std::string_view u) {
  const auto* gps = options_.grandparents;
  if (gps == nullptr) return false;
  while (gp_index_ < gps->size() &&
         CompareUserKey(ExtractUserKey((*gps)[gp_index_]->smallest), u) <= 0) {
    gp_overlap_bytes_ += (*gps)[gp_index_]->file_size;
    ++gp_files_;
    ++gp_index_;
  }
  // One grandparent file alone never forces a cut (it could exceed the limit
  // by itself, and cutting would then make one file per key).
  return gp_files_ > 1 && gp_overlap_bytes_ > options_.max_grandparent_overlap_bytes;
}

}  // namespace mmdb
