// Block cache lookups (hits) from 1 and 2 threads on a warm 8 MiB cache of
// 4 KiB blocks.
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "cache/block_cache.h"

namespace {

constexpr uint64_t kBlocks = 1024;  // 4 MiB: all fit

std::shared_ptr<mmdb::BlockCache> WarmCache() {
  auto cache = mmdb::NewLRUBlockCache(8u << 20);
  auto block = std::make_shared<const std::string>(4096, 'b');
  for (uint64_t i = 0; i < kBlocks; ++i) {
    cache->Insert(mmdb::BlockCacheKey{1, i / 64, (i % 64) * 4096}, block, false);
  }
  return cache;
}

void BM_BlockCacheLookup(benchmark::State& state) {
  static std::shared_ptr<mmdb::BlockCache> cache;
  if (state.thread_index() == 0) cache = WarmCache();
  uint64_t i = static_cast<uint64_t>(state.thread_index()) * 97;
  uint64_t hits = 0;
  for (auto _ : state) {
    mmdb::CachedBlock b = cache->Lookup(mmdb::BlockCacheKey{1, i / 64, (i % 64) * 4096});
    hits += b != nullptr ? 1 : 0;
    i = (i + 31) % kBlocks;
  }
  if (hits != static_cast<uint64_t>(state.iterations())) state.SkipWithError("unexpected miss");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_BlockCacheLookup)->Threads(1)->Threads(2);

}  // namespace
