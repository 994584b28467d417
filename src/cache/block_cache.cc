// The factories of block_cache.h and include/mmdb/cache.h: both make the
// sharded LRU cache of cache/lru_cache.h, so a Cache from NewBlockCache is
// always usable by the engine through AsBlockCache.
#include "cache/block_cache.h"

#include <mmdb/cache.h>

#include "cache/lru_cache.h"

namespace mmdb {

std::shared_ptr<BlockCache> NewLRUBlockCache(size_t capacity_bytes) {
  return std::make_shared<LRUBlockCache>(capacity_bytes);
}

std::shared_ptr<Cache> NewBlockCache(size_t capacity_bytes) {
  return NewLRUBlockCache(capacity_bytes);
}

std::shared_ptr<BlockCache> AsBlockCache(const std::shared_ptr<Cache>& cache) {
  return std::dynamic_pointer_cast<BlockCache>(cache);
}

}  // namespace mmdb
