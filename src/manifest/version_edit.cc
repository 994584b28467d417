// VersionEdit encoding (docs/format/manifest.md). All integers are fixed-width
// little-endian; a tag is one byte:
//
//   edit      := field*
//   field     := 0x01 log_number:u64
//              | 0x02 next_file_number:u64
//              | 0x03 last_sequence:u64
//              | 0x04 new_file                      (legacy, read only)
//              | 0x05 level:u32 number:u64          (deleted file)
//              | 0x06 new_file has_range_dels:u8    (written for new files)
//   new_file  := level:u32 number:u64 file_size:u64
//                smallest_len:u32 smallest[smallest_len]
//                largest_len:u32 largest[largest_len]
//
// The writer emits 1, 2, 3, then every 6, then every 5; a reader accepts the
// fields in any order.
#include "manifest/version_edit.h"

#include <cinttypes>
#include <cstdio>

#include "types/internal_key.h"
#include "util/coding.h"

namespace mmdb {

namespace {

enum Tag : uint8_t {
  kLogNumber = 1,
  kNextFileNumber = 2,
  kLastSequence = 3,
  kNewFileLegacy = 4,
  kDeletedFile = 5,
  kNewFile = 6,
};

// Levels are u32 on disk; anything that does not fit an int is corrupt.
constexpr uint32_t kMaxDecodedLevel = 1u << 30;

}  // namespace

void VersionEdit::EncodeTo(std::string* dst) const {
  if (log_number_) {
    dst->push_back(static_cast<char>(kLogNumber));
    PutFixed64(dst, *log_number_);
  }
  if (next_file_number_) {
    dst->push_back(static_cast<char>(kNextFileNumber));
    PutFixed64(dst, *next_file_number_);
  }
  if (last_sequence_) {
    dst->push_back(static_cast<char>(kLastSequence));
    PutFixed64(dst, *last_sequence_);
  }
  for (const auto& [level, f] : new_files_) {
    dst->push_back(static_cast<char>(kNewFile));
    PutFixed32(dst, static_cast<uint32_t>(level));
    PutFixed64(dst, f.number);
    PutFixed64(dst, f.file_size);
    PutLengthPrefixed32(dst, f.smallest);
    PutLengthPrefixed32(dst, f.largest);
    dst->push_back(f.has_range_deletions ? 1 : 0);
  }
  for (const auto& [level, number] : deleted_files_) {
    dst->push_back(static_cast<char>(kDeletedFile));
    PutFixed32(dst, static_cast<uint32_t>(level));
    PutFixed64(dst, number);
  }
}

Status VersionEdit::DecodeFrom(std::string_view src) {
  Clear();
  std::string_view in = src;
  auto corrupt = [&](const char* what) {
    return Status::Corruption(std::string("VersionEdit: ") + what + " at byte " +
                              std::to_string(src.size() - in.size()));
  };
  while (!in.empty()) {
    const auto tag = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    switch (tag) {
      case kLogNumber:
      case kNextFileNumber:
      case kLastSequence: {
        uint64_t v;
        if (!GetFixed64(&in, &v)) return corrupt("truncated counter field");
        if (tag == kLogNumber) log_number_ = v;
        if (tag == kNextFileNumber) next_file_number_ = v;
        if (tag == kLastSequence) last_sequence_ = v;
        break;
      }
      case kNewFileLegacy:
      case kNewFile: {
        uint32_t level;
        FileMetaData f;
        std::string_view smallest, largest;
        if (!GetFixed32(&in, &level) || !GetFixed64(&in, &f.number) ||
            !GetFixed64(&in, &f.file_size) || !GetLengthPrefixed32(&in, &smallest) ||
            !GetLengthPrefixed32(&in, &largest)) {
          return corrupt("truncated new-file entry");
        }
        if (tag == kNewFile) {
          if (in.empty()) return corrupt("truncated new-file entry");
          f.has_range_deletions = in[0] != 0;
          in.remove_prefix(1);
        }
        if (level >= kMaxDecodedLevel) return corrupt("new-file level out of range");
        if (smallest.size() < kTrailerSize || largest.size() < kTrailerSize) {
          return corrupt("new-file key shorter than an internal-key trailer");
        }
        f.smallest.assign(smallest);
        f.largest.assign(largest);
        new_files_.emplace_back(static_cast<int>(level), std::move(f));
        break;
      }
      case kDeletedFile: {
        uint32_t level;
        uint64_t number;
        if (!GetFixed32(&in, &level) || !GetFixed64(&in, &number)) {
          return corrupt("truncated deleted-file entry");
        }
        if (level >= kMaxDecodedLevel) return corrupt("deleted-file level out of range");
        deleted_files_.emplace_back(static_cast<int>(level), number);
        break;
      }
      default:
        in = std::string_view(in.data() - 1, in.size() + 1);  // point at the tag
        return corrupt(("unknown tag " + std::to_string(tag)).c_str());
    }
  }
  return Status::OK();
}

std::string VersionEdit::DebugString() const {
  std::string r = "VersionEdit {";
  char buf[64];
  auto put = [&](const char* name, uint64_t v) {
    std::snprintf(buf, sizeof(buf), "\n  %s: %" PRIu64, name, v);
    r += buf;
  };
  if (log_number_) put("log_number", *log_number_);
  if (next_file_number_) put("next_file_number", *next_file_number_);
  if (last_sequence_) put("last_sequence", *last_sequence_);
  for (const auto& [level, f] : new_files_) {
    std::snprintf(buf, sizeof(buf), "\n  add L%d #%06" PRIu64 " %" PRIu64 " bytes%s", level,
                  f.number, f.file_size, f.has_range_deletions ? " range-dels" : "");
    r += buf;
    r += " [" + ToHex(f.smallest) + " .. " + ToHex(f.largest) + "]";
  }
  for (const auto& [level, number] : deleted_files_) {
    std::snprintf(buf, sizeof(buf), "\n  delete L%d #%06" PRIu64, level, number);
    r += buf;
  }
  r += "\n}\n";
  return r;
}

}  // namespace mmdb
