// Range tombstones as readers see them.
//
// A range tombstone [begin, end)@seq hides every version of every key in
// [begin, end) whose sequence is below seq. Tombstones from memtables and
// SSTs overlap freely; FragmentedRangeTombstones cuts them at every begin and
// end into non-overlapping fragments, each carrying the sequences of all
// tombstones that cover it (newest first), so that "is key k at sequence s
// hidden when reading at sequence r?" is one binary search.
//
// Thread safety: immutable after construction; share freely (readers hold it
// by shared_ptr).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/snapshot.h>

#include "sst/table_reader.h"  // RangeTombstone {begin, end, sequence}

namespace mmdb {

class FragmentedRangeTombstones {
 public:
  // Tombstones with begin >= end are ignored.
  explicit FragmentedRangeTombstones(std::vector<RangeTombstone> tombstones);

  bool empty() const { return fragments_.empty(); }
  size_t num_fragments() const { return fragments_.size(); }

  // The largest sequence <= read_seq among tombstones covering user_key, or 0
  // when none does. A version of user_key with sequence s is deleted by a
  // tombstone (at read_seq) iff s < MaxCoveringSeq(user_key, read_seq).
  SequenceNumber MaxCoveringSeq(std::string_view user_key, SequenceNumber read_seq) const;

  // The answer of MaxCoveringSeq together with the key interval around
  // user_key over which that answer cannot change: the fragment holding
  // user_key, or the gap between two fragments. Unbounded sides are flagged.
  struct Lookup {
    SequenceNumber seq = 0;  // MaxCoveringSeq(user_key, read_seq)
    std::string_view lo;     // inclusive, unless lo_unbounded
    std::string_view hi;     // exclusive, unless hi_unbounded
    bool lo_unbounded = true;
    bool hi_unbounded = true;
  };
  Lookup Find(std::string_view user_key, SequenceNumber read_seq) const;

 private:
  struct Fragment {
    std::string begin;
    std::string end;
    std::vector<SequenceNumber> seqs;  // descending
  };
  // Index of the fragment with begin <= user_key < end, or -1.
  long FindFragment(std::string_view user_key) const;

  std::vector<Fragment> fragments_;  // sorted by begin, non-overlapping
};

// The tombstones a read must honour: the fragmented lists of every source
// that has any (memtables, L0 files, levels), queried together.
//
// Each list is tagged with its source's position in newest-first order (the
// read path's child index: memtables, then L0 newest first, then L1, L2...).
// The LSM keeps every version of a key in a newer source newer than every
// version of that key in an older source, tombstones included, so a tombstone
// of source i hides every entry of the sources after i within its range; only
// entries of source i itself need their sequences compared. The DB iterator
// uses that to re-seek older sources past a tombstone instead of stepping
// over what it covers.
class RangeTombstoneView {
 public:
  void Add(std::shared_ptr<const FragmentedRangeTombstones> list, size_t source = 0) {
    if (list != nullptr && !list->empty()) lists_.push_back({std::move(list), source});
  }
  bool empty() const { return lists_.empty(); }
  size_t num_lists() const { return lists_.size(); }

  SequenceNumber MaxCoveringSeq(std::string_view user_key, SequenceNumber read_seq) const {
    SequenceNumber best = 0;
    for (const auto& l : lists_) {
      const SequenceNumber s = l.list->MaxCoveringSeq(user_key, read_seq);
      if (s > best) best = s;
    }
    return best;
  }

  // Everything a reader needs to know about the tombstones at one key, and
  // the interval [lo, hi) of keys for which it stays true (so a scan asks
  // again only when it leaves the interval: amortised O(1) per key).
  struct Cover {
    SequenceNumber seq = 0;  // largest covering sequence visible at read_seq
    // The newest source with a visible tombstone over the key (or -1), and
    // the fragment [begin, end) of that tombstone around the key.
    long newest_source = -1;
    std::string begin;
    std::string end;
    // The interval where all of the above holds.
    std::string lo, hi;
    bool lo_unbounded = true;
    bool hi_unbounded = true;
    bool Contains(std::string_view user_key) const {
      return (lo_unbounded || user_key >= std::string_view(lo)) &&
             (hi_unbounded || user_key < std::string_view(hi));
    }
  };
  // Fills *cover for user_key. Reuses the strings of *cover (no allocation
  // in steady state).
  void Find(std::string_view user_key, SequenceNumber read_seq, Cover* cover) const;

 private:
  struct Entry {
    std::shared_ptr<const FragmentedRangeTombstones> list;
    size_t source;
  };
  std::vector<Entry> lists_;
};

}  // namespace mmdb
