// WriteBatchInternal: engine-side access to a WriteBatch's encoding.
//
// The public WriteBatch (include/mmdb/write_batch.h) hides its header; the
// write path needs to stamp the first sequence number, merge batches for
// group commit and validate batches read back from the WAL. Layout (FORMAT.md
// "WAL record", docs/format/write_batch.md):
//
//   rep := first_sequence u64 LE ‖ count u32 LE ‖ entry*
//   entry := type u8 ‖ key_len u32 LE ‖ key ‖ [value_len u32 LE ‖ value]
//            (the value part only for kValue and kRangeDeletion)
//
// Owner: memtable/types. Thread safety: static functions; the batch passed in
// follows WriteBatch's rule (one thread at a time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <mmdb/status.h>
#include <mmdb/write_batch.h>

#include "types/internal_key.h"

namespace mmdb {

class WriteBatchInternal {
 public:
  // Bytes of the header (sequence + count) that every batch starts with.
  static constexpr size_t kHeaderSize = 12;

  // The sequence number of the batch's first entry (entry i gets seq + i).
  static SequenceNumber Sequence(const WriteBatch& batch);
  static void SetSequence(WriteBatch* batch, SequenceNumber seq);

  // The count field of the header (for a well-formed batch, the entries).
  static uint32_t Count(const WriteBatch& batch);
  static void SetCount(WriteBatch* batch, uint32_t count);

  // The encoded batch; valid until the batch changes.
  static std::string_view Contents(const WriteBatch& batch) { return batch.rep_; }
  static size_t ByteSize(const WriteBatch& batch) { return batch.rep_.size(); }

  // Replaces the batch with `contents` (e.g. a WAL record). Not validated here;
  // Validate or Iterate reports Corruption. REQUIRES: contents.size() >= 12.
  static void SetContents(WriteBatch* batch, std::string_view contents);

  // Appends src's entries to dst (group commit); dst keeps its sequence and
  // its count becomes the sum. REQUIRES: both well-formed.
  static void Append(WriteBatch* dst, const WriteBatch& src);

  // OK when the encoding is well formed: header present, every entry complete
  // with a known type, and exactly `count` entries; otherwise Corruption.
  static Status Validate(const WriteBatch& batch);
};

}  // namespace mmdb
