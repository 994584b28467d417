// A full disk heals (issue 13, point 7). A no-space error (Status::NoSpace)
// in the WAL append or sync, a flush's SST, the MANIFEST append or sync, or a
// compaction's output stops writes while it stands; once space returns the
// DB becomes writable again by itself (background retries) or at once
// (DB::Resume), Close succeeds, and a reopen holds every acknowledged write
// and no part of an unacknowledged one. Last, the same on a real, small
// tmpfs.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "crash/crash_workload.h"
#include "env/mem_env.h"
#include "util/result.h"
#include "util/test_util.h"

namespace mmdb {

namespace {

using crashtest::MatchesModel;
using crashtest::ModelState;
using Op = MemEnv::Op;

Options NoSpaceOptions(std::shared_ptr<Env> env, std::shared_ptr<Statistics> stats = nullptr) {
  Options o;
  o.env = std::move(env);
  o.statistics = std::move(stats);
  o.write_buffer_size = 32 << 10;
  o.block_size = 512;
  o.target_file_size_base = 32 << 10;
  o.l0_compaction_trigger = 100;  // compactions only when a case asks
  o.l0_slowdown_writes_trigger = 200;
  o.l0_stop_writes_trigger = 300;
  o.block_cache_capacity = 1 << 20;
  return o;
}

Status NoSpaceError() { return Status::NoSpace("injected: no space left on device"); }

// Where the fault lands, and what runs into it.
enum class Phase { kWrites, kSyncWrites, kFlush, kCompaction };
enum class Heal { kAutomatic, kResume };

struct NoSpaceCase {
  const char* name;
  Phase phase;
  Op op;
  const char* path_part;
};

const std::vector<NoSpaceCase>& Cases() {
  static const std::vector<NoSpaceCase> cases = {
      {"WAL append", Phase::kWrites, Op::kWrite, ".wal"},
      {"WAL sync", Phase::kSyncWrites, Op::kSync, ".wal"},
      {"flush SST write", Phase::kFlush, Op::kWrite, ".sst"},
      {"background flush SST write", Phase::kWrites, Op::kWrite, ".sst"},
      {"MANIFEST append", Phase::kFlush, Op::kWrite, "MANIFEST"},
      {"MANIFEST sync", Phase::kFlush, Op::kSync, "MANIFEST"},
      {"compaction output", Phase::kCompaction, Op::kWrite, ".sst"},
      {"disk full (every append)", Phase::kWrites, Op::kWrite, ""},
  };
  return cases;
}

// Waits (real time, bounded) until `db` accepts a write; the manual clock is
// moved on meanwhile so that the background retry falls due.
bool WaitUntilWritable(DB* db, MemEnv* env) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (db->Put("probe", "x").ok()) return true;
    env->AdvanceClock(100'000);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void RunCase(const NoSpaceCase& c, Heal heal, uint64_t seed) {
  SCOPED_TRACE(std::string(c.name) + (heal == Heal::kAutomatic ? " (automatic)" : " (Resume)"));
  crashtest::WorkloadConfig cfg;
  cfg.seed = seed;
  cfg.num_keys = 500;
  cfg.sync_one_in = c.phase == Phase::kSyncWrites ? 1 : 0;
  // A manual clock: no background retry falls due until the test moves it.
  auto env = std::make_shared<MemEnv>(MemEnv::Clock::kManual);
  auto stats = CreateDBStatistics();
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(NoSpaceOptions(env, stats), "/db", &db));
  ModelState model;
  uint64_t next = 1;
  auto write = [&](int n) -> Status {
    for (int i = 0; i < n; ++i) {
      const crashtest::Op op = crashtest::MakeOp(cfg, next);
      MMDB_RETURN_IF_ERROR(crashtest::WriteOp(db.get(), op));
      model.Apply(op);
      ++next;
    }
    return Status::OK();
  };
  ASSERT_OK(write(300));
  ASSERT_OK(db->Flush());
  ASSERT_OK(write(150));
  if (c.phase == Phase::kCompaction) {
    ASSERT_OK(db->Flush());
    ASSERT_OK(write(100));
  }

