#include "wal/record_scan.h"

#include "util/coding.h"
#include "util/crc32.h"
#include "wal/log_format.h"

namespace mmdb::wal {

uint64_t CountIntactRecords(std::string_view log, uint64_t from) {
  uint64_t count = 0;
  bool in_record = false;
  uint64_t pos = from;
  while (pos + kHeaderSize <= log.size()) {
    const uint64_t block_end = (pos / kBlockSize + 1) * kBlockSize;
    if (block_end - pos < kHeaderSize) {  // block padding
      pos = block_end;
      continue;
    }
    const char* header = log.data() + pos;
    const uint32_t stored_crc = DecodeFixed32(header);
    const size_t length = DecodeFixed16(header + 4);
    const auto type = static_cast<uint8_t>(header[6]);
    const uint64_t end = pos + kHeaderSize + length;
    if (end > block_end || end > log.size() || type > kMaxRecordType) {
      in_record = false;
      pos = block_end;  // the length cannot be trusted
      continue;
    }
    const bool intact =
        crc32::Extend(crc32::Value(header + 6, 1), header + kHeaderSize, length) == stored_crc;
    pos = end;
    if (!intact || type == static_cast<uint8_t>(RecordType::kZero)) {
      in_record = false;
      continue;
    }
    switch (static_cast<RecordType>(type)) {
      case RecordType::kFull:
        ++count;
        in_record = false;
        break;
      case RecordType::kFirst:
        in_record = true;
        break;
      case RecordType::kMiddle:
        break;
      case RecordType::kLast:
        if (in_record) ++count;
        in_record = false;
        break;
      case RecordType::kZero:
        break;
    }
  }
  return count;
}

}  // namespace mmdb::wal
