// Data block build and seek: BlockBuilder over sorted 16-byte keys with
// 100-byte values (~4 KiB blocks), and BlockIter::Seek into a built block.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "sst/block.h"
#include "sst/block_builder.h"

namespace {

// Sorted fixed-width decimal keys, like mmdb_bench's.
std::vector<std::string> SortedKeys(size_t n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof(buf), "%016zu", i * 7);
    keys.emplace_back(buf);
  }
  return keys;
}

constexpr size_t kEntries = 34;  // ~4 KiB of 16 + 100 byte entries

void BM_BlockBuild(benchmark::State& state) {
  std::vector<std::string> keys = SortedKeys(kEntries);
  const std::string value(100, 'v');
  mmdb::BlockBuilder builder(16);
  size_t bytes = 0;
  for (auto _ : state) {
    builder.Reset();
    for (const std::string& k : keys) builder.Add(k, value);
    std::string_view block = builder.Finish();
    bytes += block.size();
    benchmark::DoNotOptimize(block.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEntries));
}
BENCHMARK(BM_BlockBuild);

void BM_BlockSeek(benchmark::State& state) {
  std::vector<std::string> keys = SortedKeys(kEntries);
  const std::string value(100, 'v');
  mmdb::BlockBuilder builder(16);
  for (const std::string& k : keys) builder.Add(k, value);
  auto contents = std::make_shared<const std::string>(builder.Finish());
  mmdb::Result<mmdb::Block> block = mmdb::Block::Parse(contents);
  if (!block.ok()) {
    state.SkipWithError("Block::Parse failed");
    return;
  }
  mmdb::BlockIter it(block.value(), mmdb::BlockKeyOrder::kBytewise);
  size_t i = 0;
  for (auto _ : state) {
    it.Seek(keys[i]);
    benchmark::DoNotOptimize(it.Valid());
    i = (i + 13) % kEntries;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_BlockSeek);

}  // namespace
