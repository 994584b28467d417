// CRC-32 (the checksum of every block and record) over 4 KiB and 64 KiB.
#include <string>

#include <benchmark/benchmark.h>

#include "util/crc32.h"

namespace {

void BM_Crc32(benchmark::State& state) {
  const std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(mmdb::crc32::Value(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Crc32)->Arg(4 << 10)->Arg(64 << 10);

}  // namespace
