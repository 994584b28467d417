// Error injection on the in-memory Env: write, sync, open, read, rename and
// directory-sync errors during WAL appends, memtable switches, flushes,
// compactions, MANIFEST writes and recovery. For every case the DB must:
//   - surface the injected error (from the write, Flush or CompactRange that
//     needed the failed I/O, or from the next write after a background
//     failure);
//   - stop accepting writes once it cannot guarantee durability (a sticky
//     background error: read-only until reopened), while still serving reads;
//   - on reopen with a healthy disk, hold exactly every acknowledged write
//     (plus, possibly, the one write that failed), and accept writes again;
//   - lose no synced write to a power cut taken right after the error.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "crash/crash_workload.h"
#include "env/mem_env.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {

namespace {

using crashtest::MatchesModel;
using crashtest::ModelState;
using Op = MemEnv::Op;

Options FaultOptions(std::shared_ptr<Env> env) {
  Options o;
  o.env = std::move(env);
  o.write_buffer_size = 32 << 10;
  o.block_size = 512;
  o.target_file_size_base = 32 << 10;
  o.l0_compaction_trigger = 100;  // compactions only when a case asks
  o.l0_slowdown_writes_trigger = 200;
  o.l0_stop_writes_trigger = 300;
  o.block_cache_capacity = 1 << 20;
  return o;
}

// What drives the I/O the fault lands in.
enum class Phase { kWrites, kFlush, kCompaction };

struct FaultCase {
  const char* name;
  Phase phase;
  Op op;
  const char* path_part;
  int nth;
};

const char* PhaseName(Phase p) {
  switch (p) {
    case Phase::kWrites:
      return "writes";
    case Phase::kFlush:
      return "flush";
    case Phase::kCompaction:
      return "compaction";
  }
  return "?";
}

const std::vector<FaultCase>& Cases() {
  static const std::vector<FaultCase> cases = {
      {"WAL append", Phase::kWrites, Op::kWrite, ".wal", 1},
      {"WAL append (later)", Phase::kWrites, Op::kWrite, ".wal", 700},
      {"WAL sync", Phase::kWrites, Op::kSync, ".wal", 1},
      {"WAL sync (later)", Phase::kWrites, Op::kSync, ".wal", 20},
      {"WAL create at memtable switch", Phase::kWrites, Op::kOpen, ".wal", 1},
      {"directory sync", Phase::kWrites, Op::kSyncDir, "", 1},
      {"directory sync (later)", Phase::kWrites, Op::kSyncDir, "", 3},
      {"background flush SST write", Phase::kWrites, Op::kWrite, ".sst", 2},
      {"background flush SST sync", Phase::kWrites, Op::kSync, ".sst", 1},
      {"background flush MANIFEST write", Phase::kWrites, Op::kWrite, "MANIFEST", 1},
      {"flush SST create", Phase::kFlush, Op::kOpen, ".sst", 1},
      {"flush SST write", Phase::kFlush, Op::kWrite, ".sst", 1},
      {"flush SST write (last block)", Phase::kFlush, Op::kWrite, ".sst", 5},
      {"flush SST sync", Phase::kFlush, Op::kSync, ".sst", 1},
      {"flush directory sync", Phase::kFlush, Op::kSyncDir, "", 1},
      {"flush MANIFEST write", Phase::kFlush, Op::kWrite, "MANIFEST", 1},
      {"flush MANIFEST sync", Phase::kFlush, Op::kSync, "MANIFEST", 1},
      {"compaction SST create", Phase::kCompaction, Op::kOpen, ".sst", 1},
      {"compaction SST write", Phase::kCompaction, Op::kWrite, ".sst", 3},
      {"compaction SST sync", Phase::kCompaction, Op::kSync, ".sst", 1},
      {"compaction SST read", Phase::kCompaction, Op::kRead, ".sst", 2},
      {"compaction MANIFEST write", Phase::kCompaction, Op::kWrite, "MANIFEST", 1},
      {"compaction MANIFEST sync", Phase::kCompaction, Op::kSync, "MANIFEST", 1},
  };
  return cases;
}

struct Outcome {
  int cases = 0;
  int surfaced = 0;  // the injected error was returned to the caller
  int sticky = 0;    // writes refused afterwards
};

void RunCase(const FaultCase& fc, bool sync, uint64_t seed, Outcome* outcome) {
  SCOPED_TRACE(std::string(fc.name) + (sync ? " (sync)" : " (no sync)"));
  crashtest::WorkloadConfig cfg;
  cfg.seed = seed;
  cfg.num_keys = 500;
  cfg.sync_one_in = sync ? 1 : 0;
  auto env = std::make_shared<MemEnv>();
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(FaultOptions(env), "/db", &db));
  ModelState model;
  uint64_t next = 1;
  auto write = [&](int n) -> Status {
    for (int i = 0; i < n; ++i) {
      const crashtest::Op op = crashtest::MakeOp(cfg, next);
      Status s = crashtest::WriteOp(db.get(), op);
      if (!s.ok()) return s;
      model.Apply(op);
      ++next;
    }
    return Status::OK();
  };
  // Healthy start: some SSTs (two for the compaction case) and a live WAL.
  ASSERT_OK(write(300));
  ASSERT_OK(db->Flush());
  ASSERT_OK(write(150));
  if (fc.phase == Phase::kCompaction) {
    ASSERT_OK(db->Flush());
  }

