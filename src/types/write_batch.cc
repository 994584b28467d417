// WriteBatch and WriteBatchInternal: building, validating and walking the
// encoded batch (layout in write_batch_internal.h and
// docs/format/write_batch.md).
#include <cassert>
#include <string>

#include <mmdb/write_batch.h>

#include "types/internal_key.h"
#include "types/write_batch_internal.h"
#include "util/coding.h"
#include "util/result.h"

namespace mmdb {

namespace {

constexpr size_t kHeaderSize = WriteBatchInternal::kHeaderSize;
constexpr size_t kCountOffset = 8;

// One decoded entry; views point into the batch's rep.
struct Entry {
  ValueType type = ValueType::kValue;
  std::string_view key;
  std::string_view value;
};

// Decodes the entry at the front of *input and consumes it. On malformed
// bytes returns Corruption naming the entry index and its offset in the batch.
Status DecodeEntry(std::string_view* input, size_t offset, uint32_t index, Entry* entry) {
  auto corrupt = [&](const char* what) {
    return Status::Corruption("write batch: entry " + std::to_string(index) + " at offset " +
                              std::to_string(offset) + ": " + what);
  };
  if (input->empty()) return corrupt("missing type byte");
  const uint8_t tag = static_cast<uint8_t>((*input)[0]);
  input->remove_prefix(1);
  if (!IsValidValueType(tag)) return corrupt("unknown entry type");
  entry->type = static_cast<ValueType>(tag);
  if (!GetLengthPrefixed32(input, &entry->key)) return corrupt("truncated key");
  entry->value = {};
  if (entry->type == ValueType::kValue || entry->type == ValueType::kRangeDeletion) {
    if (!GetLengthPrefixed32(input, &entry->value)) return corrupt("truncated value");
  }
  return Status::OK();
}

// Walks every entry of `rep`, calling fn(entry) (which returns Status) for
// each; checks the header and the count.
template <typename Fn>
Status ForEachEntry(std::string_view rep, Fn&& fn) {
  if (rep.size() < kHeaderSize) {
    return Status::Corruption("write batch: " + std::to_string(rep.size()) +
                              " bytes, shorter than the 12-byte header");
  }
  const uint32_t count = DecodeFixed32(rep.data() + kCountOffset);
  std::string_view input = rep.substr(kHeaderSize);
  uint32_t found = 0;
  while (!input.empty()) {
    if (found == count) {
      return Status::Corruption("write batch: trailing bytes after " + std::to_string(count) +
                                " entries");
    }
    Entry entry;
    MMDB_RETURN_IF_ERROR(DecodeEntry(&input, rep.size() - input.size(), found, &entry));
    MMDB_RETURN_IF_ERROR(fn(entry));
    ++found;
  }
  if (found != count) {
    return Status::Corruption("write batch: header count " + std::to_string(count) + " but " +
                              std::to_string(found) + " entries");
  }
  return Status::OK();
}

}  // namespace

WriteBatch::WriteBatch() { rep_.assign(kHeaderSize, '\0'); }

void WriteBatch::Put(std::string_view key, std::string_view value) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  rep_.push_back(static_cast<char>(ValueType::kValue));
  PutLengthPrefixed32(&rep_, key);
  PutLengthPrefixed32(&rep_, value);
}

void WriteBatch::Delete(std::string_view key) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  rep_.push_back(static_cast<char>(ValueType::kDeletion));
  PutLengthPrefixed32(&rep_, key);
}

void WriteBatch::DeleteRange(std::string_view begin, std::string_view end) {
  if (CompareUserKey(begin, end) >= 0) return;  // empty or inverted: dropped
  WriteBatchInternal::SetCount(this, Count() + 1);
  rep_.push_back(static_cast<char>(ValueType::kRangeDeletion));
  PutLengthPrefixed32(&rep_, begin);
  PutLengthPrefixed32(&rep_, end);
}

void WriteBatch::Clear() { rep_.assign(kHeaderSize, '\0'); }

uint32_t WriteBatch::Count() const { return WriteBatchInternal::Count(*this); }

Status WriteBatch::Iterate(Handler* handler) const {
  // Validate first so that a corrupt batch reaches the handler not at all
  // (a memtable never receives half of a batch).
  MMDB_RETURN_IF_ERROR(WriteBatchInternal::Validate(*this));
  return ForEachEntry(rep_, [handler](const Entry& e) -> Status {
    switch (e.type) {
      case ValueType::kValue:
        return handler->Put(e.key, e.value);
      case ValueType::kDeletion:
        return handler->Delete(e.key);
      case ValueType::kRangeDeletion:
        return handler->DeleteRange(e.key, e.value);
    }
    return Status::Corruption("write batch: unknown entry type");  // unreachable
  });
}

void WriteBatch::SetContents(std::string_view encoded) {
  WriteBatchInternal::SetContents(this, encoded);
}

SequenceNumber WriteBatchInternal::Sequence(const WriteBatch& batch) {
  if (batch.rep_.size() < kHeaderSize) return 0;
  return DecodeFixed64(batch.rep_.data());
}

void WriteBatchInternal::SetSequence(WriteBatch* batch, SequenceNumber seq) {
  assert(batch->rep_.size() >= kHeaderSize);
  EncodeFixed64(batch->rep_.data(), seq);
}

uint32_t WriteBatchInternal::Count(const WriteBatch& batch) {
  if (batch.rep_.size() < kHeaderSize) return 0;  // malformed SetContents
  return DecodeFixed32(batch.rep_.data() + kCountOffset);
}

void WriteBatchInternal::SetCount(WriteBatch* batch, uint32_t count) {
  assert(batch->rep_.size() >= kHeaderSize);
  EncodeFixed32(batch->rep_.data() + kCountOffset, count);
}

void WriteBatchInternal::SetContents(WriteBatch* batch, std::string_view contents) {
  assert(contents.size() >= kHeaderSize);
  batch->rep_.assign(contents.data(), contents.size());
}

void WriteBatchInternal::Append(WriteBatch* dst, const WriteBatch& src) {
  assert(dst->rep_.size() >= kHeaderSize && src.rep_.size() >= kHeaderSize);
  SetCount(dst, Count(*dst) + Count(src));
  dst->rep_.append(src.rep_, kHeaderSize, std::string::npos);
}

Status WriteBatchInternal::Validate(const WriteBatch& batch) {
  return ForEachEntry(batch.rep_, [](const Entry&) { return Status::OK(); });
}

}  // namespace mmdb
