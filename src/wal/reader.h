// wal::Reader: reads the records of a log file (WAL or MANIFEST) written by
// wal::Writer (or by the Rust engine), reassembling fragmented records and
// classifying how the log ends.
//
// Every log ends in exactly one of these ways, reported by end_state() once
// ReadRecord has returned false:
//   kEof        clean end: the file ends at a record boundary, possibly
//               followed by zero bytes (block padding, preallocation).
//   kTornTail   a crash cut the last write short: the file ends inside a
//               fragment or inside a fragmented record, or the last fragment
//               has a bad checksum and every byte after it is zero. Every
//               complete record before it was returned. Tolerable only in the
//               newest log (FORMAT.md "Recovery"). Under
//               ChecksumTail::kSectorTearOnly (the MANIFEST) a bad checksum
//               counts as torn only when the file's zero tail starts at a
//               512-byte sector boundary inside that fragment (the sectors a
//               power cut lost); any other mismatch, such as one flipped
//               byte in a whole record, is kCorruption.
//   kCorruption anything else: a bad checksum followed by non-zero bytes, an
//               unknown fragment type, a length reaching past the block end,
//               MIDDLE/LAST without FIRST, FIRST/FULL inside a record.
//   kIOError    the file could not be read.
// status() is OK for kEof and kTornTail; Corruption/IOError otherwise. The
// reader never reads past the file and allocates at most one block plus the
// bytes of the record being reassembled (bounded by the file size).
//
// Owner: the reader owns its SequentialFile; the optional Reporter must
// outlive it. Thread safety: not thread-safe; one thread reads a log.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <mmdb/env.h>
#include <mmdb/status.h>

#include "wal/log_format.h"

namespace mmdb::wal {

class Reader {
 public:
  // Told about bytes the reader drops (a torn tail or a corrupt spot and
  // everything after it). Called at most once per reader, before ReadRecord
  // returns false. A torn tail is reported with a Corruption status too; use
  // end_state() to tell the two apart.
  class Reporter {
   public:
    virtual ~Reporter() = default;
    virtual void Corruption(size_t bytes, const Status& status) = 0;
  };

  enum class EndState : uint8_t {
    kNotAtEnd = 0,  // ReadRecord has not returned false yet
    kEof = 1,
    kTornTail = 2,
    kCorruption = 3,
    kIOError = 4,
  };

  // How a checksum mismatch in the last fragment is read (see kTornTail).
  enum class ChecksumTail : uint8_t {
    kZerosAfter = 0,      // WAL: torn when only zeros follow the fragment
    kSectorTearOnly = 1,  // MANIFEST: torn only when sectors of it were lost
  };

  // `reporter` may be null. With verify_checksums false, fragment CRCs are not
  // checked (framing, type and length checks still apply).
  Reader(std::unique_ptr<SequentialFile> file, Reporter* reporter, bool verify_checksums,
         ChecksumTail checksum_tail = ChecksumTail::kZerosAfter);
  ~Reader();

  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Reads the next record into *record and returns true. *record points into
  // *scratch or into the reader's block buffer and is valid until the next
  // call or the reader's destruction. Returns false at the end of the log
  // (see end_state()); later calls keep returning false.
  bool ReadRecord(std::string_view* record, std::string* scratch);

  EndState end_state() const { return end_state_; }
  // OK while reading, at kEof and at kTornTail; the error otherwise.
  const Status& status() const { return status_; }
  // File offset just past the last fragment of the last record returned:
  // the length to truncate the log to before appending to it.
  uint64_t last_record_end_offset() const { return last_record_end_; }
  // For kTornTail / kCorruption: file offset of the fragment header where
  // the problem was found (or of the FIRST fragment of the unfinished record
  // for a torn tail inside a fragmented record). 0 otherwise.
  uint64_t bad_offset() const { return bad_offset_; }

 private:
  // Outcome of reading one fragment.
  enum class Fragment : uint8_t { kRecord, kEof, kTorn, kCorrupt, kIOError };

  Fragment ReadFragment(RecordType* type, std::string_view* payload);
  // Reads the rest of the file; true when every byte from `offset` (which
  // lies inside or at the end of the current buffer) to EOF is zero.
  bool RestIsZero(uint64_t offset);
  // Records the end state, calls the reporter, returns false.
  bool Finish(EndState state, Status status, uint64_t bad_offset);
  Fragment Corrupt(uint64_t offset, std::string_view what);

  std::unique_ptr<SequentialFile> file_;
  Reporter* const reporter_;
  const bool verify_checksums_;
  const ChecksumTail checksum_tail_;

  std::unique_ptr<char[]> backing_;  // one block
  std::string_view buffer_;          // unread part of the current block
  uint64_t buffer_end_offset_ = 0;   // file offset just past buffer_
  bool eof_ = false;                 // the last read returned less than a block

  uint64_t last_record_end_ = 0;
  uint64_t fragment_offset_ = 0;  // header offset of the last fragment read
  uint64_t bad_offset_ = 0;
  std::string error_what_;  // message of the last kCorrupt / kTorn fragment
  Status io_status_;
  EndState end_state_ = EndState::kNotAtEnd;
  Status status_;
};

}  // namespace mmdb::wal