  env->FailNth(fc.op, fc.nth, Status::IOError("injected " + std::string(fc.name)), fc.path_part);
  Status error;
  switch (fc.phase) {
    case Phase::kWrites:
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
  ASSERT_FALSE(error.ok()) << "the injected error was swallowed";
  ASSERT_NE(error.ToString().find("injected"), std::string::npos) << error.ToString();
  ++outcome->surfaced;
  // The failed write (kWrites) may or may not have landed.
  const crashtest::Op failed = crashtest::MakeOp(cfg, next);
  const crashtest::Op* maybe = fc.phase == Phase::kWrites ? &failed : nullptr;

  // Read-only until reopened: writes fail, reads still work.
  for (int i = 0; i < 3; ++i) {
    Status s = db->Put("after-error", "x");
    ASSERT_FALSE(s.ok()) << "a write was accepted after a durability error";
  }
  EXPECT_FALSE(db->Flush().ok());
  ++outcome->sticky;
  ModelState seen;
  ASSERT_TRUE(MatchesModel(db.get(), model, maybe, &seen)) << "reads after the error";
  std::string bg;
  ASSERT_TRUE(db->GetProperty("mmdb.background-errors", &bg));

  // A power cut now keeps every synced write.
  std::shared_ptr<MemEnv> cut = env->CrashClone();
  EXPECT_FALSE(db->Close().ok()) << "Close hid the background error";
  db.reset();
  if (sync) {
    ASSERT_OK(DB::Open(FaultOptions(cut), "/db", &db)) << "after a power cut";
    ASSERT_TRUE(MatchesModel(db.get(), model, maybe, &seen)) << "after a power cut";
    ASSERT_OK(db->Close());
    db.reset();
  }

  // Reopen on a healthy disk: everything acknowledged is there, writes work.
  env->ClearFaults();
  ASSERT_OK(DB::Open(FaultOptions(env), "/db", &db));
  ASSERT_TRUE(MatchesModel(db.get(), model, maybe, &seen)) << "after reopen";
  model = seen;
  ++next;
  ASSERT_OK(write(200));
  ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
  ASSERT_OK(db->Close());
  db.reset();
  ASSERT_OK(DB::Open(FaultOptions(env), "/db", &db));
  ASSERT_TRUE(MatchesModel(db.get(), model, nullptr, &seen)) << "after the second reopen";
  ++outcome->cases;
}

}  // namespace

