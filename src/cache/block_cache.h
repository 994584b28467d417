// BlockCache: the engine's view of the block cache (the public mmdb::Cache).
//
// Values are immutable, shared, decompressed block bytes: a hit hands out a
// reference (an atomic increment), never a copy, and an entry evicted while a
// reader holds it stays alive until the reader lets go. Capacity is counted in
// bytes charged per entry (block bytes + bookkeeping).
//
// Pinned entries (L0 index and filter blocks) count toward usage and pinned
// usage and are never evicted until Unpin/Erase.
//
// Keys: every user of a shared cache (one per DB) takes a distinct id from
// NewId(), so file numbers of different DBs never collide.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <mmdb/cache.h>

namespace mmdb {

struct BlockCacheKey {
  uint64_t cache_id = 0;     // from BlockCache::NewId(): one per DB (or per user)
  uint64_t file_number = 0;  // the SST
  uint64_t offset = 0;       // the block's offset in the SST
  bool operator==(const BlockCacheKey&) const = default;
};

using CachedBlock = std::shared_ptr<const std::string>;

class BlockCache : public Cache {
 public:
  // The block cached under `key`, or null. Counts a hit or a miss.
  virtual CachedBlock Lookup(const BlockCacheKey& key) = 0;
  // Caches `block` under `key` (replacing any entry), evicting least recently
  // used unpinned entries while over capacity. A pinned entry is never
  // evicted. When the block alone exceeds the capacity it is not cached
  // (unless pinned). Returns how many entries were evicted to make room.
  virtual size_t Insert(const BlockCacheKey& key, CachedBlock block, bool pinned) = 0;
  // Turns a pinned entry into an ordinary (evictable) one. No-op if absent.
  virtual void Unpin(const BlockCacheKey& key) = 0;
  // Drops the entry under `key` (e.g. its file was deleted). No-op if absent.
  virtual void Erase(const BlockCacheKey& key) = 0;
  // A fresh id for BlockCacheKey::cache_id.
  virtual uint64_t NewId() = 0;

  // Counters since creation.
  virtual uint64_t hits() const = 0;
  virtual uint64_t misses() const = 0;
  virtual uint64_t inserts() const = 0;
  virtual uint64_t evictions() const = 0;
};

// A sharded LRU BlockCache of `capacity_bytes` (cache/lru_cache.cc).
std::shared_ptr<BlockCache> NewLRUBlockCache(size_t capacity_bytes);

// The BlockCache behind a public Cache made by NewBlockCache, or null when the
// Cache is some other implementation.
std::shared_ptr<BlockCache> AsBlockCache(const std::shared_ptr<Cache>& cache);

}  // namespace mmdb
