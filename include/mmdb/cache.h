// Cache: the block cache, shareable between DBs.
//
// NewBlockCache(bytes) makes a sharded cache bounded by `bytes` of block
// data; pass it in Options::block_cache to several DBs so they share one
// memory budget (vsdb opens 16 shards over one cache). Blocks pinned for L0
// metadata count toward usage and pinned usage and are never evicted.
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstddef>
#include <memory>

namespace mmdb {

class Cache {
 public:
  virtual ~Cache() = default;
  virtual size_t GetCapacity() const = 0;
  // Bytes charged by every entry currently held.
  virtual size_t GetUsage() const = 0;
  // Bytes charged by pinned entries (a subset of usage).
  virtual size_t GetPinnedUsage() const = 0;
  // Changes the capacity, evicting unpinned entries if needed.
  virtual void SetCapacity(size_t capacity) = 0;
};

std::shared_ptr<Cache> NewBlockCache(size_t capacity_bytes);

}  // namespace mmdb
