// mmdb_stress: a multi-threaded randomized stress test with exact
// verification of every read against an expected-state table, and a
// black-box crash test (--kill-loop) on top of it.
//
//   mmdb_stress --db DIR --duration 30 --threads 4 --seed 7
//   mmdb_stress --db DIR --kill-loop 50 --seed 7         (SIGKILL cycles)
//   mmdb_stress --db DIR --expected FILE --duration 10   (state kept in FILE:
//       a later run, or an external `kill -9` script, continues and checks it)
//
// Options (block size, compression, bloom, write buffer, compaction threads,
// subcompactions, ...) are randomised from the seed, per run and per kill
// cycle. Exit status 0 only when no verification failed.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmdb/db.h>

#include "tools/stress/expected_state.h"
#include "tools/stress/stress_runner.h"
#include "util/random.h"

namespace mmdb::stress {
namespace {

struct Args {
  std::string db = "/tmp/mmdb-stress";
  std::string expected;  // empty: memory only (fresh DB each run)
  double duration = 20;
  uint64_t seed = 1;
  int threads = 4;
  uint32_t keys = 20000;
  uint32_t max_filler = 200;
  int kill_loop = 0;
  double min_kill_seconds = 0.2;
  double max_kill_seconds = 2.0;
};

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Opens the DB with options from `seed` and checks it against `expected`
// (resolving keys left pending by a crash). Returns false on a mismatch.
bool OpenAndVerify(const Args& args, uint64_t seed, ExpectedState* expected,
                   std::unique_ptr<DB>* db) {
  const Options o = RandomStressOptions(seed);
  Status s = DB::Open(o, args.db, db);
  if (!s.ok()) {
    std::fprintf(stderr, "open failed: %s\n", s.ToString().c_str());
    return false;
  }
  uint64_t resolved = 0;
  std::string error;
  const uint64_t bad = VerifyAndResolve(db->get(), expected, args.max_filler, &resolved, &error);
  if (bad > 0) {
    std::fprintf(stderr, "VERIFICATION FAILURE after reopen: %llu keys wrong; first: %s\n",
                 static_cast<unsigned long long>(bad), error.c_str());
    return false;
  }
  return true;
}

void PrintStats(const StressStats& st, double seconds) {
  std::printf(
      "stress: %.1f s, %llu ops (%.0f/s): %llu puts, %llu deletes, %llu delete ranges, %llu "
      "batches, %llu gets, %llu iterators, %llu snapshot checks, %llu flushes, %llu compact "
      "ranges; %llu reads verified exactly, %llu racy reads checked loosely, %llu verification "
      "failures\n",
      seconds, static_cast<unsigned long long>(st.ops.load()), st.ops.load() / seconds,
      static_cast<unsigned long long>(st.puts.load()),
      static_cast<unsigned long long>(st.deletes.load()),
      static_cast<unsigned long long>(st.delete_ranges.load()),
      static_cast<unsigned long long>(st.batches.load()),
      static_cast<unsigned long long>(st.gets.load()),
      static_cast<unsigned long long>(st.iterators.load()),
      static_cast<unsigned long long>(st.snapshots.load()),
      static_cast<unsigned long long>(st.flushes.load()),
      static_cast<unsigned long long>(st.compactions.load()),
      static_cast<unsigned long long>(st.verified.load()),
      static_cast<unsigned long long>(st.racy.load()),
      static_cast<unsigned long long>(st.failures.load()));
}

// One timed run; the final state is verified, then again after a reopen.
int RunOnce(const Args& args, ExpectedState* expected) {
  std::unique_ptr<DB> db;
  if (!OpenAndVerify(args, args.seed, expected, &db)) return 1;
  std::printf("options: %s\n", DescribeOptions(RandomStressOptions(args.seed)).c_str());
  StressConfig cfg{args.seed, args.threads, args.max_filler, args.duration, false};
  StressStats stats;
  const double start = Now();
  StressRunner(db.get(), expected, cfg, &stats).Run();
  const double seconds = Now() - start;
  bool ok = stats.failures.load() == 0;
  if (ok) {
    uint64_t resolved = 0;
    std::string error;
    const uint64_t bad = VerifyAndResolve(db.get(), expected, args.max_filler, &resolved, &error);
    if (bad > 0 || resolved > 0) {
      std::fprintf(stderr, "VERIFICATION FAILURE at the end: %llu keys wrong: %s\n",
                   static_cast<unsigned long long>(bad), error.c_str());
      ok = false;
    }
  }
  Status s = db->Close();
  db.reset();
  if (!s.ok()) {
    std::fprintf(stderr, "close failed: %s\n", s.ToString().c_str());
    ok = false;
  }
  if (ok && !OpenAndVerify(args, args.seed + 1, expected, &db)) ok = false;
  PrintStats(stats, seconds);
  std::printf("final check after reopen: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

// SIGKILL cycles: a child runs the stress until killed at a random moment;
// the parent reopens and checks the DB against the shared expected state.
int RunKillLoop(const Args& args, ExpectedState* expected) {
  Random rnd(args.seed);
  uint64_t resolved_total = 0;
  const double start = Now();
  for (int cycle = 0; cycle < args.kill_loop; ++cycle) {
    const uint64_t cycle_seed = args.seed * 7919 + static_cast<uint64_t>(cycle);
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      return 1;
    }
    if (pid == 0) {
      std::unique_ptr<DB> db;
      if (!DB::Open(RandomStressOptions(cycle_seed), args.db, &db).ok()) _exit(3);
      StressConfig cfg{cycle_seed, args.threads, args.max_filler, /*duration=*/0, false};
      StressStats stats;
      StressRunner(db.get(), expected, cfg, &stats).Run();
      _exit(4);  // only a verification failure stops the runner
    }
    const double wait = args.min_kill_seconds + (args.max_kill_seconds - args.min_kill_seconds) *
                                                    static_cast<double>(rnd.Uniform(1000)) / 1000.0;
    usleep(static_cast<useconds_t>(wait * 1e6));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) {
      std::fprintf(stderr, "cycle %d: the child stopped by itself (exit %d): it found an error\n",
                   cycle, WEXITSTATUS(status));
      return 1;
    }
    std::unique_ptr<DB> db;
    const Options o = RandomStressOptions(cycle_seed + 1);
    Status s = DB::Open(o, args.db, &db);
    if (!s.ok()) {
      std::fprintf(stderr, "cycle %d: reopen failed: %s\n", cycle, s.ToString().c_str());
      return 1;
    }
    uint64_t resolved = 0;
    std::string error;
    const uint64_t bad = VerifyAndResolve(db.get(), expected, args.max_filler, &resolved, &error);
    if (bad > 0) {
      std::fprintf(stderr, "cycle %d: VERIFICATION FAILURE after kill: %llu keys wrong; %s\n",
                   cycle, static_cast<unsigned long long>(bad), error.c_str());
      return 1;
    }
    resolved_total += resolved;
    s = db->Close();
    if (!s.ok()) {
      std::fprintf(stderr, "cycle %d: close failed: %s\n", cycle, s.ToString().c_str());
      return 1;
    }
  }
  std::printf(
      "kill-loop: %d SIGKILL cycles in %.1f s, every key verified after each reopen, %llu "
      "in-flight writes resolved, 0 verification failures\n",
      args.kill_loop, Now() - start, static_cast<unsigned long long>(resolved_total));
  return 0;
}

}  // namespace
}  // namespace mmdb::stress