TEST(FaultInjectionTest, EveryInjectedErrorIsSurfacedStickyAndRecoverable) {
  Outcome outcome;
  uint64_t seed = test::Seed();
  for (const FaultCase& fc : Cases()) {
    for (bool sync : {false, true}) {
      RunCase(fc, sync, ++seed, &outcome);
      if (HasFatalFailure()) return;
    }
  }
  std::printf(
      "fault injection: %d cases (%zu points x sync on/off): %d errors surfaced, %d "
      "sticky read-only, all recovered on reopen\n",
      outcome.cases, Cases().size(), outcome.surfaced, outcome.sticky);
  for (const FaultCase& fc : Cases()) std::printf("  %s: %s\n", PhaseName(fc.phase), fc.name);
}

// Faults while opening (WAL replay, the flush of replayed data, MANIFEST
// rotation, CURRENT switch, obsolete-file removal): Open fails with the
// injected error or succeeds, and either way a later Open on a healthy disk
// (and after a power cut) has everything that was synced before.
TEST(FaultInjectionTest, FaultsDuringOpenLoseNothing) {
  crashtest::WorkloadConfig cfg;
  cfg.seed = test::Seed();
  cfg.num_keys = 400;
  cfg.sync_one_in = 1;
  // A crashed DB with SSTs and WAL data to replay.
  auto base = std::make_shared<MemEnv>();
  ModelState model;
  {
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(FaultOptions(base), "/db", &db));
    for (uint64_t i = 1; i <= 900; ++i) {
      const crashtest::Op op = crashtest::MakeOp(cfg, i);
      ASSERT_OK(crashtest::WriteOp(db.get(), op));
      model.Apply(op);
    }
    base = base->CrashClone();  // synced everything: nothing lost
  }
  const Op kinds[] = {Op::kWrite, Op::kSync,   Op::kRead,   Op::kRename,
                      Op::kOpen,  Op::kRemove, Op::kSyncDir};
  int tried = 0, open_failed = 0;
  for (Op kind : kinds) {
    for (int nth = 1; nth <= 12; ++nth) {
      SCOPED_TRACE("op " + std::to_string(static_cast<int>(kind)) + " nth " + std::to_string(nth));
      std::shared_ptr<MemEnv> env = base->CrashClone();
      env->FailNth(kind, nth, Status::IOError("injected at open"));
      std::unique_ptr<DB> db;
      Status s = DB::Open(FaultOptions(env), "/db", &db);
      ++tried;
      if (!s.ok()) {
        ++open_failed;
        ASSERT_NE(s.ToString().find("injected"), std::string::npos) << s.ToString();
        ASSERT_EQ(db, nullptr);
      } else {
        // The fault fired after Open (or in a removal it may ignore).
        (void)db->Close();
        db.reset();
      }
      ModelState seen;
      std::shared_ptr<MemEnv> cut = env->CrashClone();
      env->ClearFaults();
      ASSERT_OK(DB::Open(FaultOptions(env), "/db", &db));
      ASSERT_TRUE(MatchesModel(db.get(), model, nullptr, &seen)) << "after reopen";
      ASSERT_OK(db->Close());
      db.reset();
      ASSERT_OK(DB::Open(FaultOptions(cut), "/db", &db));
      ASSERT_TRUE(MatchesModel(db.get(), model, nullptr, &seen)) << "after a power cut";
    }
  }
  std::printf("faults at open: %d tried, %d opens failed cleanly, 0 data lost\n", tried,
              open_failed);
}

