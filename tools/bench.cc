// mmdb bench: a quick fillrandom / readrandom / readseq run (for `make run`;
// bench/mmdb_bench is the real benchmark).
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "tools/commands.h"

namespace mmdb::tools {

namespace {

std::string KeyFor(uint64_t i) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%016llu", static_cast<unsigned long long>(i));
  return std::string(buf, 16);  // 16-byte keys (i < 10^16)
}

class Timer {
 public:
  Timer() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

void Report(const char* name, uint64_t ops, double secs, uint64_t bytes) {
  std::printf("%-12s : %10.3f micros/op %10.0f ops/s %8.1f MB/s\n", name, secs * 1e6 / ops,
              ops / secs, bytes / secs / 1048576.0);
}

}  // namespace

Status RunBench(const GlobalArgs& g, const BenchArgs& args) {
  auto stats = CreateDBStatistics();
  std::unique_ptr<DB> db;
  Options o;
  o.statistics = stats;
  Status s = DB::Open(o, g.db, &db);
  if (!s.ok()) return s;
  std::mt19937_64 rng(args.seed);
  const std::string value(args.value_size, 'x');
  std::printf("mmdb bench: %llu keys, 16-byte keys, %zu-byte values, db %s\n",
              static_cast<unsigned long long>(args.num), args.value_size, g.db.c_str());

  Timer fill;
  for (uint64_t i = 0; i < args.num; ++i) {
    s = db->Put(KeyFor(rng() % args.num), value);
    if (!s.ok()) return s;
  }
  Report("fillrandom", args.num, fill.Seconds(), args.num * (16 + args.value_size));

  Timer read;
  uint64_t found = 0;
  std::string v;
  for (uint64_t i = 0; i < args.num; ++i) {
    s = db->Get(KeyFor(rng() % args.num), &v);
    if (s.ok()) {
      ++found;
    } else if (!s.IsNotFound()) {
      return s;
    }
  }
  Report("readrandom", args.num, read.Seconds(), found * (16 + args.value_size));
  std::printf("             (%llu of %llu found)\n", static_cast<unsigned long long>(found),
              static_cast<unsigned long long>(args.num));

  Timer scan;
  uint64_t n = 0, bytes = 0;
  auto it = db->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++n;
    bytes += it->key().size() + it->value().size();
  }
  if (!it->status().ok()) return it->status();
  Report("readseq", n, scan.Seconds(), bytes);
  it.reset();
  return db->Close();
}

}  // namespace mmdb::tools
