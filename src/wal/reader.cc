// wal::Reader. Parses the framing of log_format.h (docs/format/wal.md):
//
//   block    := fragment* zero-padding(< 7 bytes)
//   fragment := crc:u32le length:u16le type:u8 payload[length]
//
// Decision table for a fragment at header offset H in block position p:
//   7 zero header bytes                  -> padding, skipped (7 bytes)
//   type > 4                             -> Corruption
//   p + 7 + length > kBlockSize          -> Corruption (length past block end)
//   file ends before H + 7 + length      -> torn tail
//   CRC mismatch, zeros to EOF after it  -> torn tail (kSectorTearOnly:
//                                           only if the zeros begin at a
//                                           sector boundary in the fragment)
//   CRC mismatch, anything else          -> Corruption
//   type 0 with a good CRC               -> padding, skipped
// A partial header at EOF is a torn tail unless it is all zeros (clean EOF).
// Non-zero bytes in the < 7-byte padding at a block's end are Corruption.
#include "wal/reader.h"

#include "util/coding.h"
#include "util/crc32.h"

namespace mmdb::wal {

namespace {

bool AllZero(std::string_view bytes) {
  for (char c : bytes) {
    if (c != 0) return false;
  }
  return true;
}

// The unit a disk loses in a torn write.
constexpr uint64_t kSectorSize = 512;

// True when the payload at file offset `payload_offset`, followed by zeros to
// EOF, ends in a zero run that starts at a sector boundary: what a power cut
// leaves when the file's size reached the disk but its last sectors did not.
bool EndsInLostSectors(uint64_t payload_offset, std::string_view payload) {
  size_t nonzero = payload.size();
  while (nonzero > 0 && payload[nonzero - 1] == 0) --nonzero;
  const uint64_t zeros_from = payload_offset + nonzero;
  const uint64_t boundary = (zeros_from + kSectorSize - 1) / kSectorSize * kSectorSize;
  return boundary < payload_offset + payload.size();
}

}  // namespace

Reader::Reader(std::unique_ptr<SequentialFile> file, Reporter* reporter, bool verify_checksums,
               ChecksumTail checksum_tail)
    : file_(std::move(file)),
      reporter_(reporter),
      verify_checksums_(verify_checksums),
      checksum_tail_(checksum_tail),
      backing_(new char[kBlockSize]) {}

Reader::~Reader() = default;

Reader::Fragment Reader::Corrupt(uint64_t offset, std::string_view what) {
  fragment_offset_ = offset;
  error_what_ = std::string(what) + " at offset " + std::to_string(offset);
  return Fragment::kCorrupt;
}

bool Reader::RestIsZero(uint64_t offset) {
  bool zero = true;
  // `offset` is inside the buffered block or just past it.
  const uint64_t buffer_start = buffer_end_offset_ - buffer_.size();
  if (offset < buffer_end_offset_) {
    const size_t skip = offset > buffer_start ? static_cast<size_t>(offset - buffer_start) : 0;
    zero = AllZero(buffer_.substr(skip));
  }
  buffer_ = {};
  // Read to EOF even after a non-zero byte, so buffer_end_offset_ ends as the
  // file size (the reporter's byte count).
  while (!eof_) {
    std::string_view chunk;
    Status s = file_->Read(kBlockSize, &chunk, backing_.get());
    if (!s.ok()) {
      io_status_ = s;
      eof_ = true;
      return false;
    }
    if (chunk.size() < kBlockSize) eof_ = true;
    const uint64_t chunk_start = buffer_end_offset_;
    buffer_end_offset_ += chunk.size();
    if (zero && buffer_end_offset_ > offset) {
      const size_t skip = offset > chunk_start ? static_cast<size_t>(offset - chunk_start) : 0;
      zero = AllZero(chunk.substr(skip));
    }
  }
  return zero;
}

Reader::Fragment Reader::ReadFragment(RecordType* type, std::string_view* payload) {
  while (true) {
    if (buffer_.size() < kHeaderSize) {
      if (!eof_) {
        // The rest of this block is the writer's zero padding (< 7 bytes).
        if (!AllZero(buffer_)) {
          return Corrupt(buffer_end_offset_ - buffer_.size(), "non-zero block padding");
        }
        std::string_view chunk;
        Status s = file_->Read(kBlockSize, &chunk, backing_.get());
        if (!s.ok()) {
          io_status_ = s;
          return Fragment::kIOError;
        }
        buffer_end_offset_ += chunk.size();
        buffer_ = chunk;
        if (chunk.size() < kBlockSize) eof_ = true;
        continue;
      }
      // At EOF: a few leftover bytes are either zero padding or a torn header.
      if (buffer_.empty() || AllZero(buffer_)) {
        buffer_ = {};
        return Fragment::kEof;
      }
      fragment_offset_ = buffer_end_offset_ - buffer_.size();
      error_what_ = "partial fragment header at offset " + std::to_string(fragment_offset_);
      buffer_ = {};
      return Fragment::kTorn;
    }

    const uint64_t header_offset = buffer_end_offset_ - buffer_.size();
    const char* header = buffer_.data();
    if (AllZero(buffer_.substr(0, kHeaderSize))) {
      buffer_.remove_prefix(kHeaderSize);  // preallocated or zeroed space
      continue;
    }
    const uint32_t stored_crc = DecodeFixed32(header);
    const size_t length = DecodeFixed16(header + 4);
    const auto raw_type = static_cast<uint8_t>(header[6]);
    if (raw_type > kMaxRecordType) {
      return Corrupt(header_offset, "unknown fragment type " + std::to_string(raw_type));
    }
    const size_t block_pos = static_cast<size_t>(header_offset % kBlockSize);
    if (block_pos + kHeaderSize + length > kBlockSize) {
      return Corrupt(header_offset,
                     "fragment length " + std::to_string(length) + " past the block end");
    }
    if (kHeaderSize + length > buffer_.size()) {
      // Within the block but past the data read: only possible in the last
      // (short) block, i.e. the file ends inside this fragment.
      fragment_offset_ = header_offset;
      error_what_ = "file ends inside the fragment at offset " + std::to_string(header_offset);
      buffer_ = {};
      return Fragment::kTorn;
    }
    const std::string_view data(header + kHeaderSize, length);
    if (verify_checksums_) {
      const uint32_t actual = crc32::Extend(crc32::Value(header + 6, 1), data.data(), length);
      if (actual != stored_crc) {
        const uint64_t after = header_offset + kHeaderSize + length;
        fragment_offset_ = header_offset;
        error_what_ = "fragment checksum mismatch at offset " + std::to_string(header_offset);
        // Before RestIsZero, which reuses the buffer `data` points into.
        const bool tolerated = checksum_tail_ == ChecksumTail::kZerosAfter ||
                               EndsInLostSectors(header_offset + kHeaderSize, data);
        const bool zeros_after = RestIsZero(after);
        if (!io_status_.ok()) return Fragment::kIOError;
        if (zeros_after && tolerated) {
          return Fragment::kTorn;
        }
        return Fragment::kCorrupt;
      }
    }
    buffer_.remove_prefix(kHeaderSize + length);
    if (raw_type == static_cast<uint8_t>(RecordType::kZero)) continue;
    fragment_offset_ = header_offset;
    *type = static_cast<RecordType>(raw_type);
    *payload = data;
    return Fragment::kRecord;
  }
}

bool Reader::Finish(EndState state, Status status, uint64_t bad_offset) {
  end_state_ = state;
  bad_offset_ = bad_offset;
  if (state != EndState::kEof) {
    // Count the dropped bytes up to EOF (reads the rest of the file once).
    if (state != EndState::kIOError) {
      (void)RestIsZero(buffer_end_offset_);  // only the byte count matters here
    }
    if (reporter_ != nullptr) {
      const uint64_t dropped =
          buffer_end_offset_ > last_record_end_ ? buffer_end_offset_ - last_record_end_ : 0;
      reporter_->Corruption(
          static_cast<size_t>(dropped),
          status.ok() ? Status::Corruption(error_what_ + " (torn tail)") : status);
    }
  }
  status_ = std::move(status);
  buffer_ = {};
  return false;
}

bool Reader::ReadRecord(std::string_view* record, std::string* scratch) {
  if (end_state_ != EndState::kNotAtEnd) return false;
  scratch->clear();
  bool in_record = false;
  uint64_t record_start = 0;
  while (true) {
    RecordType type = RecordType::kZero;
    std::string_view payload;
    switch (ReadFragment(&type, &payload)) {
      case Fragment::kRecord:
        break;
      case Fragment::kEof:
        if (in_record) {
          error_what_ =
              "file ends inside the record starting at offset " + std::to_string(record_start);
          return Finish(EndState::kTornTail, Status::OK(), record_start);
        }
        return Finish(EndState::kEof, Status::OK(), 0);
      case Fragment::kTorn:
        return Finish(EndState::kTornTail, Status::OK(),
                      in_record ? record_start : fragment_offset_);
      case Fragment::kCorrupt:
        return Finish(EndState::kCorruption, Status::Corruption(error_what_), fragment_offset_);
      case Fragment::kIOError:
        return Finish(EndState::kIOError, io_status_, fragment_offset_);
    }
    const uint64_t fragment_end = buffer_end_offset_ - buffer_.size();
    switch (type) {
      case RecordType::kFull:
        if (in_record) {
          Corrupt(fragment_offset_, "FULL fragment inside a fragmented record");
          return Finish(EndState::kCorruption, Status::Corruption(error_what_), fragment_offset_);
        }
        *record = payload;
        last_record_end_ = fragment_end;
        return true;
      case RecordType::kFirst:
        if (in_record) {
          Corrupt(fragment_offset_, "FIRST fragment inside a fragmented record");
          return Finish(EndState::kCorruption, Status::Corruption(error_what_), fragment_offset_);
        }
        in_record = true;
        record_start = fragment_offset_;
        scratch->assign(payload);
        break;
      case RecordType::kMiddle:
      case RecordType::kLast:
        if (!in_record) {
          Corrupt(fragment_offset_, type == RecordType::kMiddle ? "MIDDLE fragment without FIRST"
                                                                : "LAST fragment without FIRST");
          return Finish(EndState::kCorruption, Status::Corruption(error_what_), fragment_offset_);
        }
        scratch->append(payload);
        if (type == RecordType::kLast) {
          *record = *scratch;
          last_record_end_ = fragment_end;
          return true;
        }
        break;
      case RecordType::kZero:
        break;  // not returned by ReadFragment
    }
  }
}

}  // namespace mmdb::wal
