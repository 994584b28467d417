#include "cache/lru_cache.h"

#include <string_view>
#include <type_traits>
#include <utility>

#include "util/hash.h"

namespace mmdb {

namespace {

static_assert(sizeof(BlockCacheKey) == 24 &&
                  std::has_unique_object_representations_v<BlockCacheKey>,
              "the key is hashed as its 24 bytes: it must have no padding");

uint64_t HashKey(const BlockCacheKey& key) {
  return Hash64(std::string_view(reinterpret_cast<const char*>(&key), sizeof(key)));
}

// A key with its hash, computed once per call and reused by the map.
struct HashedKey {
  BlockCacheKey key;
  uint64_t hash = 0;
  bool operator==(const HashedKey& o) const { return key == o.key; }
};

struct HashedKeyHasher {
  size_t operator()(const HashedKey& k) const { return static_cast<size_t>(k.hash); }
};

struct Entry {
  HashedKey key;
  CachedBlock block;
  size_t charge = 0;
  bool pinned = false;
};

using EntryList = std::list<Entry>;

size_t Charge(const CachedBlock& block) { return block->size() + LRUBlockCache::kEntryOverhead; }

}  // namespace

// One shard: a map and two lists under one mutex. Aligned to a cache line so
// that the atomics of neighbouring shards do not share one.
class alignas(64) LRUBlockCache::Shard {
 public:
  explicit Shard(size_t capacity) : capacity_(capacity) {}

  void SetCapacity(size_t capacity) {
    EntryList garbage;  // destroyed after the lock is released
    MutexLock lock(&mu_);
    capacity_ = capacity;
    EvictLocked(&garbage);
  }

  CachedBlock Lookup(const HashedKey& key) {
    MutexLock lock(&mu_);
    auto it = map_.find(key);
    if (it == map_.end()) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    EntryList::iterator e = it->second;
    if (!e->pinned) lru_.splice(lru_.end(), lru_, e);  // now the most recently used
    hits_.fetch_add(1, std::memory_order_relaxed);
    return e->block;
  }

  size_t Insert(const HashedKey& key, CachedBlock block, bool pinned) {
    const size_t charge = Charge(block);
    EntryList garbage;  // destroyed after the lock is released
    MutexLock lock(&mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      pinned = pinned || it->second->pinned;  // pins are sticky
      RemoveLocked(it, &garbage);
    }
    if (!pinned && charge > capacity_) return 0;  // could never stay: not cached
    EntryList& list = pinned ? pinned_ : lru_;
    list.push_back(
        Entry{.key = key, .block = std::move(block), .charge = charge, .pinned = pinned});
    map_.emplace(key, std::prev(list.end()));
    AddUsage(charge, pinned);
    inserts_.fetch_add(1, std::memory_order_relaxed);
    const size_t before = garbage.size();
    EvictLocked(&garbage);
    return garbage.size() - before;
  }

  void Unpin(const HashedKey& key) {
    EntryList garbage;
    MutexLock lock(&mu_);
    auto it = map_.find(key);
    if (it == map_.end() || !it->second->pinned) return;
    EntryList::iterator e = it->second;
    e->pinned = false;
    pinned_usage_.store(pinned_usage_.load(std::memory_order_relaxed) - e->charge,
                        std::memory_order_relaxed);
    lru_.splice(lru_.end(), pinned_, e);
    EvictLocked(&garbage);
  }

  void Erase(const HashedKey& key) {
    EntryList garbage;
    MutexLock lock(&mu_);
    auto it = map_.find(key);
    if (it != map_.end()) RemoveLocked(it, &garbage);
  }

  size_t usage() const { return usage_.load(std::memory_order_relaxed); }
  size_t pinned_usage() const { return pinned_usage_.load(std::memory_order_relaxed); }
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  uint64_t inserts() const { return inserts_.load(std::memory_order_relaxed); }
  uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

 private:
  using Map = std::unordered_map<HashedKey, EntryList::iterator, HashedKeyHasher>;

  // usage_ and pinned_usage_ change only under mu_ (so load + store is not a
  // lost update); readers without the lock get a recent value.
  void AddUsage(size_t charge, bool pinned) REQUIRES(mu_) {
    usage_.store(usage_.load(std::memory_order_relaxed) + charge, std::memory_order_relaxed);
    if (pinned) {
      pinned_usage_.store(pinned_usage_.load(std::memory_order_relaxed) + charge,
                          std::memory_order_relaxed);
    }
  }
  void SubUsage(size_t charge, bool pinned) REQUIRES(mu_) {
    usage_.store(usage_.load(std::memory_order_relaxed) - charge, std::memory_order_relaxed);
    if (pinned) {
      pinned_usage_.store(pinned_usage_.load(std::memory_order_relaxed) - charge,
                          std::memory_order_relaxed);
    }
  }

