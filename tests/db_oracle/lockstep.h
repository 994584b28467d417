// Lockstep: one seeded random sequence of operations applied to MMDB and
// RocksDB at once, every read compared between the two.
//
// Writes: puts (values of varied size, some empty), deletes, range deletes
// (inverted ranges to MMDB alone, which must accept them as no-ops), batches
// mixing all three. Reads: Gets (now or at a snapshot), iterator walks in
// both directions with random bounds or a random prefix, followed by random
// Seek / SeekForPrev / SeekToFirst / SeekToLast / Next / Prev moves; and
// long-lived iterators that stay open across later writes, flushes and
// compactions. Maintenance: snapshots taken and released, flushes, range
// compactions and reopens, each followed by a full scan.
//
// The first difference stops the run and is reported with the seed, the
// step and the recent operations.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "db_oracle/engine_pair.h"
#include "util/random.h"

namespace mmdb::oracle {

struct RunStats {
  uint64_t ops = 0;
  uint64_t reads_compared = 0;  // Gets plus iterator positions
  uint64_t differences = 0;
};

// Bytes as text: printable ASCII as is, others as \xNN.
inline std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

class Lockstep {
 public:
  Lockstep(const Options& options, uint64_t seed, const std::string& dir)
      : pair_(options, dir), seed_(seed), rnd_(seed) {}

  RunStats Run(uint64_t ops) {
    rocksdb::Status s = pair_.Open();
    if (!s.ok()) {
      Differ("open: " + s.ToString());
      return stats_;
    }
    for (step_ = 0; step_ < ops && !failed_; ++step_) {
      Step();
      ++stats_.ops;
    }
    if (!failed_) FullScan("final scan");
    DropHandles();
    s = pair_.Close();
    if (!s.ok()) Differ("close: " + s.ToString());
    return stats_;
  }

 private:
  void Step() {
    const uint64_t r = rnd_.Uniform(1000);
    if (r < 380) {
      Put();
    } else if (r < 460) {
      Delete();
    } else if (r < 490) {
      DeleteRange();
    } else if (r < 550) {
      Batch();
    } else if (r < 570) {
      if (snaps_.size() < 8) snaps_.push_back(pair_.TakeSnapshot());
      Note("snapshot take");
    } else if (r < 585) {
      if (!snaps_.empty()) {
        const size_t i = rnd_.Uniform(snaps_.size());
        pair_.Release(&snaps_[i]);
        snaps_.erase(snaps_.begin() + static_cast<long>(i));
      }
      Note("snapshot release");
    } else if (r < 745) {
      Get();
    } else if (r < 850) {
      Iterate();
    } else if (r < 860) {
      OpenLiveIterator();
    } else if (r < 930) {
      MoveLiveIterator();
    } else if (r < 940) {
      if (!live_.empty())
        live_.erase(live_.begin() + static_cast<long>(rnd_.Uniform(live_.size())));
      Note("live iterator close");
    } else if (r < 960) {
      Flush();
    } else if (r < 980) {
      Compact();
    } else if (r < 985) {
      Reopen();
    } else {
      Get();
    }
  }

  // ---- generators ------------------------------------------------------

  // ~400 keys in 8 "collections"; some keys are prefixes of others, a few
  // carry a 0x00 or 0xff byte.
  std::string RandomKey() {
    std::string k = "c" + std::to_string(rnd_.Uniform(8)) + "/";
    k += std::to_string(rnd_.Uniform(50));
    if (rnd_.OneIn(10)) k.pop_back();
    if (rnd_.OneIn(40)) k += rnd_.OneIn(2) ? '\0' : '\xff';
    return k;
  }

  std::string RandomValue() {
    if (rnd_.OneIn(50)) return "";
    std::string v = "v" + std::to_string(step_);
    const uint64_t pad = rnd_.OneIn(100) ? 3000 : rnd_.Uniform(120);
    v.append(pad, static_cast<char>('a' + step_ % 26));
    return v;
  }

  std::string RandomPrefix() {
    switch (rnd_.Uniform(6)) {
      case 0:
        return "";
      case 1:
        return "c";
      case 2:
        return "c" + std::to_string(rnd_.Uniform(9));
      case 3:
      case 4:
        return "c" + std::to_string(rnd_.Uniform(8)) + "/";
      default:
        return "c" + std::to_string(rnd_.Uniform(8)) + "/" + std::to_string(rnd_.Uniform(10));
    }
  }

