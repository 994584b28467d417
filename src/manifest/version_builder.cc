#include "manifest/version_builder.h"

#include <algorithm>
#include <string>

#include "types/internal_key.h"
#include "util/invariant.h"

namespace mmdb {

VersionBuilder::VersionBuilder(std::shared_ptr<const Version> base)
    : num_levels_(base->num_levels()),
      empty_base_(base->TotalFiles() == 0),
      levels_(static_cast<size_t>(num_levels_)) {
  for (int level = 0; level < num_levels_; ++level) {
    for (const auto& f : base->files(level)) {
      levels_[level].emplace(f->number, f);
      level_of_[f->number] = level;
    }
  }
}

Status VersionBuilder::Apply(const VersionEdit& edit) {
  for (const auto& [level, number] : edit.deleted_files()) {
    auto it = level_of_.find(number);
    if (level < 0 || level >= num_levels_ || it == level_of_.end() || it->second != level) {
      std::string where = it == level_of_.end()
                              ? "it is not live"
                              : "it is live at level " + std::to_string(it->second);
      return Status::Corruption("edit deletes file #" + std::to_string(number) + " at level " +
                                std::to_string(level) + " but " + where);
    }
    levels_[level].erase(number);
    level_of_.erase(it);
  }
  for (const auto& [level, meta] : edit.new_files()) {
    if (level < 0 || level >= num_levels_) {
      return Status::Corruption("edit adds file #" + std::to_string(meta.number) + " at level " +
                                std::to_string(level) + " but the DB has " +
                                std::to_string(num_levels_) + " levels");
    }
    auto [it, inserted] = level_of_.emplace(meta.number, level);
    if (!inserted) {
      return Status::Corruption("edit adds file #" + std::to_string(meta.number) + " at level " +
                                std::to_string(level) + " but it is already live at level " +
                                std::to_string(it->second));
    }
    auto f = std::make_shared<FileMetaData>(meta);
    f->being_compacted = false;
    f->allowed_seeks.Reset(SeekBudget::ForFileSize(f->file_size));
    levels_[level].emplace(meta.number, std::move(f));
  }
  return Status::OK();
}

void VersionBuilder::ForEachNewFile(const std::function<void(FileMetaData*)>& fn) {
  MMDB_INVARIANT(empty_base_);
  for (auto& level : levels_) {
    for (auto& [number, f] : level) fn(f.get());
  }
}

Result<std::shared_ptr<const Version>> VersionBuilder::Finish() const {
  std::shared_ptr<Version> v(new Version(num_levels_));
  for (int level = 0; level < num_levels_; ++level) {
    Version::FileList& files = v->levels_[level];
    files.reserve(levels_[level].size());
    for (const auto& [number, f] : levels_[level]) files.push_back(f);
    if (level == 0) {
      std::reverse(files.begin(), files.end());  // map order is ascending number
    } else {
      std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
        return CompareInternalKey(a->smallest, b->smallest) < 0;
      });
    }
  }
  v->IndexReach();
  MMDB_RETURN_IF_ERROR(v->CheckConsistency());
  return std::shared_ptr<const Version>(std::move(v));
}

}  // namespace mmdb