  // Unlinks the entry at `it` into *garbage, so that its block is released
  // (possibly freed) after mu_ is.
  void RemoveLocked(Map::iterator it, EntryList* garbage) REQUIRES(mu_) {
    EntryList::iterator e = it->second;
    SubUsage(e->charge, e->pinned);
    map_.erase(it);
    garbage->splice(garbage->end(), e->pinned ? pinned_ : lru_, e);
  }

  // Evicts least recently used unpinned entries while over capacity.
  void EvictLocked(EntryList* garbage) REQUIRES(mu_) {
    while (usage_.load(std::memory_order_relaxed) > capacity_ && !lru_.empty()) {
      RemoveLocked(map_.find(lru_.front().key), garbage);
      evictions_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // Guards the entries: map_, the two lists and capacity_ (and serializes the
  // writers of usage_ and pinned_usage_).
  Mutex mu_;
  size_t capacity_ GUARDED_BY(mu_);
  Map map_ GUARDED_BY(mu_);
  EntryList lru_ GUARDED_BY(mu_);     // unpinned entries, least recently used first
  EntryList pinned_ GUARDED_BY(mu_);  // pinned entries, never evicted

  // Relaxed: statistics only, nothing is published through them.
  std::atomic<size_t> usage_{0};
  std::atomic<size_t> pinned_usage_{0};
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> inserts_{0};
  std::atomic<uint64_t> evictions_{0};
};

LRUBlockCache::LRUBlockCache(size_t capacity_bytes) : capacity_(capacity_bytes) {
  size_t n = kMaxShards;
  while (n > 1 && capacity_bytes / n < kMinShardCapacity) n /= 2;
  shard_mask_ = n - 1;
  shards_.reserve(n);
  for (size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(capacity_bytes / n));
}

LRUBlockCache::~LRUBlockCache() = default;

LRUBlockCache::Shard& LRUBlockCache::ShardFor(const BlockCacheKey& key, uint64_t* hash) {
  *hash = HashKey(key);
  // The high half picks the shard; the map buckets by the whole hash.
  return *shards_[(*hash >> 32) & shard_mask_];
}

size_t LRUBlockCache::GetCapacity() const { return capacity_.load(std::memory_order_relaxed); }

size_t LRUBlockCache::shard_capacity() const { return GetCapacity() / shards_.size(); }

size_t LRUBlockCache::GetUsage() const {
  size_t sum = 0;
  for (const auto& s : shards_) sum += s->usage();
  return sum;
}

size_t LRUBlockCache::GetPinnedUsage() const {
  size_t sum = 0;
  for (const auto& s : shards_) sum += s->pinned_usage();
  return sum;
}

void LRUBlockCache::SetCapacity(size_t capacity) {
  capacity_.store(capacity, std::memory_order_relaxed);
  for (auto& s : shards_) s->SetCapacity(capacity / shards_.size());
}

CachedBlock LRUBlockCache::Lookup(const BlockCacheKey& key) {
  uint64_t hash;
  Shard& shard = ShardFor(key, &hash);
  return shard.Lookup(HashedKey{key, hash});
}

size_t LRUBlockCache::Insert(const BlockCacheKey& key, CachedBlock block, bool pinned) {
  uint64_t hash;
  Shard& shard = ShardFor(key, &hash);
  if (block == nullptr) {
    shard.Erase(HashedKey{key, hash});
    return 0;
  }
  return shard.Insert(HashedKey{key, hash}, std::move(block), pinned);
}

void LRUBlockCache::Unpin(const BlockCacheKey& key) {
  uint64_t hash;
  Shard& shard = ShardFor(key, &hash);
  shard.Unpin(HashedKey{key, hash});
}

void LRUBlockCache::Erase(const BlockCacheKey& key) {
  uint64_t hash;
  Shard& shard = ShardFor(key, &hash);
  shard.Erase(HashedKey{key, hash});
}

uint64_t LRUBlockCache::NewId() { return next_id_.fetch_add(1, std::memory_order_relaxed); }

uint64_t LRUBlockCache::hits() const {
  uint64_t sum = 0;
  for (const auto& s : shards_) sum += s->hits();
  return sum;
}

uint64_t LRUBlockCache::misses() const {
  uint64_t sum = 0;
  for (const auto& s : shards_) sum += s->misses();
  return sum;
}

uint64_t LRUBlockCache::inserts() const {
  uint64_t sum = 0;
  for (const auto& s : shards_) sum += s->inserts();
  return sum;
}

uint64_t LRUBlockCache::evictions() const {
  uint64_t sum = 0;
  for (const auto& s : shards_) sum += s->evictions();
  return sum;
}

}  // namespace mmdb
