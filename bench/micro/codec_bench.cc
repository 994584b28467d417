// LZ4 and Zstd block round trips (compress + uncompress) of a 16 KiB block
// that is half random, half repeated, like mmdb_bench's values.
#include <string>

#include <benchmark/benchmark.h>

#include "util/compression.h"
#include "util/random.h"

namespace {

std::string HalfCompressibleBlock(size_t size) {
  mmdb::Random rnd(7);
  std::string out;
  while (out.size() < size) {
    std::string piece;
    for (int i = 0; i < 50; ++i) piece.push_back(static_cast<char>(' ' + rnd.Uniform(95)));
    out += piece + piece;
  }
  out.resize(size);
  return out;
}

void RoundTrip(benchmark::State& state, mmdb::CompressionType type) {
  const std::string block = HalfCompressibleBlock(16 << 10);
  std::string compressed;
  std::string restored;
  for (auto _ : state) {
    if (!mmdb::CompressBlock(type, block, &compressed)) {
      state.SkipWithError("block did not compress");
      return;
    }
    mmdb::Status s = mmdb::UncompressBlock(static_cast<uint8_t>(type), compressed, &restored);
    if (!s.ok() || restored.size() != block.size()) {
      state.SkipWithError("round trip failed");
      return;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block.size()));
  state.counters["ratio"] =
      static_cast<double>(compressed.size()) / static_cast<double>(block.size());
}

void BM_Lz4RoundTrip(benchmark::State& state) { RoundTrip(state, mmdb::CompressionType::kLZ4); }
void BM_ZstdRoundTrip(benchmark::State& state) { RoundTrip(state, mmdb::CompressionType::kZstd); }
BENCHMARK(BM_Lz4RoundTrip);
BENCHMARK(BM_ZstdRoundTrip);

}  // namespace
