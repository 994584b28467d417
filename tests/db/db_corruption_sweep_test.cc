// A corruption sweep: many damaged copies of one DB directory (a byte
// flipped, or the file cut short, at many offsets of every file kind), each
// opened writable with paranoid checks on and off and read-only, every key
// read by Get and by forward and backward scans. Each outcome is counted:
//   refused      Open failed, and no table was deleted or moved
//   read-error   Open succeeded; some read returned an error status
//   correct      every read returned exactly the model's data
//   tail-loss    the data equals the model after a prefix of the writes in
//                the WALs, and the open says so (mmdb.recovery reports
//                dropped records or bytes): a documented loss
//   wrong        anything else: a silent wrong answer
// The sweep asserts 0 wrong (a crash fails the run). The short version runs
// in `make test`; SlowCorruptionSweep (make soak) takes every few bytes.
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "db/db_test_util.h"
#include "util/random.h"

namespace mmdb {

namespace {

namespace fs = std::filesystem;

using Model = std::map<std::string, std::string>;

struct Op {
  std::string key;
  std::optional<std::string> value;  // nullopt: a deletion
};

struct Outcomes {
  int refused = 0, read_error = 0, correct = 0, tail_loss = 0, wrong = 0;
  int Total() const { return refused + read_error + correct + tail_loss + wrong; }
  std::string ToString() const {
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  "%d copies-opens: refused %d, read-error %d, correct %d, tail-loss %d, wrong %d",
                  Total(), refused, read_error, correct, tail_loss, wrong);
    return buf;
  }
};

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%06d", i);
  return buf;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Tables(const std::string& dir) {
  std::vector<std::string> out;
  for (const std::string& n : Names(dir)) {
    if (n.ends_with(".sst")) out.push_back(n);
  }
  return out;
}

// Reads everything; nullopt when a read returned an error status.
std::optional<Model> ReadAll(DB* db, const Model& expect_keys) {
  Model got;
  {
    auto it = db->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) got[std::string(it->key())] = it->value();
    if (!it->status().ok()) return std::nullopt;
    Model backwards;
    for (it->SeekToLast(); it->Valid(); it->Prev()) backwards[std::string(it->key())] = it->value();
    if (!it->status().ok()) return std::nullopt;
    if (backwards != got) {
      got.clear();  // a disagreement counts as wrong data
      got["<forward and backward scans differ>"] = "";
      return got;
    }
  }
  for (const auto& [key, value] : expect_keys) {
    std::string v;
    Status s = db->Get(ReadOptions(), key, &v);
    if (!s.ok() && !s.IsNotFound()) return std::nullopt;
    const auto it = got.find(key);
    if (s.ok() != (it != got.end()) || (s.ok() && v != it->second)) {
      got["<Get disagrees with the scan at " + key + ">"] = "";
    }
  }
  return got;
}

}  // namespace

class DBCorruptionSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempDir("sweep_base");
    work_ = test::TempDir("sweep_work");
    Build();
  }
  void TearDown() override {
    test::RemoveTree(dir_);
    test::RemoveTree(work_);
  }

  static Options BaseOptions() {
    Options o = test::TinyOptions();
    o.write_buffer_size = 32 << 10;
    o.target_file_size_base = 32 << 10;
    o.max_bytes_for_level_base = 64 << 10;
    return o;
  }

  // A DB with tables on several levels, a range deletion, a MANIFEST of
  // several records, and writes left in the WAL by a crash.
  void Build() {
    std::unique_ptr<DB> db;
    Options o = BaseOptions();
    ASSERT_OK(DB::Open(o, dir_, &db));
    Random rnd(301);
    for (int i = 0; i < 1500; ++i) {
      const std::string v(40 + rnd.Uniform(80), static_cast<char>('a' + rnd.Uniform(26)));
      ASSERT_OK(db->Put(Key(i), v));
      base_[Key(i)] = v;
    }
    ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
    ASSERT_OK(db->DeleteRange(Key(100), Key(180)));
    for (int i = 100; i < 180; ++i) base_.erase(Key(i));
    for (int i = 0; i < 600; ++i) {
      const int k = static_cast<int>(rnd.Uniform(1700));
      const std::string v(30 + rnd.Uniform(60), static_cast<char>('A' + rnd.Uniform(26)));
      ASSERT_OK(db->Put(Key(k), v));
      base_[Key(k)] = v;
    }
    ASSERT_OK(db->Flush());
    // The last writes stay in the WAL (a copy taken while open is a crash).
    for (int i = 0; i < 150; ++i) {
      const int k = static_cast<int>(rnd.Uniform(1700));
      Op op{Key(k), std::nullopt};
      if (rnd.OneIn(4)) {
        ASSERT_OK(db->Delete(op.key));
      } else {
        op.value = std::string(20 + rnd.Uniform(40), static_cast<char>('0' + rnd.Uniform(10)));
        ASSERT_OK(db->Put(op.key, *op.value));
      }
      wal_ops_.push_back(op);
    }
    const std::string copy = dir_ + "_crash";
    test::CopyDir(dir_, copy);
    db.reset();
    test::RemoveTree(dir_);
    fs::rename(copy, dir_);
    final_ = base_;
    for (const Op& op : wal_ops_) Apply(op, &final_);
    all_keys_ = final_;
    for (const auto& kv : base_) all_keys_.insert(kv);
  }

  static void Apply(const Op& op, Model* m) {
    if (op.value) {
      (*m)[op.key] = *op.value;
    } else {
      m->erase(op.key);
    }
  }

  // True when `got` is the model after a prefix of the WAL's writes.
  bool IsWalPrefix(const Model& got) const {
    Model m = base_;
    if (got == m) return true;
    for (const Op& op : wal_ops_) {
      Apply(op, &m);
      if (got == m) return true;
    }
    return false;
  }

  // Opens the damaged copy in `work_` three ways and counts the outcomes.
  // `wal_cut` says the damage cut the newest WAL short: what a crash does to
  // unsynced writes (FORMAT.md), so a WAL prefix is documented loss even
  // when nothing could be reported (a WAL cut at a record boundary).
  void Judge(const std::string& what, bool wal_cut, Outcomes* out) {
    struct Mode {
      bool read_only;
      bool paranoid;
    };
    for (Mode mode : {Mode{false, true}, Mode{false, false}, Mode{true, false}}) {
      const std::string copy = work_ + "/db";
      test::RemoveTree(copy);
      test::CopyDir(work_ + "/damaged", copy);
      const std::vector<std::string> tables = Tables(copy);
      Options o = BaseOptions();
      o.paranoid_checks = mode.paranoid;
      o.create_if_missing = false;
      std::unique_ptr<DB> db;
      Status s = mode.read_only ? DB::OpenForReadOnly(o, copy, &db) : DB::Open(o, copy, &db);
      const std::string where =
          what + (mode.read_only ? " read-only" : " writable") + (mode.paranoid ? " paranoid" : "");
      if (!s.ok()) {
        ++out->refused;
        EXPECT_EQ(Tables(copy), tables) << where << ": a refused open removed a table";
        continue;
      }
      std::optional<Model> got = ReadAll(db.get(), all_keys_);
      if (!got) {
        ++out->read_error;
      } else if (*got == final_) {
        ++out->correct;
      } else {
        std::string recovery;
        const bool reported = db->GetProperty("mmdb.recovery", &recovery) &&
                              (recovery.find("records-dropped: 0\n") == std::string::npos ||
                               recovery.find("bytes-dropped: 0\n") == std::string::npos);
        // Read-only opens have no mmdb.recovery: a WAL prefix is what a
        // torn tail or a damaged WAL leaves, which a writable open reports.
        if (IsWalPrefix(*got) && (reported || wal_cut || mode.read_only)) {
          ++out->tail_loss;
        } else {
          ++out->wrong;
          ADD_FAILURE() << where << ": wrong data (" << got->size() << " keys, expected "
                        << final_.size() << ")";
        }
      }
      db.reset();
    }
  }

  // Damages each file at `points` offsets per file (flip and cut).
  Outcomes Sweep(int points, uint64_t seed) {
    Outcomes out;
    Random rnd(seed);
    for (const std::string& name : Names(dir_)) {
      if (name == "LOCK") continue;
      const uint64_t size = fs::file_size(dir_ + "/" + name);
      if (size == 0) continue;
      for (int p = 0; p < points; ++p) {
        // Spread over the file, the ends included.
        const uint64_t offset =
            p == 0 ? 0 : (p == points - 1 ? size - 1 : rnd.Uniform(static_cast<uint32_t>(size)));
        for (bool cut : {false, true}) {
          test::RemoveTree(work_ + "/damaged");
          test::CopyDir(dir_, work_ + "/damaged");
          const std::string path = work_ + "/damaged/" + name;
          if (cut) {
            fs::resize_file(path, offset);
          } else {
            test::XorByte(path, offset, static_cast<uint8_t>(1u << rnd.Uniform(8)));
          }
          Judge(name + (cut ? " cut at " : " flipped at ") + std::to_string(offset),
                cut && name.ends_with(".wal"), &out);
        }
      }
    }
    return out;
  }

  std::string dir_, work_;
  Model base_, final_, all_keys_;
  std::vector<Op> wal_ops_;
};

TEST_F(DBCorruptionSweepTest, NoDamageGivesWrongData) {
  const Outcomes out = Sweep(/*points=*/6, test::Seed());
  std::printf("corruption sweep: %s\n", out.ToString().c_str());
  EXPECT_EQ(out.wrong, 0) << out.ToString();
  EXPECT_GT(out.correct + out.tail_loss, 0);
  EXPECT_GT(out.refused + out.read_error, 0);
}

TEST_F(DBCorruptionSweepTest, SlowCorruptionSweep) {
  const Outcomes out = Sweep(/*points=*/80, test::Seed());
  std::printf("corruption sweep: %s\n", out.ToString().c_str());
  EXPECT_EQ(out.wrong, 0) << out.ToString();
}

}  // namespace mmdb
