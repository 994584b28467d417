// L0MetadataPins: the index and filter blocks of L0 files, pinned in the
// block cache (Options::pin_l0_filter_and_index_blocks_in_cache).
//
// Every point lookup probes every L0 file whose range holds the key, so L0
// metadata is the hottest there is. Table readers always own their index and
// filter blocks; pinning inserts those very buffers into the block cache as
// pinned entries, so the memory is charged to the cache's budget (and shows
// in mmdb.block-cache-pinned-usage) without a copy. When a file leaves L0
// (compacted, or moved down) its entries are unpinned and may be evicted;
// when the file is deleted the table cache erases them.
//
// Thread safety: Update is called with the DB mutex held, which guards
// pinned_.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "cache/block_cache.h"
#include "manifest/version.h"
#include "sst/table_cache.h"

namespace mmdb {

class L0MetadataPins {
 public:
  L0MetadataPins(BlockCache* cache, uint64_t cache_id, TableCache* tables)
      : cache_(cache), cache_id_(cache_id), tables_(tables) {}

  // Pins the metadata of L0 files of `v` not pinned yet and unpins that of
  // files no longer in L0. A table that fails to open is skipped: reads of
  // it report the error.
  void Update(const Version& v);

  // Erases every pinned entry (the DB is closing; a shared cache lives on).
  void ReleaseAll();

  // Files whose metadata is pinned now.
  size_t num_pinned_files() const { return pinned_.size(); }

 private:
  BlockCache* const cache_;
  const uint64_t cache_id_;
  TableCache* const tables_;
  std::map<uint64_t, std::vector<uint64_t>> pinned_;  // file number -> block offsets
};

}  // namespace mmdb
