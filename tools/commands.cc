#include "tools/commands.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

namespace mmdb::tools {

namespace {

Status OpenDB(const std::string& path, std::unique_ptr<DB>* db, bool create = false,
              std::shared_ptr<Statistics> stats = nullptr) {
  Options o;
  o.create_if_missing = create;
  o.statistics = std::move(stats);
  return DB::Open(o, path, db);
}

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

Status RunBench(const std::string& db_path, const BenchArgs& args) {
  auto stats = CreateDBStatistics();
  std::unique_ptr<DB> db;
  Status s = OpenDB(db_path, &db, /*create=*/true, stats);
  if (!s.ok()) return s;
  std::mt19937_64 rng(args.seed);
  const std::string value(args.value_size, 'x');
  std::printf("mmdb bench: %llu keys, 16-byte keys, %zu-byte values, db %s\n",
              static_cast<unsigned long long>(args.num), args.value_size, db_path.c_str());

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

Status PrintStats(const std::string& db_path) {
  std::unique_ptr<DB> db;
  Status s = OpenDB(db_path, &db);
  if (!s.ok()) return s;
  std::string out;
  if (db->GetProperty("mmdb.levelstats", &out)) std::printf("%s\n", out.c_str());
  if (db->GetProperty("mmdb.stats", &out)) std::printf("%s\n", out.c_str());
  return db->Close();
}

Status GetKey(const std::string& db_path, const std::string& key) {
  std::unique_ptr<DB> db;
  Status s = OpenDB(db_path, &db);
  if (!s.ok()) return s;
  std::string v;
  s = db->Get(key, &v);
  if (s.ok()) std::printf("%s\n", v.c_str());
  Status c = db->Close();
  return s.ok() ? c : s;
}

Status PutKey(const std::string& db_path, const std::string& key, const std::string& value) {
  std::unique_ptr<DB> db;
  Status s = OpenDB(db_path, &db, /*create=*/true);
  if (!s.ok()) return s;
  s = db->Put(WriteOptions{.sync = true}, key, value);
  Status c = db->Close();
  return s.ok() ? c : s;
}

Status DeleteKey(const std::string& db_path, const std::string& key) {
  std::unique_ptr<DB> db;
  Status s = OpenDB(db_path, &db);
  if (!s.ok()) return s;
  s = db->Delete(WriteOptions{.sync = true}, key);
  Status c = db->Close();
  return s.ok() ? c : s;
}

Status Scan(const std::string& db_path, const std::string& prefix, size_t limit) {
  std::unique_ptr<DB> db;
  Status s = OpenDB(db_path, &db);
  if (!s.ok()) return s;
  auto it = prefix.empty() ? db->NewIterator() : db->NewPrefixIterator(ReadOptions(), prefix);
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid() && n < limit; it->Next(), ++n) {
    std::printf("%.*s\t%.*s\n", static_cast<int>(it->key().size()), it->key().data(),
                static_cast<int>(it->value().size()), it->value().data());
  }
  s = it->status();
  it.reset();
  Status c = db->Close();
  return s.ok() ? c : s;
}

}  // namespace mmdb::tools
