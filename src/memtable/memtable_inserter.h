// InsertBatchInto / MemTableInserter: apply a WriteBatch to a MemTable.
//
// Entry i of the batch gets sequence WriteBatchInternal::Sequence(batch) + i,
// the same numbering as the WAL (FORMAT.md "WAL record"), so replaying a WAL
// record rebuilds exactly the memtable entries of the original write.
//
// Owner: memtable. Thread safety: the memtable's single-writer rule applies.
#pragma once

#include <string_view>

#include <mmdb/status.h>
#include <mmdb/write_batch.h>

#include "memtable/memtable.h"
#include "types/internal_key.h"

namespace mmdb {

// A WriteBatch::Handler that adds each operation to a memtable with
// consecutive sequence numbers starting at `first_seq`.
class MemTableInserter final : public WriteBatch::Handler {
 public:
  MemTableInserter(SequenceNumber first_seq, MemTable* mem) : seq_(first_seq), mem_(mem) {}

  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;
  // An empty or inverted range (only from a hand-built encoding) still takes
  // its sequence number but adds nothing.
  Status DeleteRange(std::string_view begin, std::string_view end) override;

  // The sequence the next operation would get.
  SequenceNumber next_sequence() const { return seq_; }

 private:
  SequenceNumber seq_;
  MemTable* const mem_;
};

// Applies every operation of `batch` to `mem`. Returns Corruption (adding
// nothing) when the batch encoding is malformed, InvalidArgument (adding
// nothing) when its sequences would pass kMaxSequenceNumber.
Status InsertBatchInto(const WriteBatch& batch, MemTable* mem);

}  // namespace mmdb
