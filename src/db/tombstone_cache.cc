#include "db/tombstone_cache.h"

namespace mmdb {

std::shared_ptr<const FragmentedRangeTombstones> TombstoneCache::ForMemTable(
    const std::shared_ptr<MemTable>& mem) {
  const uint64_t count = mem->num_range_deletions();
  if (count == 0) return nullptr;
  {
    MutexLock l(&mu_);
    auto it = mems_.find(mem.get());
    if (it != mems_.end() && it->second.count == count && it->second.mem.lock() == mem) {
      return it->second.list;
    }
  }
  // Build outside the lock; concurrent builders produce equal lists.
  std::vector<RangeTombstone> tombstones;
  auto iter = mem->NewRangeTombstoneIterator();
  uint64_t seen = 0;
  if (iter != nullptr) {
    for (iter->SeekToFirst(); iter->Valid(); iter->Next()) {
      ParsedInternalKey k;
      if (!ParseInternalKey(iter->key(), &k)) continue;  // memtable keys are ours: always valid
      tombstones.push_back({std::string(k.user_key), std::string(iter->value()), k.sequence});
      ++seen;
    }
  }
  auto list = std::make_shared<const FragmentedRangeTombstones>(std::move(tombstones));
  MutexLock l(&mu_);
  // The memtable may have received more tombstones while we iterated; record
  // what was seen so the next reader rebuilds if needed.
  mems_[mem.get()] = MemEntry{mem, std::min(seen, count), list};
  return list;
}

std::shared_ptr<const FragmentedRangeTombstones> TombstoneCache::ForTable(
    uint64_t file_number, const TableReader& table) {
  {
    MutexLock l(&mu_);
    auto it = tables_.find(file_number);
    if (it != tables_.end()) return it->second;
  }
  std::vector<RangeTombstone> tombstones = table.range_tombstones();
  std::shared_ptr<const FragmentedRangeTombstones> list;
  if (!tombstones.empty()) {
    list = std::make_shared<const FragmentedRangeTombstones>(std::move(tombstones));
  }
  MutexLock l(&mu_);
  tables_[file_number] = list;
  return list;
}

void TombstoneCache::EraseMemTable(const MemTable* mem) {
  MutexLock l(&mu_);
  mems_.erase(mem);
}

void TombstoneCache::EraseTable(uint64_t file_number) {
  MutexLock l(&mu_);
  tables_.erase(file_number);
}

}  // namespace mmdb
