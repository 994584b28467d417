// WriteThread: the queue behind group commit.
//
// Every write joins a FIFO queue. The writer at the front is the leader: it
// takes a group of the writers queued behind it, commits all their batches
// with one WAL append (+ at most one fsync) and one pass of memtable inserts,
// then marks them done and hands leadership to the next writer in line.
// Followers just sleep until their writer is done. Only one leader exists at
// a time, so the leader owns the WAL writer and inserts into the memtable
// without further locking.
//
// A writer without a batch is a control writer (e.g. "switch the memtable"):
// it always leads a group of its own.
//
// Thread safety: all methods are called by writer threads concurrently;
// mu_ guards the queue and every Writer's done/status fields.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include <mmdb/status.h>
#include <mmdb/write_batch.h>

namespace mmdb {

class WriteThread {
 public:
  struct Writer {
    Writer(WriteBatch* b, bool s, bool no_wal) : batch(b), sync(s), disable_wal(no_wal) {}
    WriteBatch* const batch;  // null: control writer
    const bool sync;
    const bool disable_wal;
    // Written by the leader that commits this writer, under mu_.
    bool done = false;
    Status status;
    std::condition_variable cv;
  };

  // Queues `w` and blocks until it is either done (committed by another
  // leader: read w->status) or at the front of the queue (the caller leads).
  // Returns true when the caller is the leader.
  bool JoinAndWait(Writer* w);

  // Leader only: `leader` plus the compatible writers queued behind it, up
  // to a byte budget (so one huge group cannot delay a small write for long).
  void BuildGroup(Writer* leader, std::vector<Writer*>* group);

  // Leader only: marks every writer of the group done with `status`,
  // removes them from the queue, wakes them and the next leader.
  void ExitAsLeader(const std::vector<Writer*>& group, const Status& status);

 private:
  std::mutex mu_;  // guards queue_ and Writer::done/status
  std::deque<Writer*> queue_;
};

}  // namespace mmdb
