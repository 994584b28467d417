// wal::Writer: appends records to a log file (WAL or MANIFEST) using the block
// framing of log_format.h, splitting records across blocks as needed.
//
// Owner: the writer owns its WritableFile. Thread safety: not thread-safe; one
// thread (the WAL group-commit leader, or the MANIFEST writer under the DB
// mutex) uses a writer at a time.
//
// Errors are sticky: after a failed Append, the file may end in a torn
// fragment, so every later AddRecord returns the first error instead of
// writing records a reader would find after a corrupt spot.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <mmdb/env.h>
#include <mmdb/status.h>

#include "wal/log_format.h"

namespace mmdb::wal {

class Writer {
 public:
  // Writes a new log from the start of `file` (expected to be empty).
  explicit Writer(std::unique_ptr<WritableFile> file);
  // Continues a log whose first `dest_length` bytes are already in `file`
  // (e.g. reopened for append after its tail was truncated). Block
  // boundaries stay aligned to file offsets that are multiples of kBlockSize.
  Writer(std::unique_ptr<WritableFile> file, uint64_t dest_length);
  ~Writer();

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends one record holding `payload` (any size, including empty). The
  // bytes reach the OS only on Flush/Sync (or when the file's buffer fills).
  Status AddRecord(std::string_view payload);

  // Hands buffered bytes to the OS (survives a process crash). With
  // bytes_per_sync set, every time that many more bytes have reached the OS
  // it also starts their writeback (WritableFile::RangeSync), so that the
  // next Sync finds little left to write.
  Status Flush();
  void set_bytes_per_sync(uint64_t bytes) { bytes_per_sync_ = bytes; }
  // Makes every appended byte durable (survives power loss).
  Status Sync();
  // Flushes and closes the file. Later calls return an error.
  Status Close();

  // The first failure (sticky), OK if none. After a failure the file may end
  // in part of a record: the owner abandons it for a new log.
  const Status& error() const { return error_; }

  // Bytes written to the log so far, including any initial `dest_length`.
  uint64_t file_size() const { return file_size_; }

 private:
  Status EmitFragment(RecordType type, const char* data, size_t n);

  std::unique_ptr<WritableFile> file_;
  size_t block_offset_;  // bytes used in the current block
  uint64_t file_size_;
  Status error_;  // first failure; sticky
  bool closed_ = false;
  uint64_t bytes_per_sync_ = 0;  // 0 = no RangeSync
  uint64_t range_synced_ = 0;    // file offset up to which writeback was started
  // CRC of each one-byte type value, the seed every fragment CRC extends.
  uint32_t type_crc_[kMaxRecordType + 1];
};

}  // namespace mmdb::wal
