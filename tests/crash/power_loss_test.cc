// Power-loss tests on the in-memory Env: CrashClone() keeps only what was
// synced (file bytes and directory entries), as a power cut would.
#include <map>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "env/mem_env.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {

namespace {

Options MemOptions(std::shared_ptr<Env> env) {
  Options o;
  o.env = std::move(env);
  o.write_buffer_size = 16 << 10;  // flushes and WAL switches during the run
  o.block_size = 512;
  return o;
}

std::string Key(uint64_t i) { return "key" + std::to_string(i); }

}  // namespace

// Every write acknowledged with sync=true survives any power loss.
TEST(PowerLossTest, SyncedWritesSurvive) {
  Random rnd(test::Seed());
  for (int cycle = 0; cycle < 30; ++cycle) {
    auto env = std::make_shared<MemEnv>();
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(MemOptions(env), "/db", &db));
    const uint64_t n = 50 + rnd.Uniform(400);
    std::map<std::string, std::string> synced;
    for (uint64_t i = 0; i < n; ++i) {
      const bool sync = rnd.OneIn(3);
      const std::string v = "v" + std::to_string(i) + std::string(rnd.Uniform(200), 'x');
      ASSERT_OK(db->Put(WriteOptions{.sync = sync}, Key(i), v));
      if (sync) synced[Key(i)] = v;
    }
    MemEnvCrashOptions crash;
    crash.keep_unsynced_fraction = rnd.OneIn(2) ? 0.0 : 0.5;
    crash.seed = rnd.Next64();
    auto crashed = env->CrashClone(crash);
    db.reset();
    ASSERT_OK(DB::Open(MemOptions(crashed), "/db", &db)) << "cycle " << cycle;
    for (const auto& [k, v] : synced) {
      std::string got;
      ASSERT_OK(db->Get(k, &got)) << "cycle " << cycle << " lost synced " << k;
      EXPECT_EQ(got, v);
    }
  }
}

// Without sync, a power loss may lose a suffix of the writes but never leaves
// a hole: the recovered state is the state after some prefix of the writes.
TEST(PowerLossTest, UnsyncedWritesLoseOnlyASuffix) {
  Random rnd(test::Seed() + 1);
  for (int cycle = 0; cycle < 30; ++cycle) {
    auto env = std::make_shared<MemEnv>();
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(MemOptions(env), "/db", &db));
    const uint64_t n = 100 + rnd.Uniform(500);
    for (uint64_t i = 0; i < n; ++i) {
      if (i % 4 == 3) {
        WriteBatch b;  // batches must be all or nothing
        b.Put(Key(i) + "a", "x");
        b.Put(Key(i) + "b", "x");
        ASSERT_OK(db->Write(&b));
      } else {
        ASSERT_OK(db->Put(Key(i), std::to_string(i)));
      }
    }
    MemEnvCrashOptions crash;
    crash.keep_unsynced_fraction = 1.0;
    crash.seed = rnd.Next64();
    auto crashed = env->CrashClone(crash);
    db.reset();
    ASSERT_OK(DB::Open(MemOptions(crashed), "/db", &db)) << "cycle " << cycle;
    bool missing_seen = false;
    for (uint64_t i = 0; i < n; ++i) {
      std::string v;
      bool present;
      if (i % 4 == 3) {
        const bool a = db->Get(Key(i) + "a", &v).ok();
        const bool b = db->Get(Key(i) + "b", &v).ok();
        ASSERT_EQ(a, b) << "half a batch after power loss, op " << i;
        present = a;
      } else {
        present = db->Get(Key(i), &v).ok();
        if (present) {
          EXPECT_EQ(v, std::to_string(i));
        }
      }
      if (!present) missing_seen = true;
      ASSERT_FALSE(present && missing_seen) << "hole before op " << i << ", cycle " << cycle;
    }
  }
}

}  // namespace mmdb
