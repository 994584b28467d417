// TombstoneCache: fragmented range tombstones per source, built once.
//
// Reads need the range tombstones of every memtable and SST they touch in
// fragmented form (iterator/range_tombstones.h). Fragmenting on every Get or
// iterator creation would cost O(T log T) each time; this cache keeps one
// fragmented list per SST (immutable) and, per memtable, a few lists updated
// as tombstones arrive without re-fragmenting the old ones: the memtable's
// tombstones, in insertion order, are cut into generations whose sizes at
// least halve from one to the next (the logarithmic method). New tombstones
// form a new generation; while a generation is at least half the size of the
// newer one, the two are merged and re-fragmented. Each tombstone is thus
// re-fragmented O(log T) times in all, and a memtable has O(log T) lists.
//
// Thread safety: internally synchronised. mu_ guards the maps; each memtable
// entry's own mutex guards its generations (one builder at a time per
// memtable, readers of other memtables unaffected).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "iterator/range_tombstones.h"
#include "memtable/memtable.h"
#include "sst/table_reader.h"
#include "util/mutex.h"

namespace mmdb {

class TombstoneCache {
 public:
  using ListSet = std::vector<std::shared_ptr<const FragmentedRangeTombstones>>;
  // The memtable's tombstones as a few fragmented lists (query them all), or
  // null when it has none.
  std::shared_ptr<const ListSet> ForMemTable(const std::shared_ptr<MemTable>& mem);
  // The SST's tombstones, or null when it has none.
  std::shared_ptr<const FragmentedRangeTombstones> ForTable(uint64_t file_number,
                                                            const TableReader& table);
  // Forget a memtable (flushed) or a file (deleted).
  void EraseMemTable(const MemTable* mem);
  void EraseTable(uint64_t file_number);

 private:
  struct Generation {
    std::vector<RangeTombstone> raw;
    std::shared_ptr<const FragmentedRangeTombstones> list;
  };
  struct MemEntry {
    std::weak_ptr<MemTable> mem;
    Mutex mu;
    MemTable::RangeTombstoneCursor cursor GUARDED_BY(mu);
    std::vector<Generation> generations GUARDED_BY(mu);  // oldest (largest) first
    std::shared_ptr<const ListSet> lists GUARDED_BY(mu);
  };
  Mutex mu_;
  std::unordered_map<const MemTable*, std::shared_ptr<MemEntry>> mems_ GUARDED_BY(mu_);
  std::unordered_map<uint64_t, std::shared_ptr<const FragmentedRangeTombstones>> tables_
      GUARDED_BY(mu_);
};

}  // namespace mmdb
