// SnapshotList: the sequences pinned by live snapshots.
//
// DB::GetSnapshot hands out shared_ptr<const Snapshot> whose deleter removes
// the sequence from this list; the list itself is held by shared_ptr so a
// snapshot released after the DB closed is still safe. Compaction asks for
// the sequences to preserve (issue #4).
//
// Thread safety: internally synchronised (mu_ guards seqs_).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include <mmdb/snapshot.h>

#include "util/mutex.h"

namespace mmdb {

class SnapshotList : public std::enable_shared_from_this<SnapshotList> {
 public:
  // A snapshot at `seq`, registered until the last copy is dropped.
  std::shared_ptr<const Snapshot> Create(SequenceNumber seq);

  size_t size() const;
  // Every live snapshot sequence, ascending (duplicates removed).
  std::vector<SequenceNumber> Sequences() const;
  // The oldest live snapshot's sequence, or `if_none` when there is none.
  SequenceNumber Oldest(SequenceNumber if_none) const;

 private:
  void Release(SequenceNumber seq);

  mutable Mutex mu_;
  std::multiset<SequenceNumber> seqs_ GUARDED_BY(mu_);
};

}  // namespace mmdb