  const SnapshotPair* RandomSnapshotOrNow() {
    if (snaps_.empty() || rnd_.OneIn(2)) return nullptr;
    return &snaps_[rnd_.Uniform(snaps_.size())];
  }

  // ---- writes ----------------------------------------------------------

  void Put() {
    const std::string k = RandomKey(), v = RandomValue();
    Note("put " + Printable(k) + " (" + std::to_string(v.size()) + " bytes)");
    Both(pair_.mmdb()->Put(k, v), pair_.rocks()->Put(rocksdb::WriteOptions(), k, v));
  }

  void Delete() {
    const std::string k = RandomKey();
    Note("delete " + Printable(k));
    Both(pair_.mmdb()->Delete(k), pair_.rocks()->Delete(rocksdb::WriteOptions(), k));
  }

  void DeleteRange() {
    std::string b = RandomKey(), e = RandomKey();
    if (b > e && !rnd_.OneIn(8)) std::swap(b, e);  // sometimes left inverted
    Note("delete_range [" + Printable(b) + ", " + Printable(e) + ")");
    if (b >= e) {
      // Empty or inverted: MMDB documents a no-op; RocksDB is not asked.
      Status s = pair_.mmdb()->DeleteRange(b, e);
      if (!s.ok()) Differ("mmdb DeleteRange of an empty range: " + s.ToString());
      return;
    }
    Both(pair_.mmdb()->DeleteRange(b, e),
         pair_.rocks()->DeleteRange(rocksdb::WriteOptions(), pair_.rocks()->DefaultColumnFamily(),
                                    b, e));
  }

  void Batch() {
    WriteBatch mb;
    rocksdb::WriteBatch rb;
    const int n = 1 + static_cast<int>(rnd_.Uniform(10));
    std::string what = "batch of " + std::to_string(n) + ":";
    for (int i = 0; i < n; ++i) {
      const uint64_t kind = rnd_.Uniform(10);
      if (kind < 6) {
        const std::string k = RandomKey(), v = RandomValue();
        mb.Put(k, v);
        rb.Put(k, v);
        what += " put " + Printable(k);
      } else if (kind < 9) {
        const std::string k = RandomKey();
        mb.Delete(k);
        rb.Delete(k);
        what += " del " + Printable(k);
      } else {
        const std::string b = RandomKey(), e = RandomKey();
        mb.DeleteRange(b, e);  // inverted: dropped by MMDB's batch
        if (b < e) rb.DeleteRange(b, e);
        what += " delrange [" + Printable(b) + "," + Printable(e) + ")";
      }
    }
    Note(what);
    Both(pair_.mmdb()->Write(&mb), pair_.rocks()->Write(rocksdb::WriteOptions(), &rb));
  }

  // ---- reads -----------------------------------------------------------

  void Get() {
    const std::string k = RandomKey();
    const SnapshotPair* snap = RandomSnapshotOrNow();
    Note("get " + Printable(k) + (snap ? " at snapshot" : ""));
    ReadOptions mo;
    rocksdb::ReadOptions ro;
    if (snap != nullptr) {
      mo.snapshot = snap->mmdb.get();
      ro.snapshot = snap->rocks;
    }
    std::string mv, rv;
    const Status ms = pair_.mmdb()->Get(mo, k, &mv);
    const rocksdb::Status rs = pair_.rocks()->Get(ro, k, &rv);
    ++stats_.reads_compared;
    if (!(ms.ok() || ms.IsNotFound()) || !(rs.ok() || rs.IsNotFound())) {
      Differ("get error: mmdb " + ms.ToString() + ", rocksdb " + rs.ToString());
    } else if (ms.ok() != rs.ok()) {
      Differ("get " + Printable(k) + ": mmdb " + (ms.ok() ? "found" : "not found") + ", rocksdb " +
             (rs.ok() ? "found" : "not found"));
    } else if (ms.ok() && mv != rv) {
      Differ("get " + Printable(k) + ": values differ: mmdb '" + Printable(mv) + "', rocksdb '" +
             Printable(rv) + "'");
    }
  }

