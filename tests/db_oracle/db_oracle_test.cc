// RocksDB as a second oracle: the same seeded random operation sequences run
// in lockstep against MMDB and RocksDB, and every read result must match.
//
// MMDB_ORACLE_OPS sets the operations per seed and MMDB_ORACLE_SEEDS the
// seeds per configuration (defaults: 3000 x 2 for the short test, 50000 x 7
// for the slow one); seed i of a run is MMDB_SEED * 1000 + i (MMDB_SEED
// defaults to gtest's random seed). A difference prints the
// seed, the step and the operations before it.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "db/db_test_util.h"
#include "db_oracle/lockstep.h"

namespace mmdb::oracle {

namespace {

uint64_t EnvOr(const char* name, uint64_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : dflt;
}

// The oracle compares results, not durability: its DBs live in memory
// (/dev/shm) when the machine has it, where the fsyncs of hundreds of
// flushes cost nothing. MMDB_ORACLE_DIR (or TMPDIR) overrides.
std::string ScratchDir(const std::string& name) {
  const char* forced = std::getenv("MMDB_ORACLE_DIR");
  if (forced == nullptr && std::getenv("TMPDIR") == nullptr && ::access("/dev/shm", W_OK) == 0) {
    forced = "/dev/shm";
  }
  if (forced == nullptr) return test::TempDir(name);
  const std::string dir =
      std::string(forced) + "/mmdb_oracle_" + std::to_string(::getpid()) + "_" + name;
  test::RemoveTree(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

using Config = test::NamedOptions;

// The model test's two shapes, plus one with tiny caches so block cache and
// table cache evictions happen all the time.
std::vector<Config> Configs() {
  std::vector<Config> out = test::RandomizedTestShapes();
  Options small_caches = out.front().options;  // "tiny"
  small_caches.prefix_length = 4;
  small_caches.block_cache_capacity = 4 << 10;
  small_caches.max_open_files = 3;
  small_caches.compression = CompressionType::kNone;
  out.push_back({"small_caches_prefix", small_caches});
  return out;
}

void RunAll(uint64_t default_ops, uint64_t default_seeds) {
  const uint64_t ops = EnvOr("MMDB_ORACLE_OPS", default_ops);
  const uint64_t seeds = EnvOr("MMDB_ORACLE_SEEDS", default_seeds);
  RunStats total;
  for (const Config& config : Configs()) {
    for (uint64_t i = 0; i < seeds; ++i) {
      const uint64_t seed = test::Seed() * 1000 + i;
      // Half the seeds write range tombstones in the Rust engine's layout.
      Options options = config.options;
      options.rust_tombstone_layout = test::RustTombstoneLayoutFor(seed);
      SCOPED_TRACE(std::string("config ") + config.name + " seed " + std::to_string(seed) +
                   (options.rust_tombstone_layout ? " rust_tombstone_layout" : ""));
      const std::string dir = ScratchDir(std::string("oracle_") + config.name);
      const RunStats s = Lockstep(options, seed, dir).Run(ops);
      total.ops += s.ops;
      total.reads_compared += s.reads_compared;
      total.differences += s.differences;
      test::RemoveTree(dir);
      if (s.differences != 0) return;  // the failure is reported; keep the rest quiet
    }
  }
  std::printf(
      "oracle: seed base %llu, %zu configs x %llu seeds, %llu operations, %llu reads compared, "
      "%llu differences\n",
      static_cast<unsigned long long>(test::Seed() * 1000), Configs().size(),
      static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(total.ops),
      static_cast<unsigned long long>(total.reads_compared),
      static_cast<unsigned long long>(total.differences));
  EXPECT_EQ(total.differences, 0u);
}

}  // namespace

// `make test`: 3 configs x 2 seeds x 3000 = 18,000 operations.
TEST(DBOracleTest, MatchesRocksDBInLockstep) { RunAll(3000, 2); }

// `make soak`: 3 configs x 7 seeds x 50000 = 1,050,000 operations.
TEST(DBOracleTest, SlowMatchesRocksDBInLockstepMillionOps) { RunAll(50000, 7); }

}  // namespace mmdb::oracle
