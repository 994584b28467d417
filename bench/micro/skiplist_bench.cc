// SkipList insert and lookup over 8-byte integer keys (the memtable index
// without the key encoding).
#include <cstdint>
#include <memory>
#include <vector>

#include <benchmark/benchmark.h>

#include "memtable/arena.h"
#include "memtable/skiplist.h"
#include "util/random.h"

namespace {

struct U64Cmp {
  int operator()(uint64_t a, uint64_t b) const { return a < b ? -1 : (a > b ? 1 : 0); }
};
using List = mmdb::SkipList<uint64_t, U64Cmp>;

std::vector<uint64_t> RandomKeys(size_t n) {
  mmdb::Random rnd(42);
  std::vector<uint64_t> keys(n);
  for (uint64_t& k : keys) k = rnd.Next64();
  return keys;
}

// Inserts state.range(0) random keys into a fresh list per iteration.
void BM_SkipListInsert(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  std::vector<uint64_t> keys = RandomKeys(n);
  for (auto _ : state) {
    mmdb::Arena arena;
    List list(U64Cmp(), &arena);
    for (uint64_t k : keys) {
      if (!list.Contains(k)) list.Insert(k);
    }
    benchmark::DoNotOptimize(&list);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_SkipListInsert)->Arg(1 << 10)->Arg(1 << 16);

// Contains() of present keys in a list of state.range(0) keys.
void BM_SkipListLookup(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  std::vector<uint64_t> keys = RandomKeys(n);
  mmdb::Arena arena;
  List list(U64Cmp(), &arena);
  for (uint64_t k : keys) {
    if (!list.Contains(k)) list.Insert(k);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(list.Contains(keys[i]));
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SkipListLookup)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

}  // namespace
