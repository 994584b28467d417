// wal::Writer. Byte layout (docs/format/wal.md):
//
//   block    := fragment* zero-padding(< 7 bytes)      (32768 bytes, last may be short)
//   fragment := crc:u32le length:u16le type:u8 payload[length]
//   crc      := crc32_ieee(type ‖ payload), unmasked
//
// A record of n bytes is one FULL fragment when it fits in the rest of the
// block, otherwise FIRST, MIDDLE..., LAST. An empty record is a FULL fragment
// with length 0.
#include "wal/writer.h"

#include <algorithm>

#include "util/coding.h"
#include "util/crc32.h"
#include "util/result.h"

namespace mmdb::wal {

Writer::Writer(std::unique_ptr<WritableFile> file) : Writer(std::move(file), 0) {}

Writer::Writer(std::unique_ptr<WritableFile> file, uint64_t dest_length)
    : file_(std::move(file)),
      block_offset_(dest_length % kBlockSize),
      file_size_(dest_length),
      range_synced_(dest_length) {
  for (uint8_t t = 0; t <= kMaxRecordType; ++t) {
    const char c = static_cast<char>(t);
    type_crc_[t] = crc32::Value(&c, 1);
  }
}

Writer::~Writer() = default;

Status Writer::AddRecord(std::string_view payload) {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("wal::Writer: AddRecord after Close");
  const char* ptr = payload.data();
  size_t left = payload.size();
  bool begin = true;
  do {
    const size_t leftover = kBlockSize - block_offset_;
    if (leftover < kHeaderSize) {
      if (leftover > 0) {
        static constexpr char kZeros[kHeaderSize] = {};
        Status s = file_->Append(std::string_view(kZeros, leftover));
        if (!s.ok()) {
          error_ = s;
          return s;
        }
        file_size_ += leftover;
      }
      block_offset_ = 0;
    }
    const size_t avail = kBlockSize - block_offset_ - kHeaderSize;
    const size_t fragment = std::min(left, avail);
    const bool end = (fragment == left);
    RecordType type;
    if (begin && end) {
      type = RecordType::kFull;
    } else if (begin) {
      type = RecordType::kFirst;
    } else if (end) {
      type = RecordType::kLast;
    } else {
      type = RecordType::kMiddle;
    }
    Status s = EmitFragment(type, ptr, fragment);
    if (!s.ok()) {
      error_ = s;
      return s;
    }
    ptr += fragment;
    left -= fragment;
    begin = false;
  } while (left > 0);
  return Status::OK();
}

Status Writer::EmitFragment(RecordType type, const char* data, size_t n) {
  // n <= kMaxFragmentPayload < 65536, so it fits the u16 length.
  char header[kHeaderSize];
  const auto t = static_cast<uint8_t>(type);
  EncodeFixed32(header, crc32::Extend(type_crc_[t], data, n));
  EncodeFixed16(header + 4, static_cast<uint16_t>(n));
  header[6] = static_cast<char>(t);
  MMDB_RETURN_IF_ERROR(file_->Append(std::string_view(header, kHeaderSize)));
  if (n > 0) MMDB_RETURN_IF_ERROR(file_->Append(std::string_view(data, n)));
  block_offset_ += kHeaderSize + n;
  file_size_ += kHeaderSize + n;
  return Status::OK();
}

Status Writer::Flush() {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("wal::Writer: Flush after Close");
  Status s = file_->Flush();
  if (!s.ok()) {
    error_ = s;
    return s;
  }
  if (bytes_per_sync_ > 0 && file_size_ - range_synced_ >= bytes_per_sync_) {
    file_->RangeSync(range_synced_, file_size_ - range_synced_);
    range_synced_ = file_size_;
  }
  return s;
}

Status Writer::Sync() {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("wal::Writer: Sync after Close");
  // A failed fsync may have dropped dirty pages: a later "successful" sync
  // would prove nothing, so the failure is sticky.
  Status s = file_->Sync();
  if (!s.ok()) error_ = s;
  return s;
}

Status Writer::Close() {
  if (closed_) return Status::InvalidArgument("wal::Writer: closed twice");
  closed_ = true;
  Status s = file_->Close();
  if (!error_.ok()) return error_;
  if (!s.ok()) error_ = s;
  return s;
}

}  // namespace mmdb::wal
