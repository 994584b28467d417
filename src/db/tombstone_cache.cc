#include "db/tombstone_cache.h"

namespace mmdb {

std::shared_ptr<const TombstoneCache::ListSet> TombstoneCache::ForMemTable(
    const std::shared_ptr<MemTable>& mem) {
  const uint64_t count = mem->num_range_deletions();
  if (count == 0) return nullptr;
  std::shared_ptr<MemEntry> entry;
  {
    MutexLock l(&mu_);
    std::shared_ptr<MemEntry>& slot = mems_[mem.get()];
    // A new memtable may reuse a dead one's address: start over then.
    if (slot == nullptr || slot->mem.lock() != mem) {
      slot = std::make_shared<MemEntry>();
      slot->mem = mem;
    }
    entry = slot;
  }
  MutexLock l(&entry->mu);
  if (entry->cursor.consumed_count() >= count && entry->lists != nullptr) return entry->lists;
  std::vector<RangeTombstone> fresh;
  mem->ForEachRangeTombstoneSince(
      &entry->cursor, [&](std::string_view begin, std::string_view end, SequenceNumber seq) {
        fresh.push_back({std::string(begin), std::string(end), seq});
      });
  if (fresh.empty() && entry->lists != nullptr) return entry->lists;
  auto& gens = entry->generations;
  gens.push_back(Generation{std::move(fresh), nullptr});
  while (gens.size() >= 2 && gens[gens.size() - 2].raw.size() <= 2 * gens.back().raw.size()) {
    Generation newer = std::move(gens.back());
    gens.pop_back();
    Generation& older = gens.back();
    older.raw.insert(older.raw.end(), std::make_move_iterator(newer.raw.begin()),
                     std::make_move_iterator(newer.raw.end()));
    older.list = nullptr;
  }
  auto lists = std::make_shared<ListSet>();
  for (Generation& g : gens) {
    if (g.list == nullptr) g.list = std::make_shared<const FragmentedRangeTombstones>(g.raw);
    if (!g.list->empty()) lists->push_back(g.list);
  }
  entry->lists = std::move(lists);
  return entry->lists;
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
