// TombstoneCache: fragmented range tombstones per source, built once.
//
// Reads need the range tombstones of every memtable and SST they touch in
// fragmented form (iterator/range_tombstones.h). Fragmenting on every Get or
// iterator creation would cost O(T log T) each time; this cache keeps one
// fragmented list per SST (immutable) and per memtable (rebuilt only when the
// memtable received new tombstones since).
//
// Thread safety: internally synchronised; mu_ guards both maps.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "iterator/range_tombstones.h"
#include "memtable/memtable.h"
#include "sst/table_reader.h"
#include "util/mutex.h"

namespace mmdb {

class TombstoneCache {
 public:
  // The memtable's tombstones, or null when it has none.
  std::shared_ptr<const FragmentedRangeTombstones> ForMemTable(
      const std::shared_ptr<MemTable>& mem);
  // The SST's tombstones, or null when it has none.
  std::shared_ptr<const FragmentedRangeTombstones> ForTable(uint64_t file_number,
                                                            const TableReader& table);
  // Forget a memtable (flushed) or a file (deleted).
  void EraseMemTable(const MemTable* mem);
  void EraseTable(uint64_t file_number);

 private:
  struct MemEntry {
    std::weak_ptr<MemTable> mem;
    uint64_t count = 0;  // tombstones the list was built from
    std::shared_ptr<const FragmentedRangeTombstones> list;
  };
  Mutex mu_;
  std::unordered_map<const MemTable*, MemEntry> mems_ GUARDED_BY(mu_);
  std::unordered_map<uint64_t, std::shared_ptr<const FragmentedRangeTombstones>> tables_
      GUARDED_BY(mu_);
};

}  // namespace mmdb
