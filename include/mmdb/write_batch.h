// WriteBatch: puts, deletes and range deletes applied atomically by DB::Write.
//
// After a crash either every operation of a batch is visible or none is.
// Operations apply in the order added (a later Put of a key wins over an
// earlier Delete in the same batch). The encoded form (Data()) is the WAL
// record payload of FORMAT.md; docs/format/write_batch.md has the layout.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <mmdb/status.h>

namespace mmdb {

class WriteBatch {
 public:
  WriteBatch();
  WriteBatch(const WriteBatch&) = default;
  WriteBatch& operator=(const WriteBatch&) = default;
  WriteBatch(WriteBatch&&) noexcept = default;
  WriteBatch& operator=(WriteBatch&&) noexcept = default;
  ~WriteBatch() = default;

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Deletes every key in [begin, end). An empty or inverted range (begin >=
  // end) is dropped here: it takes no sequence number and writes nothing.
  void DeleteRange(std::string_view begin, std::string_view end);
  // Removes every operation.
  void Clear();
  // Operations in the batch.
  uint32_t Count() const;
  // Bytes of the encoded batch (what the WAL record will carry).
  size_t ApproximateSize() const { return rep_.size(); }

  // Receives the operations of a batch in order (WriteBatch::Iterate).
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual Status Put(std::string_view key, std::string_view value) = 0;
    virtual Status Delete(std::string_view key) = 0;
    virtual Status DeleteRange(std::string_view begin, std::string_view end) = 0;
  };
  // Calls `handler` once per operation, in order. Corruption if the encoding
  // is malformed (only possible for a batch built by SetContents).
  Status Iterate(Handler* handler) const;

  // The encoded batch (FORMAT.md "WAL record"): valid until the batch changes.
  std::string_view Data() const { return rep_; }
  // Replaces the batch with an encoded one (e.g. read from a WAL). The
  // contents are validated by Iterate, not here. REQUIRES: size >= 12.
  void SetContents(std::string_view encoded);

 private:
  friend class WriteBatchInternal;
  std::string rep_;  // u64 first sequence ‖ u32 count ‖ entries
};

}  // namespace mmdb