  std::unique_ptr<Bounds> RandomBounds(std::string* what) {
    auto b = std::make_unique<Bounds>();
    if (rnd_.OneIn(3)) {
      b->prefix = RandomPrefix();
      *what += " prefix '" + Printable(*b->prefix) + "'";
      if (rnd_.OneIn(4)) b->lo = RandomKey();
      if (rnd_.OneIn(4)) b->hi = RandomKey();
    } else {
      if (rnd_.OneIn(2)) b->lo = RandomKey();
      if (rnd_.OneIn(2)) b->hi = RandomKey();
    }
    if (b->lo) *what += " lo '" + Printable(*b->lo) + "'";
    if (b->hi) *what += " hi '" + Printable(*b->hi) + "'";
    return b;
  }

  void Iterate() {
    const SnapshotPair* snap = RandomSnapshotOrNow();
    std::string what = std::string("iterate") + (snap ? " at snapshot" : "");
    std::unique_ptr<Bounds> bounds = RandomBounds(&what);
    const bool forward = rnd_.OneIn(2);
    what += forward ? " forward" : " reverse";
    Note(what);
    IterPair p = pair_.NewIterators(std::move(bounds), snap);
    if (!Walk(p, forward, what)) return;
    const int moves = 2 + static_cast<int>(rnd_.Uniform(10));
    for (int i = 0; i < moves && !failed_; ++i) Move(p);
  }

  // A full walk compared entry by entry.
  bool Walk(IterPair& p, bool forward, const std::string& what) {
    std::vector<std::pair<std::string, std::string>> m, r;
    auto collect = [forward](auto* it, auto* out) {
      for (forward ? it->SeekToFirst() : it->SeekToLast(); it->Valid();
           forward ? it->Next() : it->Prev()) {
        out->emplace_back(std::string(it->key().data(), it->key().size()),
                          std::string(it->value().data(), it->value().size()));
      }
    };
    collect(p.mmdb.get(), &m);
    if (!p.mmdb->status().ok()) return Differ("mmdb iterator: " + p.mmdb->status().ToString());
    if (!p.empty) {
      collect(p.rocks.get(), &r);
      if (!p.rocks->status().ok()) {
        return Differ("rocksdb iterator: " + p.rocks->status().ToString());
      }
    }
    stats_.reads_compared += m.size() + 1;
    if (m == r) return true;
    size_t i = 0;
    while (i < m.size() && i < r.size() && m[i] == r[i]) ++i;
    auto at = [i](const auto& v) {
      return i < v.size() ? "'" + Printable(v[i].first) + "'='" + Printable(v[i].second) + "'"
                          : std::string("<end>");
    };
    return Differ(what + ": walks differ at entry " + std::to_string(i) + " (mmdb " +
                  std::to_string(m.size()) + " entries, rocksdb " + std::to_string(r.size()) +
                  "): mmdb " + at(m) + ", rocksdb " + at(r));
  }

  // One random positioning move on both iterators, then a comparison.
  void Move(IterPair& p) {
    std::string what;
    const bool valid = p.mmdb->Valid();
    const uint64_t kind = rnd_.Uniform(valid ? 8 : 4);
    const std::string t = RandomKey();
    switch (kind) {
      case 0:
        what = "Seek(" + Printable(t) + ")";
        p.mmdb->Seek(t);
        if (p.rocks) p.rocks->Seek(t);
        break;
      case 1:
        what = "SeekForPrev(" + Printable(t) + ")";
        p.mmdb->SeekForPrev(t);
        if (p.rocks) p.rocks->SeekForPrev(t);
        break;
      case 2:
        what = "SeekToFirst";
        p.mmdb->SeekToFirst();
        if (p.rocks) p.rocks->SeekToFirst();
        break;
      case 3:
        what = "SeekToLast";
        p.mmdb->SeekToLast();
        if (p.rocks) p.rocks->SeekToLast();
        break;
      case 4:
      case 5:
        what = "Next";
        p.mmdb->Next();
        if (p.rocks) p.rocks->Next();
        break;
      default:
        what = "Prev";
        p.mmdb->Prev();
        if (p.rocks) p.rocks->Prev();
        break;
    }
    SamePosition(p, what);
  }

