// LRUBlockCache: the sharded LRU implementation of BlockCache (and so of the
// public mmdb::Cache made by NewBlockCache).
//
// Layout. The key space is split over a power-of-two number of shards
// (kMaxShards, fewer for small capacities so that every shard can hold a few
// blocks) by a mix of the 24 key bytes. Each shard has its own mutex, a hash
// map from key to entry, and two lists whose nodes are spliced, never copied:
// the LRU list of unpinned entries (oldest first) and the list of pinned
// entries, which are never eviction candidates. An entry is charged
// block->size() + kEntryOverhead. Pins are sticky: re-inserting a pinned key
// keeps it pinned until Unpin or Erase.
//
// Capacity. Each shard gets capacity / shards. A shard evicts its own LRU
// entries when over its share, even if other shards have room, so one DB of a
// shared cache cannot take more than the whole budget, and a hot DB can use
// most of it only because the keys of every DB spread evenly over all shards.
// The price: a block larger than a shard's share (capacity / shards) is not
// cached unless pinned, and under skewed key sets usage can stay a little
// below capacity. Pinned entries may push a shard over its share; the shard
// then holds no unpinned entries until pins are released.
//
// Why LRU. It is simple, O(1) per operation, and its behaviour is easy to
// predict and test. It is not scan-resistant: one long scan that fills the
// cache flushes the working set. MMDB relies on callers to avoid that
// (ReadOptions::fill_cache = false for scans and compaction reads), not on
// the policy; a CLOCK-Pro or two-queue policy would be the next step if
// measurements call for one.
//
// Counters (hits, misses, inserts, evictions) and usage are relaxed atomics
// kept per shard and summed on read: cheap to update, approximate while other
// threads run, exact once they stop.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "cache/block_cache.h"
#include "util/mutex.h"

namespace mmdb {

class LRUBlockCache final : public BlockCache {
 public:
  // Bytes charged per entry on top of the block: the map node, the list node
  // and the shared_ptr control block, roughly.
  static constexpr size_t kEntryOverhead = 128;
  static constexpr int kMaxShards = 16;
  // Fewer shards are used when a shard would get less than this.
  static constexpr size_t kMinShardCapacity = 256 * 1024;

  explicit LRUBlockCache(size_t capacity_bytes);
  ~LRUBlockCache() override;
  LRUBlockCache(const LRUBlockCache&) = delete;
  LRUBlockCache& operator=(const LRUBlockCache&) = delete;

  // Cache
  size_t GetCapacity() const override;
  size_t GetUsage() const override;
  size_t GetPinnedUsage() const override;
  // The shard count stays what it was at construction.
  void SetCapacity(size_t capacity) override;

  // BlockCache
  CachedBlock Lookup(const BlockCacheKey& key) override;
  // A null block erases `key`.
  size_t Insert(const BlockCacheKey& key, CachedBlock block, bool pinned) override;
  void Unpin(const BlockCacheKey& key) override;
  void Erase(const BlockCacheKey& key) override;
  uint64_t NewId() override;
  uint64_t hits() const override;
  uint64_t misses() const override;
  uint64_t inserts() const override;
  uint64_t evictions() const override;

  int num_shards() const { return static_cast<int>(shards_.size()); }
  // The capacity of one shard: larger unpinned blocks are not cached.
  size_t shard_capacity() const;

 private:
  class Shard;

  Shard& ShardFor(const BlockCacheKey& key, uint64_t* hash);

  std::vector<std::unique_ptr<Shard>> shards_;
  uint64_t shard_mask_;  // shards - 1: applied to the high half of the key hash
  std::atomic<size_t> capacity_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace mmdb