int main(int argc, char** argv) {
  using namespace mmdb::stress;
  Args args;
  CLI::App app{"mmdb_stress: randomized multi-threaded stress and crash test for MMDB"};
  app.add_option("--db", args.db, "database directory")->capture_default_str();
  app.add_option("--expected", args.expected,
                 "file holding the expected state (kept across runs); empty = fresh DB")
      ->capture_default_str();
  app.add_option("--duration", args.duration, "seconds to run (normal mode)")
      ->capture_default_str();
  app.add_option("--seed", args.seed, "random seed (ops and options)")->capture_default_str();
  app.add_option("--threads", args.threads, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--keys", args.keys, "size of the key space")
      ->capture_default_str()
      ->check(CLI::Range(16u, 100000000u));
  app.add_option("--max-value", args.max_filler, "max filler bytes per value")
      ->capture_default_str();
  app.add_option("--kill-loop", args.kill_loop, "SIGKILL cycles (0 = normal timed run)")
      ->capture_default_str();
  app.add_option("--min-kill-seconds", args.min_kill_seconds, "shortest life of a child")
      ->capture_default_str();
  app.add_option("--max-kill-seconds", args.max_kill_seconds, "longest life of a child")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (args.expected.empty()) {
    // No expected state to continue from: start from an empty DB.
    mmdb::Status s = mmdb::DestroyDB(args.db, mmdb::Options());
    if (!s.ok()) {
      std::fprintf(stderr, "cannot clear %s: %s\n", args.db.c_str(), s.ToString().c_str());
      return 1;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(args.db, ec);  // parents too; Open makes only the last
  std::unique_ptr<ExpectedState> expected;
  mmdb::Status s = ExpectedState::Open(args.expected, args.keys, &expected);
  if (!s.ok()) {
    std::fprintf(stderr, "expected state: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("mmdb_stress: db=%s seed=%llu threads=%d keys=%u\n", args.db.c_str(),
              static_cast<unsigned long long>(args.seed), args.threads, args.keys);
  const int rc =
      args.kill_loop > 0 ? RunKillLoop(args, expected.get()) : RunOnce(args, expected.get());
  std::printf("%s\n", rc == 0 ? "PASSED" : "FAILED");
  return rc;
}
