// Snapshot: a point in time (a sequence number) that reads can name.
//
// Obtained from DB::GetSnapshot() as a shared handle; the DB keeps every
// version a live snapshot can see until the last copy of the handle drops.
// Thread safety: immutable; share freely.
#pragma once

#include <cstdint>

namespace mmdb {

using SequenceNumber = uint64_t;

class Snapshot {
 public:
  virtual ~Snapshot() = default;
  // Reads at this snapshot see every write with sequence <= this.
  virtual SequenceNumber sequence() const = 0;
};

}  // namespace mmdb