  // The disk fills: every matching call fails until the fault is lifted.
  env->FailRandomly(c.op, 1, seed, c.path_part, NoSpaceError());
  Status error;
  switch (c.phase) {
    case Phase::kWrites:
    case Phase::kSyncWrites:
      error = write(4000);
      if (error.ok()) error = db->Flush();
      break;
    case Phase::kFlush:
      error = db->Flush();
      break;
    case Phase::kCompaction:
      error = db->CompactRange(std::nullopt, std::nullopt);
      break;
  }
  ASSERT_TRUE(env->injected()) << "the fault never fired";
  ASSERT_TRUE(error.IsNoSpace()) << error.ToString();
  ASSERT_TRUE(error.IsIOError()) << error.ToString();
  const bool write_failed = c.phase == Phase::kWrites || c.phase == Phase::kSyncWrites;
  const crashtest::Op failed = crashtest::MakeOp(cfg, next);
  const crashtest::Op* maybe = write_failed ? &failed : nullptr;

  // While it stands: writes fail with it, reads see every acknowledged write.
  for (int i = 0; i < 3; ++i) {
    Status s = db->Put("during", "x");
    ASSERT_TRUE(s.IsNoSpace()) << s.ToString();
  }
  ModelState seen;
  ASSERT_TRUE(MatchesModel(db.get(), model, maybe, &seen)) << "while the disk is full";
  if (c.path_part[0] == '\0') {
    // Nothing can be written: a retry now fails, and the error stands.
    Status s = db->Resume();
    ASSERT_TRUE(s.IsNoSpace()) << s.ToString();
    ASSERT_TRUE(db->Put("during", "x").IsNoSpace());
  }

  // Space returns.
  env->ClearFaults();
  if (heal == Heal::kAutomatic) {
    ASSERT_TRUE(WaitUntilWritable(db.get(), env.get())) << "no automatic recovery";
  } else {
    ASSERT_OK(db->Resume());
    ASSERT_OK(db->Put("probe", "x"));
  }
  EXPECT_GE(stats->GetTickerCount(kErrorRecoveryAttempts), 1u);
  EXPECT_GE(stats->GetTickerCount(kErrorRecoverySuccesses), 1u);
  ASSERT_OK(db->Delete("probe"));
  model = seen;
  maybe = nullptr;  // the scan above settled whether the failed write landed
  if (write_failed) ++next;
  ASSERT_OK(write(500));
  ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
  ASSERT_OK(write(100));
  ASSERT_TRUE(MatchesModel(db.get(), model, nullptr, &seen)) << "after recovery";
  std::shared_ptr<MemEnv> cut = env->CrashClone();  // a power cut before Close
  ASSERT_OK(db->Close());
  db.reset();

  ASSERT_OK(DB::Open(NoSpaceOptions(env), "/db", &db));
  ASSERT_TRUE(MatchesModel(db.get(), model, nullptr, &seen)) << "after reopen";
  ASSERT_OK(db->Close());
  db.reset();
  if (c.phase == Phase::kSyncWrites) {
    // Every write was synced: a power cut loses none of them.
    ASSERT_OK(DB::Open(NoSpaceOptions(cut), "/db", &db));
    ASSERT_TRUE(MatchesModel(db.get(), model, nullptr, &seen)) << "after a power cut";
    ASSERT_OK(db->Close());
  }
}

}  // namespace

TEST(NoSpaceTest, DiskFullStopsWritesAndHealsAutomatically) {
  uint64_t seed = test::Seed();
  for (const NoSpaceCase& c : Cases()) {
    RunCase(c, Heal::kAutomatic, ++seed);
    if (HasFatalFailure()) return;
  }
}

TEST(NoSpaceTest, DiskFullHealsAtOnceWithResume) {
  uint64_t seed = test::Seed() + 1000;
  for (const NoSpaceCase& c : Cases()) {
    RunCase(c, Heal::kResume, ++seed);
    if (HasFatalFailure()) return;
  }
}

