// Power-loss tests on the in-memory Env: CrashClone() keeps only what was
// synced (file bytes and directory entries), optionally plus a random share
// of unsynced bytes and a torn (zeroed) last page, as a power cut would.
//
// Each cycle runs several generations on one MemEnv lineage: open (recover),
// write the crash workload, cut the power at a random moment (background
// flushes and compactions may be half done), and check the recovered state:
//   - all writes sync=true: exactly every acknowledged op survives;
//   - mixed / no sync: the state equals the model after some prefix of the
//     acknowledged ops that includes every op up to the last synced one: a
//     suffix may be lost, never a hole or half a batch.
// `make test` runs a short version; PowerLossTest.Slow* (label slow, `make
// soak`) runs 250 cycles of each.
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

using crashtest::ModelState;

Options MemOptions(std::shared_ptr<Env> env, Random* rnd) {
  Options o;
  o.env = std::move(env);
  o.write_buffer_size = (8 + rnd->Uniform(32)) << 10;  // flushes and WAL switches
  o.block_size = 256 << rnd->Uniform(4);
  o.target_file_size_base = 32 << 10;
  o.max_bytes_for_level_base = 128 << 10;
  o.l0_compaction_trigger = 2 + static_cast<int>(rnd->Uniform(3));
  o.max_background_compactions = 1 + static_cast<int>(rnd->Uniform(2));
  o.max_subcompactions = 1 + static_cast<int>(rnd->Uniform(2));
  o.compression = rnd->OneIn(2) ? CompressionType::kNone : CompressionType::kLZ4;
  o.block_cache_capacity = 1 << 20;
  return o;
}

struct PowerLossStats {
  int cycles = 0;
  int crashes = 0;
  uint64_t acknowledged = 0;
  uint64_t lost_unsynced = 0;  // acknowledged sync=false ops a crash dropped
};

// sync_one_in: 1 = every write synced; 0 = none; n = one in n.
void RunPowerLossCycles(int cycles, uint32_t sync_one_in, uint64_t seed, PowerLossStats* stats) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  for (int cycle = 0; cycle < cycles; ++cycle) {
    crashtest::WorkloadConfig cfg;
    cfg.seed = rnd.Next64();
    cfg.num_keys = 300;
    cfg.sync_one_in = sync_one_in;
    cfg.max_value = 200;
    std::shared_ptr<MemEnv> env = std::make_shared<MemEnv>();
    ModelState model;  // the state recovered by the last generation
    uint64_t next = 1;
    const int generations = 2 + static_cast<int>(rnd.Uniform(3));
    for (int gen = 0; gen < generations; ++gen) {
      SCOPED_TRACE("cycle " + std::to_string(cycle) + " generation " + std::to_string(gen));
      std::unique_ptr<DB> db;
      ASSERT_OK(DB::Open(MemOptions(env, &rnd), "/db", &db));
      // prefix_hash[j]: fingerprint after the first j ops of this generation.
      std::vector<uint64_t> prefix_hash{model.hash()};
      ModelState running = model;
      size_t must_keep = 0;  // ops up to the last synced one must survive
      const uint64_t n = rnd.Uniform(800);
      for (uint64_t j = 0; j < n; ++j) {
        const crashtest::Op op = crashtest::MakeOp(cfg, next + j);
        ASSERT_OK(crashtest::WriteOp(db.get(), op));
        running.Apply(op);
        prefix_hash.push_back(running.hash());
        if (op.sync) must_keep = j + 1;
      }
      if (rnd.OneIn(4)) {
        ASSERT_OK(db->Flush());
      }
      // Cut the power now, or a moment later while background work runs.
      if (rnd.OneIn(2)) env->SleepForMicroseconds(rnd.Uniform(3000));
      MemEnvCrashOptions crash;
      const double fractions[] = {0.0, 0.5, 1.0};
      crash.keep_unsynced_fraction = fractions[rnd.Uniform(3)];
      crash.torn_tail_bytes = rnd.OneIn(2) ? 0 : 4096;
      crash.seed = rnd.Next64();
      std::shared_ptr<MemEnv> crashed = env->CrashClone(crash);
      db.reset();  // the old lineage is gone with the power
      env = crashed;
      ++stats->crashes;

      ASSERT_OK(DB::Open(MemOptions(env, &rnd), "/db", &db));
      Status s;
      const crashtest::Model got = crashtest::ScanAll(db.get(), &s);
      ASSERT_OK(s);
      // The longest prefix whose fingerprint matches, then an exact check.
      const uint64_t h = crashtest::Fingerprint(got);
      size_t kept = n + 1;  // none
      for (size_t j = n + 1; j-- > must_keep;) {
        if (prefix_hash[j] == h) {
          kept = j;
          break;
        }
      }
      ModelState expect = model;
      for (size_t j = 0; j < std::min<size_t>(kept, n); ++j)
        expect.Apply(crashtest::MakeOp(cfg, next + j));
      ASSERT_TRUE(kept <= n && got == expect.map())
          << "recovered state is no prefix of ops " << next << ".." << next + n - 1
          << " keeping the first " << must_keep
          << " (last synced): " << crashtest::Diff(running.map(), got);
      if (sync_one_in == 1) {
        ASSERT_EQ(kept, n) << "synced writes lost";
      }
      stats->acknowledged += n;
      stats->lost_unsynced += n - kept;
      model = expect;
      next += n;
      ASSERT_OK(db->Close());
    }
    ++stats->cycles;
  }
}

void Report(const char* mode, const PowerLossStats& s) {
  std::printf(
      "power-loss (%s): %d cycles, %d power cuts, %llu acknowledged ops, %llu unsynced ops "
      "lost as a suffix, 0 synced lost, 0 holes\n",
      mode, s.cycles, s.crashes, static_cast<unsigned long long>(s.acknowledged),
      static_cast<unsigned long long>(s.lost_unsynced));
}

}  // namespace

TEST(PowerLossTest, SyncedWritesSurvive) {
  PowerLossStats stats;
  RunPowerLossCycles(15, 1, test::Seed(), &stats);
  if (!HasFatalFailure()) Report("sync=true", stats);
}

TEST(PowerLossTest, UnsyncedWritesLoseOnlyASuffix) {
  PowerLossStats stats;
  RunPowerLossCycles(15, 0, test::Seed() + 1, &stats);
  if (!HasFatalFailure()) Report("sync=false", stats);
}

TEST(PowerLossTest, MixedSyncKeepsEverythingUpToTheLastSync) {
  PowerLossStats stats;
  RunPowerLossCycles(15, 6, test::Seed() + 2, &stats);
  if (!HasFatalFailure()) Report("mixed", stats);
}

TEST(PowerLossTest, SlowSynced250Cycles) {
  PowerLossStats stats;
  RunPowerLossCycles(250, 1, test::Seed() + 10, &stats);
  if (!HasFatalFailure()) Report("sync=true", stats);
}

TEST(PowerLossTest, SlowUnsynced250Cycles) {
  PowerLossStats stats;
  RunPowerLossCycles(250, 0, test::Seed() + 11, &stats);
  if (!HasFatalFailure()) Report("sync=false", stats);
}

TEST(PowerLossTest, SlowMixed250Cycles) {
  PowerLossStats stats;
  RunPowerLossCycles(250, 6, test::Seed() + 12, &stats);
  if (!HasFatalFailure()) Report("mixed", stats);
}

}  // namespace mmdb
