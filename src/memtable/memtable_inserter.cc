#include "memtable/memtable_inserter.h"

#include <string>

#include "types/write_batch_internal.h"

namespace mmdb {

Status MemTableInserter::Put(std::string_view key, std::string_view value) {
  mem_->Add(seq_++, ValueType::kValue, key, value);
  return Status::OK();
}

Status MemTableInserter::Delete(std::string_view key) {
  mem_->Add(seq_++, ValueType::kDeletion, key, {});
  return Status::OK();
}

Status MemTableInserter::DeleteRange(std::string_view begin, std::string_view end) {
  if (CompareUserKey(begin, end) < 0) mem_->Add(seq_, ValueType::kRangeDeletion, begin, end);
  ++seq_;
  return Status::OK();
}

Status InsertBatchInto(const WriteBatch& batch, MemTable* mem) {
  const SequenceNumber first = WriteBatchInternal::Sequence(batch);
  const uint32_t count = WriteBatchInternal::Count(batch);
  if (first > kMaxSequenceNumber || (count > 0 && kMaxSequenceNumber - first < count - 1)) {
    return Status::InvalidArgument("write batch: sequence " + std::to_string(first) + " + " +
                                   std::to_string(count) + " entries exceeds the maximum");
  }
  MemTableInserter inserter(first, mem);
  // Iterate validates the whole batch before the first handler call.
  return batch.Iterate(&inserter);
}

}  // namespace mmdb