// Any other I/O error stays until a reopen; Resume reports it.
TEST(NoSpaceTest, OtherErrorsStaySticky) {
  auto env = std::make_shared<MemEnv>(MemEnv::Clock::kManual);
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(NoSpaceOptions(env), "/db", &db));
  ASSERT_OK(db->Put("a", "1"));
  env->FailNth(Op::kWrite, 1, Status::IOError("injected: bad sector"), ".wal");
  ASSERT_FALSE(db->Put("b", "2").ok());
  env->ClearFaults();
  env->AdvanceClock(60'000'000);
  Status s = db->Resume();
  ASSERT_TRUE(s.IsIOError() && !s.IsNoSpace()) << s.ToString();
  ASSERT_FALSE(db->Put("c", "3").ok());
  EXPECT_FALSE(db->Close().ok());
}

// A read-only DB has nothing to recover.
TEST(NoSpaceTest, ResumeOnReadOnlyIsOk) {
  auto env = std::make_shared<MemEnv>();
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(NoSpaceOptions(env), "/db", &db));
  ASSERT_OK(db->Put("a", "1"));
  ASSERT_OK(db->Close());
  db.reset();
  ASSERT_OK(DB::OpenForReadOnly(NoSpaceOptions(env), "/db", &db));
  ASSERT_OK(db->Resume());
  ASSERT_OK(db->Close());
}

// The same on a real file system: a small tmpfs fills up, a filler file is
// deleted, and the DB heals by itself.
TEST(NoSpaceTest, RealTmpfsFillsAndHeals) {
  const std::string dir = "/tmp/mmdb_nospace_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=8m") != 0) {
    std::filesystem::remove_all(dir);
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): "
                 << std::strerror(errno);
  }
  struct Unmount {
    std::string dir;
    ~Unmount() {
      (void)::umount(dir.c_str());
      std::filesystem::remove_all(dir);
    }
  } unmount{dir};
  const std::string filler = dir + "/filler";
  {
    std::ofstream f(filler, std::ios::binary);
    const std::string mb(1 << 20, 'f');
    for (int i = 0; i < 6; ++i) f << mb;
  }
  const std::string dbname = dir + "/db";
  auto stats = CreateDBStatistics();
  Options o = NoSpaceOptions(Env::Default(), stats);
  o.compression = CompressionType::kNone;
  o.create_if_missing = true;
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, dbname, &db));
  std::map<std::string, std::string> model;
  Status error;
  int i = 0;
  for (; i < 100000 && error.ok(); ++i) {
    const std::string key = "key" + std::to_string(i);
    const std::string value(1000, static_cast<char>('a' + i % 26));
    error = db->Put(key, value);
    if (error.ok()) model[key] = value;
  }
  ASSERT_TRUE(error.IsNoSpace()) << "wrote " << i << " values: " << error.ToString();
  for (int k = 0; k < 3; ++k) ASSERT_TRUE(db->Put("during", "x").IsNoSpace());
  Status s;
  crashtest::Model got = crashtest::ScanAll(db.get(), &s);
  ASSERT_OK(s);
  got.erase("key" + std::to_string(i - 1));  // the failed write: landed or not
  EXPECT_EQ(got, model) << "while the disk is full";

  std::filesystem::remove(filler);
  bool healed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!healed && std::chrono::steady_clock::now() < deadline) {
    healed = db->Put("probe", "x").ok();
    if (!healed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(healed) << "no automatic recovery within 30 s";
  EXPECT_GE(stats->GetTickerCount(kErrorRecoverySuccesses), 1u);
  model["probe"] = "x";
  ASSERT_OK(db->Put("after", "heal"));
  model["after"] = "heal";
  ASSERT_OK(db->Close());
  db.reset();
  ASSERT_OK(DB::Open(o, dbname, &db));
  got = crashtest::ScanAll(db.get(), &s);
  ASSERT_OK(s);
  const std::string failed_key = "key" + std::to_string(i - 1);
  if (got.count(failed_key) != 0) {
    EXPECT_EQ(got[failed_key], std::string(1000, static_cast<char>('a' + (i - 1) % 26)));
    got.erase(failed_key);
  }
  EXPECT_EQ(got, model) << "after reopen";
  ASSERT_OK(db->Close());
}

}  // namespace mmdb
