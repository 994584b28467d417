// Iterator: an ordered cursor over a DB's keys at one point in time.
//
// An iterator sees one consistent state (its ReadOptions::snapshot, or the
// latest sequence when it was created) and keeps the files and memtables it
// reads alive until destroyed. Keys ascend bytewise.
//
// Thread safety: one thread at a time per iterator; several iterators of one
// DB may be used by different threads at once.
#pragma once

#include <string_view>

#include <mmdb/status.h>

namespace mmdb {

class Iterator {
 public:
  Iterator() = default;
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;
  virtual ~Iterator() = default;

  // True when positioned at an entry. False at either end, and after an
  // error (see status()).
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first key >= target.
  virtual void Seek(std::string_view target) = 0;
  // Positions at the last key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  // Moves forward / backward. On an invalid iterator: no effect. Direction
  // changes are allowed anywhere.
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // The current entry. The views stay valid until the iterator next moves or
  // is destroyed. On an invalid iterator: empty views.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // OK unless an error (e.g. a corrupt block) stopped the iteration.
  virtual Status status() const = 0;
};

}  // namespace mmdb
