// Byte surgery on every file kind of a closed DB: the DB must answer with a
// Corruption status (on open or on read), never crash, never return a wrong
// value silently.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "db/db_test_util.h"

namespace mmdb {

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FilesWithSuffix(const std::string& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() && name.ends_with(suffix)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

using test::XorByte;

void Truncate(const fs::path& p, uint64_t size) { fs::resize_file(p, size); }

}  // namespace

class DBCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("corrupt"); }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }

  // Writes keys; `flush` puts them in an SST, else leaves them in the WAL
  // (the directory is copied while open, as a crash would leave it).
  void Fill(bool flush) {
    Options o = test::TinyOptions();
    o.compression = CompressionType::kNone;
    o.write_buffer_size = 4 << 20;  // one memtable, one WAL
    ASSERT_OK(DB::Open(o, dir_, &db_));
    for (int i = 0; i < 500; ++i) {
      ASSERT_OK(db_->Put("key" + std::to_string(1000 + i), std::string(100, 'a' + i % 26)));
    }
    if (flush) {
      ASSERT_OK(db_->Close());
      db_.reset();
    } else {
      const std::string copy = dir_ + "_copy";
      test::CopyDir(dir_, copy);
      db_.reset();
      test::RemoveTree(dir_);
      fs::rename(copy, dir_);
    }
  }

  // Reads every key; returns the first non-OK, non-NotFound status, and
  // fails the test on a wrong value.
  Status ReadAll() {
    for (int i = 0; i < 500; ++i) {
      std::string v;
      Status s = db_->Get("key" + std::to_string(1000 + i), &v);
      if (s.ok()) {
        EXPECT_EQ(v, std::string(100, 'a' + i % 26)) << "wrong value returned silently";
      } else if (!s.IsNotFound()) {
        return s;
      }
    }
    auto it = db_->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
    }
    return it->status();
  }

  std::string dir_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBCorruptionTest, BitFlipInSstDataIsCorruptionOnRead) {
  Fill(/*flush=*/true);
  auto ssts = FilesWithSuffix(dir_, ".sst");
  ASSERT_FALSE(ssts.empty());
  XorByte(ssts[0], 100, 0x40);  // inside the first data block
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  EXPECT_TRUE(ReadAll().IsCorruption());
}

TEST_F(DBCorruptionTest, DamagedSstFooterOrTruncatedSstIsCorruption) {
  for (int variant = 0; variant < 3; ++variant) {
    Fill(/*flush=*/true);
    auto ssts = FilesWithSuffix(dir_, ".sst");
    ASSERT_FALSE(ssts.empty());
    const uint64_t size = fs::file_size(ssts[0]);
    if (variant == 0) XorByte(ssts[0], size - 1, 0xff);   // magic
    if (variant == 1) XorByte(ssts[0], size - 40, 0x7f);  // index handle
    if (variant == 2) Truncate(ssts[0], size / 2);
    Status s = DB::Open(test::TinyOptions(), dir_, &db_);
    if (s.ok()) s = ReadAll();
    EXPECT_TRUE(s.IsCorruption()) << "variant " << variant << ": " << s.ToString();
    db_.reset();
    test::RemoveTree(dir_);
    dir_ = test::TempDir("corrupt" + std::to_string(variant));
  }
}

TEST_F(DBCorruptionTest, BitFlipMidWalIsCorruptionOnOpen) {
  Fill(/*flush=*/false);
  auto wals = FilesWithSuffix(dir_, ".wal");
  ASSERT_FALSE(wals.empty());
  const fs::path& wal = wals.back();
  ASSERT_GT(fs::file_size(wal), 10000u);
  XorByte(wal, 5000, 0x01);  // mid-file: valid records follow
  Status s = DB::Open(test::TinyOptions(), dir_, &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(db_, nullptr);
}

TEST_F(DBCorruptionTest, TornWalTailIsDroppedSilently) {
  Fill(/*flush=*/false);
  auto wals = FilesWithSuffix(dir_, ".wal");
  ASSERT_FALSE(wals.empty());
  const uint64_t size = fs::file_size(wals.back());
  Truncate(wals.back(), size - 50);  // cut into the last record
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  int present = 0;
  for (int i = 0; i < 500; ++i) {
    std::string v;
    Status s = db_->Get("key" + std::to_string(1000 + i), &v);
    if (s.ok()) ++present;
    ASSERT_TRUE(s.ok() || s.IsNotFound());
  }
  EXPECT_EQ(present, 499);  // exactly the torn record is lost
}

TEST_F(DBCorruptionTest, BadManifestOrCurrentIsCorruptionOnOpen) {
  for (int variant = 0; variant < 3; ++variant) {
    Fill(/*flush=*/true);
    if (variant == 0) {
      std::ofstream(dir_ + "/CURRENT", std::ios::trunc) << "garbage\n";
    } else if (variant == 1) {
      std::ofstream(dir_ + "/CURRENT", std::ios::trunc) << "MANIFEST-000001";  // no newline
    } else {
      auto manifests = FilesWithSuffix(dir_, "");
      fs::path manifest;
      for (const auto& p : manifests) {
        if (p.filename().string().starts_with("MANIFEST-")) manifest = p;
      }
      ASSERT_FALSE(manifest.empty());
      XorByte(manifest, 10, 0x20);  // first record's payload: bad checksum, data follows
    }
    Status s = DB::Open(test::TinyOptions(), dir_, &db_);
    EXPECT_TRUE(s.IsCorruption()) << "variant " << variant << ": " << s.ToString();
    db_.reset();
    test::RemoveTree(dir_);
    dir_ = test::TempDir("corrupt_m" + std::to_string(variant));
  }
}

TEST_F(DBCorruptionTest, ForeignFilesDoNotCrashOpen) {
  std::ofstream(dir_ + "/CURRENT") << "MANIFEST-000009\n";
  std::ofstream(dir_ + "/MANIFEST-000009") << std::string(100, '\x42');
  Status s = DB::Open(test::TinyOptions(), dir_, &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(fs::exists(dir_ + "/MANIFEST-000009"));  // never deletes user data
}

}  // namespace mmdb
