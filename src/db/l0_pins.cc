#include "db/l0_pins.h"

#include <set>

namespace mmdb {

void L0MetadataPins::Update(const Version& v) {
  std::set<uint64_t> in_l0;
  for (const auto& f : v.files(0)) {
    in_l0.insert(f->number);
    if (pinned_.count(f->number) != 0) continue;
    auto table = tables_->Get(f->number, f->file_size);
    if (!table.ok()) continue;
    std::vector<uint64_t> offsets;
    for (const auto& m : (*table)->metadata_blocks()) {
      cache_->Insert(
          BlockCacheKey{.cache_id = cache_id_, .file_number = f->number, .offset = m.offset},
          m.bytes, /*pinned=*/true);
      offsets.push_back(m.offset);
    }
    pinned_.emplace(f->number, std::move(offsets));
  }
  for (auto it = pinned_.begin(); it != pinned_.end();) {
    if (in_l0.count(it->first) != 0) {
      ++it;
      continue;
    }
    for (uint64_t offset : it->second) {
      cache_->Unpin(
          BlockCacheKey{.cache_id = cache_id_, .file_number = it->first, .offset = offset});
    }
    it = pinned_.erase(it);
  }
}

void L0MetadataPins::ReleaseAll() {
  for (const auto& [number, offsets] : pinned_) {
    for (uint64_t offset : offsets) {
      cache_->Erase(BlockCacheKey{.cache_id = cache_id_, .file_number = number, .offset = offset});
    }
  }
  pinned_.clear();
}

}  // namespace mmdb