  bool SamePosition(IterPair& p, const std::string& what) {
    ++stats_.reads_compared;
    if (!p.mmdb->status().ok()) return Differ(what + ": mmdb " + p.mmdb->status().ToString());
    if (p.empty) {
      if (p.mmdb->Valid()) {
        return Differ(what + ": mmdb valid at '" + Printable(p.mmdb->key()) +
                      "' on an empty range");
      }
      return true;
    }
    if (!p.rocks->status().ok()) {
      return Differ(what + ": rocksdb " + p.rocks->status().ToString());
    }
    // RocksDB asserts on key() / value() of an invalid iterator.
    auto pos = [](const auto& it) {
      if (!it.Valid()) return std::string("<invalid>");
      return "'" + Printable({it.key().data(), it.key().size()}) + "'='" +
             Printable({it.value().data(), it.value().size()}) + "'";
    };
    const std::string m = pos(*p.mmdb);
    const std::string r = pos(*p.rocks);
    if (m != r) return Differ(what + ": mmdb at " + m + ", rocksdb at " + r);
    return true;
  }

  // Iterators kept open while later operations run: they must go on
  // showing the state of their creation.
  void OpenLiveIterator() {
    if (live_.size() >= 3) return;
    std::string what = "live iterator open";
    std::unique_ptr<Bounds> bounds = RandomBounds(&what);
    Note(what);
    live_.push_back(pair_.NewIterators(std::move(bounds), nullptr));
    Move(live_.back());
  }

  void MoveLiveIterator() {
    if (live_.empty()) return;
    IterPair& p = live_[rnd_.Uniform(live_.size())];
    Note("live iterator moves");
    const int moves = 1 + static_cast<int>(rnd_.Uniform(4));
    for (int i = 0; i < moves && !failed_; ++i) Move(p);
  }

  void FullScan(const std::string& what) {
    IterPair p = pair_.NewIterators(std::make_unique<Bounds>(), nullptr);
    Walk(p, true, what);
  }

  // ---- maintenance -----------------------------------------------------

  void Flush() {
    Note("flush");
    Both(pair_.mmdb()->Flush(), pair_.rocks()->Flush(rocksdb::FlushOptions()));
    if (!failed_) FullScan("scan after flush");
  }

  void Compact() {
    std::optional<std::string> b, e;
    if (rnd_.OneIn(2)) b = RandomKey();
    if (rnd_.OneIn(2)) e = RandomKey();
    if (b && e && *b > *e) std::swap(b, e);
    Note("compact [" + (b ? Printable(*b) : "-") + ", " + (e ? Printable(*e) : "-") + "]");
    const rocksdb::Slice bs(b ? rocksdb::Slice(*b) : rocksdb::Slice());
    const rocksdb::Slice es(e ? rocksdb::Slice(*e) : rocksdb::Slice());
    Both(pair_.mmdb()->CompactRange(b, e),
         pair_.rocks()->CompactRange(rocksdb::CompactRangeOptions(), b ? &bs : nullptr,
                                     e ? &es : nullptr));
    if (!failed_) FullScan("scan after compaction");
  }

  void Reopen() {
    Note("reopen");
    DropHandles();
    rocksdb::Status s = pair_.Close();
    if (s.ok()) s = pair_.Open();
    if (!s.ok()) {
      Differ("reopen: " + s.ToString());
      return;
    }
    FullScan("scan after reopen");
  }

  void DropHandles() {
    live_.clear();
    for (SnapshotPair& s : snaps_) pair_.Release(&s);
    snaps_.clear();
  }

  // ---- bookkeeping -----------------------------------------------------

  void Note(std::string op) {
    recent_.push_back("step " + std::to_string(step_) + ": " + std::move(op));
    if (recent_.size() > 16) recent_.pop_front();
  }

  // A write must succeed on both engines.
  void Both(const Status& m, const rocksdb::Status& r) {
    if (!m.ok() || !r.ok())
      Differ("write status: mmdb " + m.ToString() + ", rocksdb " + r.ToString());
  }

  // Records the first difference and stops the run.
  bool Differ(const std::string& detail) {
    ++stats_.differences;
    failed_ = true;
    std::string msg = "MMDB and RocksDB differ: seed " + std::to_string(seed_) + ", step " +
                      std::to_string(step_) + ": " + detail + "\nrecent operations:\n";
    for (const std::string& op : recent_) msg += "  " + op + "\n";
    ADD_FAILURE() << msg;
    return false;
  }

  EnginePair pair_;
  const uint64_t seed_;
  Random rnd_;
  uint64_t step_ = 0;
  bool failed_ = false;
  RunStats stats_;
  std::vector<SnapshotPair> snaps_;
  std::vector<IterPair> live_;
  std::deque<std::string> recent_;
};

}  // namespace mmdb::oracle
