// SstFileWriter: writes an SST file outside any DB, to be added to one with
// DB::IngestExternalFile (bulk loading).
//
//   mmdb::SstFileWriter writer(options);
//   mmdb::Status s = writer.Open("/tmp/batch.sst");
//   s = writer.DeleteRange("user:", "user;");   // clear the range first
//   s = writer.Put("user:1", "alice");          // keys strictly increasing
//   s = writer.Put("user:2", "bob");
//   s = writer.Finish();
//   s = db->IngestExternalFile({"/tmp/batch.sst"});
//
// The file has the DB's own SST format (FORMAT.md); every entry carries
// sequence number 0, and ingestion gives the file's entries a sequence of
// their own (docs/ingestion.md). Block size, restart interval, bloom bits,
// prefix length and compression come from the Options; so does the Env.
//
// Order: Put and Delete keys must be strictly increasing (one entry per
// key). DeleteRange(begin, end) may come at any time as long as `begin` is
// greater than every Put/Delete key added so far; its deletion applies to
// the DB's existing data when the file is ingested, not to the file's own
// Puts.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <mmdb/options.h>
#include <mmdb/status.h>

namespace mmdb {

class SstFileWriter {
 public:
  explicit SstFileWriter(const Options& options);
  // An unfinished file is abandoned and removed.
  ~SstFileWriter();
  SstFileWriter(const SstFileWriter&) = delete;
  SstFileWriter& operator=(const SstFileWriter&) = delete;

  // Creates (or truncates) `path`. InvalidArgument when a file is already
  // open in this writer.
  Status Open(const std::string& path);
  // InvalidArgument when the key is not greater than the previous Put/Delete
  // key, is too large (FORMAT.md limits), or no file is open. The writer
  // stays usable after an InvalidArgument; an I/O error is sticky.
  Status Put(std::string_view key, std::string_view value);
  Status Delete(std::string_view key);
  // Deletes [begin, end) of the DB the file is ingested into. begin == end
  // is a no-op; begin > end, or begin not greater than the last Put/Delete
  // key, is InvalidArgument.
  Status DeleteRange(std::string_view begin, std::string_view end);
  // Writes the rest of the file and syncs it. InvalidArgument (and no file
  // left) when nothing was added.
  Status Finish();

  // Entries added so far (Puts, Deletes and range deletions).
  uint64_t NumEntries() const;
  // The size of the finished file; 0 before Finish.
  uint64_t FileSize() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace mmdb
