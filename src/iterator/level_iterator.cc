#include "iterator/level_iterator.h"

#include <algorithm>

#include "types/internal_key.h"

namespace mmdb {

namespace {

class LevelIterator final : public InternalIterator {
 public:
  LevelIterator(TableCache* cache, std::span<const std::shared_ptr<FileMetaData>> files,
                LevelIteratorOptions opts)
      : cache_(cache), files_(files), opts_(std::move(opts)) {}

  bool Valid() const override { return file_iter_ != nullptr && file_iter_->Valid(); }
  std::string_view key() const override { return file_iter_->key(); }
  std::string_view value() const override { return file_iter_->value(); }
  Status status() const override {
    if (!status_.ok()) return status_;
    return file_iter_ != nullptr ? file_iter_->status() : Status::OK();
  }

  void SeekToFirst() override {
    status_ = Status::OK();
    if (!OpenFile(0)) return;
    if (file_iter_ != nullptr) file_iter_->SeekToFirst();
    SkipEmptyForward();
  }

  void SeekToLast() override {
    status_ = Status::OK();
    if (!OpenFile(files_.size() - 1)) return;
    if (file_iter_ != nullptr) file_iter_->SeekToLast();
    SkipEmptyBackward();
  }

  void Seek(std::string_view target) override {
    status_ = Status::OK();
    // First file whose largest key >= target.
    auto it = std::lower_bound(files_.begin(), files_.end(), target,
                               [](const std::shared_ptr<FileMetaData>& f, std::string_view t) {
                                 return CompareInternalKey(f->largest, t) < 0;
                               });
    if (!OpenFile(static_cast<size_t>(it - files_.begin()))) return;
    if (file_iter_ != nullptr) file_iter_->Seek(target);
    SkipEmptyForward();
  }

  void SeekForPrev(std::string_view target) override {
    status_ = Status::OK();
    // Last file whose smallest key <= target.
    auto it = std::upper_bound(files_.begin(), files_.end(), target,
                               [](std::string_view t, const std::shared_ptr<FileMetaData>& f) {
                                 return CompareInternalKey(t, f->smallest) < 0;
                               });
    if (it == files_.begin()) {
      CloseFile(files_.size());
      return;
    }
    if (!OpenFile(static_cast<size_t>(it - files_.begin()) - 1)) return;
    if (file_iter_ != nullptr) file_iter_->SeekForPrev(target);
    SkipEmptyBackward();
  }

  void Next() override {
    file_iter_->Next();
    SkipEmptyForward();
  }

  void Prev() override {
    file_iter_->Prev();
    SkipEmptyBackward();
  }

 private:
  bool Included(size_t i) const { return !opts_.file_filter || opts_.file_filter(*files_[i]); }

  // Positions on file i (or nothing when i is out of range or excluded).
  // Returns false after recording an open error.
  bool OpenFile(size_t i) {
    if (i >= files_.size()) {
      CloseFile(files_.size());
      return true;
    }
    if (i == file_index_ && file_iter_ != nullptr) return true;
    if (!Included(i)) {
      // An excluded file behaves as an empty one; the Skip* loops move on.
      CloseFile(i);
      file_iter_ = NewEmptyInternalIterator();
      return true;
    }
    auto table = cache_->Get(files_[i]->number, files_[i]->file_size);
    if (!table.ok()) {
      CloseFile(files_.size());
      status_ = table.status();
      return false;
    }
    table_ = std::move(table).value();
    file_iter_ = table_->NewIterator(opts_.fill_cache, opts_.verify_checksums);
    file_index_ = i;
    return true;
  }

  void CloseFile(size_t index) {
    file_iter_.reset();
    table_.reset();
    file_index_ = index;
  }

  void SkipEmptyForward() {
    while (file_iter_ != nullptr && !file_iter_->Valid()) {
      if (!file_iter_->status().ok()) return;  // keep the error visible
      if (file_index_ + 1 >= files_.size()) {
        CloseFile(files_.size());
        return;
      }
      if (!OpenFile(file_index_ + 1)) return;
      file_iter_->SeekToFirst();
    }
  }

  void SkipEmptyBackward() {
    while (file_iter_ != nullptr && !file_iter_->Valid()) {
      if (!file_iter_->status().ok()) return;
      if (file_index_ == 0 || file_index_ > files_.size()) {
        CloseFile(files_.size());
        return;
      }
      if (!OpenFile(file_index_ - 1)) return;
      file_iter_->SeekToLast();
    }
  }

  TableCache* const cache_;
  const std::span<const std::shared_ptr<FileMetaData>> files_;  // borrowed
  const LevelIteratorOptions opts_;
  size_t file_index_ = 0;
  std::shared_ptr<TableReader> table_;  // keeps the open file alive
  std::unique_ptr<InternalIterator> file_iter_;
  Status status_;
};

}  // namespace

std::unique_ptr<InternalIterator> NewLevelIterator(
    TableCache* table_cache, std::span<const std::shared_ptr<FileMetaData>> files,
    LevelIteratorOptions options) {
  if (files.empty()) return NewEmptyInternalIterator();
  return std::make_unique<LevelIterator>(table_cache, files, std::move(options));
}

}  // namespace mmdb
