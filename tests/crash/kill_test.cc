// Process-kill crash test: a child process writes (single puts and 3-key
// batches, sync off) and reports each acknowledged write to the parent over a
// pipe; the parent SIGKILLs it at a random moment, reopens the DB and checks:
//   - every acknowledged write is there (it reached the OS before the call
//     returned, so a process crash cannot lose it);
//   - every batch is all or nothing;
//   - no value appears that was never written.
// Repeated for several cycles on the same directory, through flushes.
#include <cstring>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mmdb/db.h>

#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {

namespace {

Options CrashOptions() {
  Options o;
  o.write_buffer_size = 32 << 10;  // many flushes while the child runs
  o.block_size = 512;
  return o;
}

std::string KeyOf(uint64_t i, int part) {
  return "k" + std::to_string(i) + "_" + std::to_string(part);
}
std::string ValueOf(uint64_t i) { return "value-" + std::to_string(i) + std::string(i % 50, 'x'); }

// Child: writes ops first..∞ and reports each acknowledged op number.
[[noreturn]] void RunWriter(const std::string& dir, uint64_t first, int fd) {
  std::unique_ptr<DB> db;
  if (!DB::Open(CrashOptions(), dir, &db).ok()) _exit(3);
  for (uint64_t i = first;; ++i) {
    Status s;
    if (i % 3 == 0) {
      WriteBatch b;
      for (int part = 0; part < 3; ++part) b.Put(KeyOf(i, part), ValueOf(i));
      s = db->Write(&b);
    } else {
      s = db->Put(KeyOf(i, 0), ValueOf(i));
    }
    if (!s.ok()) _exit(4);
    if (write(fd, &i, sizeof(i)) != sizeof(i)) _exit(5);
  }
}

}  // namespace

TEST(CrashTest, ProcessKillLosesNoAcknowledgedWrite) {
  const std::string dir = test::TempDir("kill");
  Random rnd(test::Seed());
  uint64_t next = 1;                  // first op number of the next cycle
  std::set<uint64_t> unacknowledged;  // ops in flight at a kill: may be absent
  constexpr int kCycles = 8;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunWriter(dir, next, fds[1]);
    }
    close(fds[1]);
    // Let it run for a random number of acknowledged writes, then kill it.
    const uint64_t target = 200 + rnd.Uniform(3000);
    uint64_t acked = 0, last = next - 1;
    uint64_t op;
    while (acked < target && read(fds[0], &op, sizeof(op)) == sizeof(op)) {
      last = op;
      ++acked;
    }
    kill(pid, SIGKILL);
    // Acknowledgements already in the pipe were acknowledged before the kill.
    while (read(fds[0], &op, sizeof(op)) == sizeof(op)) last = op;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);

    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(CrashOptions(), dir, &db));
    for (uint64_t i = 1; i <= last; ++i) {
      if (unacknowledged.count(i) > 0) continue;
      const int parts = i % 3 == 0 ? 3 : 1;
      for (int part = 0; part < parts; ++part) {
        std::string v;
        Status s = db->Get(KeyOf(i, part), &v);
        ASSERT_TRUE(s.ok()) << "cycle " << cycle << ": acknowledged op " << i
                            << " lost: " << s.ToString();
        ASSERT_EQ(v, ValueOf(i));
      }
    }
    // The op in flight at the kill may or may not be there, but never half.
    const uint64_t in_flight = last + 1;
    if (in_flight % 3 == 0) {
      int present = 0;
      for (int part = 0; part < 3; ++part) {
        std::string v;
        if (db->Get(KeyOf(in_flight, part), &v).ok()) {
          ++present;
          EXPECT_EQ(v, ValueOf(in_flight));
        }
      }
      EXPECT_TRUE(present == 0 || present == 3) << "partial batch " << in_flight;
    }
    // Nothing beyond the in-flight op was ever written.
    std::string v;
    EXPECT_TRUE(db->Get(KeyOf(in_flight + 1, 0), &v).IsNotFound());
    ASSERT_OK(db->Close());
    unacknowledged.insert(in_flight);
    next = in_flight + 1;
  }
  test::RemoveTree(dir);
}

}  // namespace mmdb
