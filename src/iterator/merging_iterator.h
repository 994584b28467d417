// MergingIterator: one sorted InternalIterator over several (memtables, L0
// files, levels), in CompareInternalKey order.
//
// The children are kept in a binary heap keyed by their current entries: a
// min-heap while moving forward, a max-heap while moving backward; the top is
// the current entry. Next/Prev move only the top child and restore the heap
// (O(log n) comparisons, keys cached in the heap so no virtual key() call per
// comparison). Switching direction repositions every other child on the far
// side of the current key (a Seek or SeekForPrev each), as LevelDB does.
//
// Equal internal keys in two children never come from the engine (sequence
// numbers are unique); if they do, both entries are yielded, in child order
// going forward and in reverse child order going backward, direction
// switches included.
//
// Errors: a child that reports a non-OK status makes the merge invalid, with
// status() the first non-OK child status (in child order), until the next
// Seek*. A merge that silently skipped a failed child could hide a tombstone
// and resurrect deleted data.
//
// Ownership: the merge owns its children. key()/value() views are those of the
// current child: valid until the next move of the merge.
// Thread safety: one thread at a time, as every InternalIterator.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "types/internal_iterator.h"

namespace mmdb {

// The merge behind DB iterators: children are sources in newest-first order
// (see RangeTombstoneView), and a reader may move a suffix of them past a
// range tombstone that hides all they hold in its range.
class SourceMergingIterator : public InternalIterator {
 public:
  // The child index of the current entry. REQUIRES: Valid().
  virtual size_t current_source() const = 0;
  // Moving forward: repositions every child with index >= first that sits
  // before user key `end` at its first entry >= end. The merge stays forward.
  virtual void SkipSourcesForward(size_t first, std::string_view end) = 0;
  // Moving backward: repositions every child with index >= first that sits
  // at or after user key `begin` at its last entry < begin.
  virtual void SkipSourcesBackward(size_t first, std::string_view begin) = 0;
};

// Like NewMergingIterator, but always a merge (child indices are stable), even
// over zero or one child. REQUIRES: no null child.
std::unique_ptr<SourceMergingIterator> NewSourceMergingIterator(
    std::vector<std::unique_ptr<InternalIterator>> children);

// An iterator over the union of `children`. With no children it is empty;
// with one it is that child itself (no merging overhead). Null children are
// ignored.
std::unique_ptr<InternalIterator> NewMergingIterator(
    std::vector<std::unique_ptr<InternalIterator>> children);

}  // namespace mmdb
