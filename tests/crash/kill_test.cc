// Process-kill crash test. A child process writes the crash workload (single
// puts, deletes, delete ranges and batches; sync on and off) and reports each
// acknowledged op number to the parent over a pipe; the parent SIGKILLs it at
// a random moment (also during Open/recovery), reopens the DB and checks that
// its whole contents equal the model after every acknowledged op, with the op
// in flight at the kill either fully applied or not at all. That covers:
//   - no acknowledged write lost (a process crash keeps what reached the OS);
//   - every batch all or nothing;
//   - no value that was never written, no resurrected deleted key.
// Cycles run on the same directory, with options randomised per cycle and
// small buffers, so kills land in flushes, compactions and recoveries.
// `make test` runs 30 cycles; CrashTest.SlowProcessKill* (label slow,
// `make soak`) runs 250 cycles.
#include <cstring>
#include <string>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmdb/db.h>

#include "crash/crash_workload.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {

namespace {

using crashtest::ModelState;

Options RandomOptions(Random* rnd) {
  Options o;
  o.write_buffer_size = (16 + rnd->Uniform(64)) << 10;  // many flushes
  o.block_size = 256 << rnd->Uniform(4);
  o.target_file_size_base = 64 << 10;
  o.max_bytes_for_level_base = 256 << 10;
  o.l0_compaction_trigger = 2 + static_cast<int>(rnd->Uniform(3));
  o.max_background_compactions = 1 + static_cast<int>(rnd->Uniform(3));
  o.max_subcompactions = 1 + static_cast<int>(rnd->Uniform(3));
  o.bloom_bits_per_key = rnd->OneIn(4) ? 0 : 10;
  const CompressionType codecs[] = {CompressionType::kNone, CompressionType::kLZ4,
                                    CompressionType::kZstd};
  o.compression = codecs[rnd->Uniform(3)];
  o.block_cache_capacity = 1 << 20;
  return o;
}

// Child: writes ops first.. forever, reporting each acknowledged op number.
[[noreturn]] void RunWriter(const Options& options, const std::string& dir,
                            const crashtest::WorkloadConfig& cfg, uint64_t first, int fd) {
  std::unique_ptr<DB> db;
  if (!DB::Open(options, dir, &db).ok()) _exit(3);
  for (uint64_t i = first;; ++i) {
    if (!crashtest::WriteOp(db.get(), crashtest::MakeOp(cfg, i)).ok()) _exit(4);
    if (write(fd, &i, sizeof(i)) != sizeof(i)) _exit(5);
  }
}

struct KillStats {
  int cycles = 0;
  uint64_t acknowledged = 0;
  uint64_t synced = 0;
  int in_flight_applied = 0;
  int killed_before_first_ack = 0;
};

void RunKillCycles(int cycles, uint64_t seed, KillStats* stats) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  const std::string dir = test::TempDir("kill");
  Random rnd(seed);
  crashtest::WorkloadConfig cfg;
  cfg.seed = seed;
  ModelState model;   // state after every resolved op
  uint64_t next = 1;  // first op number of the next cycle
  for (int cycle = 0; cycle < cycles; ++cycle) {
    const Options options = RandomOptions(&rnd);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunWriter(options, dir, cfg, next, fds[1]);
    }
    close(fds[1]);
    // Kill after a random number of acknowledged ops (0: during Open or
    // recovery), plus a random extra delay.
    const uint64_t target = rnd.OneIn(10) ? 0 : rnd.Uniform(4000);
    uint64_t last = next - 1, op = 0;
    for (uint64_t acked = 0; acked < target && read(fds[0], &op, sizeof(op)) == sizeof(op);) {
      last = op;
      ++acked;
    }
    usleep(static_cast<useconds_t>(rnd.Uniform(target == 0 ? 4000 : 2000)));
    kill(pid, SIGKILL);
    // Acknowledgements already in the pipe were made before the kill.
    while (read(fds[0], &op, sizeof(op)) == sizeof(op)) last = op;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);

    for (uint64_t i = next; i <= last; ++i) {
      const crashtest::Op done = crashtest::MakeOp(cfg, i);
      model.Apply(done);
      stats->synced += done.sync ? 1 : 0;
    }
    stats->acknowledged += last + 1 - next;
    if (last + 1 == next) ++stats->killed_before_first_ack;
    const crashtest::Op in_flight = crashtest::MakeOp(cfg, last + 1);
    ModelState with_in_flight = model;
    with_in_flight.Apply(in_flight);

    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(RandomOptions(&rnd), dir, &db)) << "cycle " << cycle;
    Status s;
    const crashtest::Model got = crashtest::ScanAll(db.get(), &s);
    ASSERT_OK(s) << "cycle " << cycle;
    if (got == with_in_flight.map()) {
      if (got != model.map()) ++stats->in_flight_applied;
      model = with_in_flight;
    } else {
      ASSERT_TRUE(got == model.map())
          << "cycle " << cycle << ": recovered state is neither the acknowledged ops (1.." << last
          << ") nor those plus the op in flight (" << in_flight.entries.size()
          << " entries): " << crashtest::Diff(model.map(), got);
    }
    // Point lookups agree with the scan.
    for (int probe = 0; probe < 50; ++probe) {
      const std::string key = crashtest::KeyName(rnd.Uniform(cfg.num_keys));
      std::string v;
      Status g = db->Get(key, &v);
      auto it = model.map().find(key);
      if (it == model.map().end()) {
        ASSERT_TRUE(g.IsNotFound()) << key << ": " << g.ToString();
      } else {
        ASSERT_OK(g) << key;
        ASSERT_EQ(v, it->second) << key;
      }
    }
    ASSERT_OK(db->Close());
    next = last + 2;  // the in-flight op is resolved either way
    ++stats->cycles;
  }
  test::RemoveTree(dir);
}

void Report(const KillStats& s) {
  std::printf(
      "process-kill: %d cycles, %llu acknowledged ops (%llu sync), 0 lost, 0 partial batches; "
      "in-flight op applied in %d cycles, %d kills before the first ack\n",
      s.cycles, static_cast<unsigned long long>(s.acknowledged),
      static_cast<unsigned long long>(s.synced), s.in_flight_applied, s.killed_before_first_ack);
}

}  // namespace

TEST(CrashTest, ProcessKillLosesNoAcknowledgedWrite) {
  KillStats stats;
  RunKillCycles(30, test::Seed(), &stats);
  if (!HasFatalFailure()) Report(stats);
}

TEST(CrashTest, SlowProcessKill250Cycles) {
  KillStats stats;
  RunKillCycles(250, test::Seed() + 1, &stats);
  if (!HasFatalFailure()) Report(stats);
}

}  // namespace mmdb
