// Fuzzes the WriteBatch decoder (a WAL record's payload): Validate and
// Iterate must agree, a valid batch re-encodes to the same bytes, and it can
// be inserted into a memtable whose contents then read back in order.
#include <memory>
#include <string>

#include <mmdb/write_batch.h>

#include "fuzz/fuzz_util.h"
#include "memtable/memtable.h"
#include "memtable/memtable_inserter.h"
#include "types/internal_key.h"
#include "types/write_batch_internal.h"

namespace {

// Rebuilds the batch through the public API.
class Copier final : public mmdb::WriteBatch::Handler {
 public:
  mmdb::Status Put(std::string_view k, std::string_view v) override {
    out.Put(k, v);
    ++n;
    return mmdb::Status::OK();
  }
  mmdb::Status Delete(std::string_view k) override {
    out.Delete(k);
    ++n;
    return mmdb::Status::OK();
  }
  mmdb::Status DeleteRange(std::string_view b, std::string_view e) override {
    out.DeleteRange(b, e);
    ++n;
    return mmdb::Status::OK();
  }
  mmdb::WriteBatch out;
  uint32_t n = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mmdb;
  if (size < WriteBatchInternal::kHeaderSize) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  WriteBatch batch;
  WriteBatchInternal::SetContents(&batch, bytes);
  const Status valid = WriteBatchInternal::Validate(batch);
  Copier copy;
  const Status iterated = batch.Iterate(&copy);
  if (!valid.ok()) {
    FUZZ_CHECK(valid.IsCorruption());
    return 0;
  }
  FUZZ_CHECK(iterated.ok());
  FUZZ_CHECK(copy.n == WriteBatchInternal::Count(batch));
  // Empty / inverted ranges are dropped by the public DeleteRange, so the
  // copy may be shorter; when it is not, the encoding is identical.
  if (copy.out.Count() == copy.n) {
    WriteBatchInternal::SetSequence(&copy.out, WriteBatchInternal::Sequence(batch));
    FUZZ_CHECK(WriteBatchInternal::Contents(copy.out) == bytes);
  }
  const SequenceNumber seq = WriteBatchInternal::Sequence(batch);
  if (seq == 0 || seq + copy.n > kMaxSequenceNumber) return 0;
  MemTable mem;
  if (!InsertBatchInto(batch, &mem).ok()) return 0;
  auto it = mem.NewIterator();
  std::string prev;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key(it->key());
    if (!prev.empty()) FUZZ_CHECK(CompareInternalKey(prev, key) < 0);
    prev = key;
  }
  FUZZ_CHECK(it->status().ok());
  return 0;
}
