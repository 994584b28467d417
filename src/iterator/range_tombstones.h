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

  // When a tombstone visible at read_seq covers user_key, the end of the
  // fragment holding user_key (keys from user_key up to it are covered by the
  // same tombstone set) and its begin; used to skip covered runs of keys.
  struct Span {
    std::string_view begin;
    std::string_view end;
    SequenceNumber seq = 0;  // max covering seq <= read_seq
  };
  bool CoveringSpan(std::string_view user_key, SequenceNumber read_seq, Span* span) const;

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

// The tombstones a read must honour: one fragmented list per source that
// has any (a memtable, an SST), queried together.
class RangeTombstoneView {
 public:
  void Add(std::shared_ptr<const FragmentedRangeTombstones> list) {
    if (list != nullptr && !list->empty()) lists_.push_back(std::move(list));
  }
  bool empty() const { return lists_.empty(); }
  SequenceNumber MaxCoveringSeq(std::string_view user_key, SequenceNumber read_seq) const {
    SequenceNumber best = 0;
    for (const auto& l : lists_) {
      const SequenceNumber s = l->MaxCoveringSeq(user_key, read_seq);
      if (s > best) best = s;
    }
    return best;
  }

 private:
  std::vector<std::shared_ptr<const FragmentedRangeTombstones>> lists_;
};

}  // namespace mmdb
