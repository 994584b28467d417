// EnginePair: one MMDB and one RocksDB, opened side by side in one test
// directory, plus the paired handles a lockstep run needs (snapshots and
// iterators taken from both at the same point).
//
// RocksDB (Debian librocksdb-dev) is a test-only oracle: it is linked into
// this suite alone and never into the engine.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <mmdb/db.h>

namespace mmdb::oracle {

// The smallest string greater than every string that starts with `prefix`;
// nullopt when there is none (empty prefix, or all 0xff bytes).
inline std::optional<std::string> PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return std::nullopt;
}

// RocksDB set up like the small MMDB configurations: small buffers and files
// so flushes and compactions happen often, a whole-key bloom filter, no
// compression (the oracle is about results, not bytes).
inline rocksdb::Options RocksOptions() {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.write_buffer_size = 64 << 10;  // RocksDB's minimum
  o.max_write_buffer_number = 2;
  o.level0_file_num_compaction_trigger = 2;
  o.target_file_size_base = 16 << 10;
  o.max_bytes_for_level_base = 64 << 10;
  o.max_background_jobs = 2;
  o.compression = rocksdb::kNoCompression;
  o.keep_log_file_num = 1;
  o.info_log_level = rocksdb::WARN_LEVEL;
  rocksdb::BlockBasedTableOptions t;
  t.block_size = 256;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

// A snapshot of both engines taken at the same point.
struct SnapshotPair {
  std::shared_ptr<const Snapshot> mmdb;
  const rocksdb::Snapshot* rocks = nullptr;
};

// Read bounds for an iterator pair. RocksDB's ReadOptions point at Slices,
// so the bound strings live here, at a stable address, as long as the
// iterators do.
struct Bounds {
  std::optional<std::string> lo, hi;
  std::optional<std::string> prefix;  // set: a prefix iterator
  // What RocksDB is given: [lo, hi) intersected with the prefix's range.
  std::optional<std::string> rocks_lo, rocks_hi;
  rocksdb::Slice rocks_lo_slice, rocks_hi_slice;
};

// Two iterators over the same view. `empty` marks a view that is empty by
// construction (lower bound >= upper bound): RocksDB is not asked then, and
// MMDB must show nothing.
struct IterPair {
  std::unique_ptr<Bounds> bounds;
  std::unique_ptr<Iterator> mmdb;
  std::unique_ptr<rocksdb::Iterator> rocks;
  bool empty = false;
};

class EnginePair {
 public:
  EnginePair(Options mmdb_options, std::string dir)
      : mmdb_options_(std::move(mmdb_options)), dir_(std::move(dir)) {}
  ~EnginePair() { Close(); }

  rocksdb::Status Open() {
    Status s = DB::Open(mmdb_options_, dir_ + "/mmdb", &mmdb_);
    if (!s.ok()) return rocksdb::Status::IOError("mmdb open: " + s.ToString());
    rocksdb::DB* raw = nullptr;
    rocksdb::Status rs = rocksdb::DB::Open(RocksOptions(), dir_ + "/rocksdb", &raw);
    rocks_.reset(raw);
    return rs;
  }

  // Closes both; every snapshot and iterator must be gone.
  rocksdb::Status Close() {
    rocksdb::Status rs;
    if (rocks_ != nullptr) rs = rocks_->Close();
    rocks_.reset();
    if (mmdb_ != nullptr) {
      Status s = mmdb_->Close();
      if (!s.ok() && rs.ok()) rs = rocksdb::Status::IOError("mmdb close: " + s.ToString());
    }
    mmdb_.reset();
    return rs;
  }

  DB* mmdb() { return mmdb_.get(); }
  rocksdb::DB* rocks() { return rocks_.get(); }

  SnapshotPair TakeSnapshot() { return {mmdb_->GetSnapshot(), rocks_->GetSnapshot()}; }
  void Release(SnapshotPair* s) {
    if (s->rocks != nullptr) rocks_->ReleaseSnapshot(s->rocks);
    s->rocks = nullptr;
    s->mmdb.reset();
  }

  // Iterators over [lo, hi) (and, when `bounds->prefix` is set, over the
  // keys with that prefix), at `snap` or now.
  IterPair NewIterators(std::unique_ptr<Bounds> bounds, const SnapshotPair* snap) {
    IterPair p;
    ReadOptions mo;
    rocksdb::ReadOptions ro;
    if (snap != nullptr) {
      mo.snapshot = snap->mmdb.get();
      ro.snapshot = snap->rocks;
    }
    mo.iterate_lower_bound = bounds->lo;
    mo.iterate_upper_bound = bounds->hi;
    // RocksDB has no prefix iterator of this shape: intersect the bounds with
    // [prefix, successor(prefix)).
    Bounds& b = *bounds;
    b.rocks_lo = b.lo;
    b.rocks_hi = b.hi;
    if (b.prefix) {
      if (!b.rocks_lo || *b.rocks_lo < *b.prefix) b.rocks_lo = *b.prefix;
      const auto succ = PrefixSuccessor(*b.prefix);
      if (succ && (!b.rocks_hi || *succ < *b.rocks_hi)) b.rocks_hi = succ;
      p.mmdb = mmdb_->NewPrefixIterator(mo, *b.prefix);
    } else {
      p.mmdb = mmdb_->NewIterator(mo);
    }
    p.empty = b.rocks_lo && b.rocks_hi && *b.rocks_lo >= *b.rocks_hi;
    if (!p.empty) {
      if (b.rocks_lo) {
        b.rocks_lo_slice = rocksdb::Slice(*b.rocks_lo);
        ro.iterate_lower_bound = &b.rocks_lo_slice;
      }
      if (b.rocks_hi) {
        b.rocks_hi_slice = rocksdb::Slice(*b.rocks_hi);
        ro.iterate_upper_bound = &b.rocks_hi_slice;
      }
      p.rocks.reset(rocks_->NewIterator(ro));
    }
    p.bounds = std::move(bounds);
    return p;
  }

 private:
  const Options mmdb_options_;
  const std::string dir_;
  std::unique_ptr<DB> mmdb_;
  std::unique_ptr<rocksdb::DB> rocks_;
};

}  // namespace mmdb::oracle
