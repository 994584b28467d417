// InternalIterator: the cursor every engine source implements (memtable,
// SST block, SST file, level, merge) over internal keys in CompareInternalKey
// order. DB iterators (src/iterator/db_iter.h) turn a merge of them into the
// public Iterator.
//
// Contract (LevelDB's, with SeekForPrev added):
//   - Seek(t): first entry >= t; SeekForPrev(t): last entry <= t (t is an
//     internal key).
//   - key()/value(): REQUIRES Valid(); the views stay valid until the next
//     move of this iterator (sources that can do better document it).
//   - An error makes Valid() false and status() non-OK; it stays until the
//     next Seek*.
// Thread safety: one thread at a time.
#pragma once

#include <memory>
#include <string_view>

#include <mmdb/status.h>

namespace mmdb {

class InternalIterator {
 public:
  InternalIterator() = default;
  InternalIterator(const InternalIterator&) = delete;
  InternalIterator& operator=(const InternalIterator&) = delete;
  virtual ~InternalIterator() = default;

  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual void Seek(std::string_view target) = 0;
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

// An iterator with no entries, or stuck on an error status.
std::unique_ptr<InternalIterator> NewEmptyInternalIterator(Status status = Status::OK());

// Wraps `iter` so that it keeps `owner` (e.g. the table reader it reads)
// alive for as long as it lives.
std::unique_ptr<InternalIterator> NewOwningIterator(std::shared_ptr<const void> owner,
                                                    std::unique_ptr<InternalIterator> iter);

}  // namespace mmdb