// Random faults on every kind of call while writing, reopening after each
// failure: acknowledged writes always survive, and after a failed write no
// later write is acknowledged until the reopen.
TEST(FaultInjectionTest, RandomFaultsNeverLoseAcknowledgedWrites) {
  Random rnd(test::Seed());
  crashtest::WorkloadConfig cfg;
  cfg.seed = rnd.Next64();
  cfg.num_keys = 400;
  cfg.sync_one_in = 4;
  auto env = std::make_shared<MemEnv>();
  ModelState model;
  uint64_t next = 1;
  int rounds = 0, failures = 0, open_failures = 0;
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    for (int k = 0; k < MemEnv::kNumOps; ++k) {
      if (static_cast<Op>(k) == Op::kRemove) continue;  // removals may fail silently
      env->FailRandomly(static_cast<Op>(k), 150 + static_cast<uint32_t>(rnd.Uniform(400)),
                        rnd.Next64());
    }
    std::unique_ptr<DB> db;
    Status s = DB::Open(FaultOptions(env), "/db", &db);
    if (!s.ok()) {
      ++open_failures;
      env->ClearFaults();
      continue;
    }
    const crashtest::Op* maybe = nullptr;
    crashtest::Op failed;
    for (int i = 0; i < 2000; ++i) {
      const crashtest::Op op = crashtest::MakeOp(cfg, next);
      s = crashtest::WriteOp(db.get(), op);
      if (!s.ok()) {
        failed = op;
        maybe = &failed;
        ++failures;
        break;
      }
      model.Apply(op);
      ++next;
    }
    if (maybe != nullptr) {
      for (int i = 0; i < 3; ++i) {
        ASSERT_FALSE(db->Put("after-error", "x").ok()) << "write accepted after " << s.ToString();
      }
    }
    (void)db->Close();
    db.reset();
    env->ClearFaults();
    ASSERT_OK(DB::Open(FaultOptions(env), "/db", &db));
    ModelState seen;
    ASSERT_TRUE(MatchesModel(db.get(), model, maybe, &seen));
    model = seen;
    if (maybe != nullptr) ++next;
    ASSERT_OK(db->Close());
    ++rounds;
  }
  std::printf("random faults: %d rounds, %d failed writes, %d failed opens, 0 lost\n", rounds,
              failures, open_failures);
}

// A read error is never mistaken for "not found" or for another value, and
// does not stop writes (nothing durable is at stake).
TEST(FaultInjectionTest, ReadErrorsAreReportedNotHidden) {
  auto env = std::make_shared<MemEnv>();
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(FaultOptions(env), "/db", &db));
  for (int i = 0; i < 2000; ++i)
    ASSERT_OK(db->Put(crashtest::KeyName(i), "value" + std::to_string(i)));
  ASSERT_OK(db->Close());
  db.reset();
  int get_errors = 0, iter_errors = 0;
  for (int nth = 1; nth <= 6; ++nth) {
    Options o = FaultOptions(env);
    o.block_cache_capacity = 0;  // every lookup reads the file
    ASSERT_OK(DB::Open(o, "/db", &db));
    env->FailNth(Op::kRead, nth, Status::IOError("injected read"), ".sst");
    for (int i = 0; i < 2000; i += 97) {
      std::string v;
      Status s = db->Get(crashtest::KeyName(i), &v);
      if (s.ok()) {
        ASSERT_EQ(v, "value" + std::to_string(i));
      } else {
        ASSERT_TRUE(s.IsIOError()) << s.ToString();
        ++get_errors;
      }
    }
    env->FailNth(Op::kRead, nth, Status::IOError("injected read"), ".sst");
    auto it = db->NewIterator();
    // One full pass (forward or backward): every entry shown is right; the
    // pass ends complete or with the injected IOError.
    auto scan = [&](bool forward) {
      int seen = 0;
      for (forward ? it->SeekToFirst() : it->SeekToLast(); it->Valid();
           forward ? it->Next() : it->Prev()) {
        if (it->key() == "after") {  // written at the end of each round
          ASSERT_EQ(it->value(), "read error");
          continue;
        }
        ASSERT_EQ(it->value(),
                  "value" + std::to_string(std::stoi(std::string(it->key()).substr(1))));
        ++seen;
      }
      if (it->status().ok()) {
        ASSERT_EQ(seen, 2000);
      } else {
        ASSERT_TRUE(it->status().IsIOError()) << it->status().ToString();
        ++iter_errors;
      }
    };
    scan(/*forward=*/true);
    ASSERT_FALSE(HasFatalFailure());
    env->FailNth(Op::kRead, nth, Status::IOError("injected read"), ".sst");
    scan(/*forward=*/false);
    ASSERT_FALSE(HasFatalFailure());
    it.reset();
    env->ClearFaults();
    ASSERT_OK(db->Put("after", "read error"));
    ASSERT_OK(db->Close());
    db.reset();
  }
  EXPECT_EQ(get_errors, 6);
  EXPECT_EQ(iter_errors, 12);
}

}  // namespace mmdb
