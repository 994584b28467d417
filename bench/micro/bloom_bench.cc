// Bloom filter build and probe at 10 bits per key.
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "sst/filter.h"
#include "util/hash.h"

namespace {

std::vector<std::string> Keys(size_t n, char tag) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i) keys.push_back(std::string(1, tag) + std::to_string(i * 31));
  return keys;
}

void BM_BloomBuild(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  std::vector<uint32_t> hashes;
  for (const std::string& k : Keys(n, 'k')) hashes.push_back(mmdb::BloomHash(k));
  for (auto _ : state) {
    std::string filter = mmdb::BuildBloomFilter(hashes, 10);
    benchmark::DoNotOptimize(filter.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_BloomBuild)->Arg(1000)->Arg(100000);

// Probes (hash + lookup) of present (arg 1) or absent (arg 0) keys.
void BM_BloomProbe(benchmark::State& state) {
  constexpr size_t kKeys = 100000;
  std::vector<std::string> present = Keys(kKeys, 'k');
  std::vector<uint32_t> hashes;
  for (const std::string& k : present) hashes.push_back(mmdb::BloomHash(k));
  const std::string filter = mmdb::BuildBloomFilter(hashes, 10);
  std::vector<std::string> probes = state.range(0) != 0 ? present : Keys(kKeys, 'x');
  size_t i = 0;
  uint64_t matches = 0;
  for (auto _ : state) {
    matches += mmdb::BloomKeyMayMatch(probes[i], filter) ? 1 : 0;
    if (++i == kKeys) i = 0;
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["match_rate"] =
      static_cast<double>(matches) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}
BENCHMARK(BM_BloomProbe)->Arg(1)->Arg(0);

}  // namespace
