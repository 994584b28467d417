// Names of the files in a DB directory (docs/format/filenames.md):
//
//   CURRENT            text "MANIFEST-" number(%06) "\n": the live MANIFEST
//   CURRENT.tmp.N      CURRENT being replaced (N = the new MANIFEST's number)
//   LOCK               flock'ed while a DB has the directory open
//   MANIFEST-NNNNNN    log-framed VersionEdits
//   NNNNNN.wal         write-ahead log
//   NNNNNN.sst         sorted table
//
// Numbers come from one counter and are printed zero-padded to at least six
// digits (more when larger). Owner: free functions. Thread safety: pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mmdb {

enum class FileType : uint8_t {
  kCurrent,
  kTempCurrent,
  kLock,
  kManifest,
  kWal,
  kTable,
};

std::string CurrentFileName(const std::string& dbname);
std::string TempCurrentFileName(const std::string& dbname, uint64_t number);
std::string LockFileName(const std::string& dbname);
std::string ManifestFileName(const std::string& dbname, uint64_t number);
std::string WalFileName(const std::string& dbname, uint64_t number);
std::string TableFileName(const std::string& dbname, uint64_t number);

// "%06llu": the number as it appears in file names.
std::string FormatFileNumber(uint64_t number);

// Parses a directory entry name (not a path). Returns false for names MMDB
// does not own (leave them alone). Numbers must be in canonical form (as
// FormatFileNumber prints them; any decimal without a leading '0' beyond the
// padding for CURRENT.tmp.N). *number is 0 for CURRENT and LOCK.
bool ParseFileName(std::string_view name, uint64_t* number, FileType* type);

// Parses CURRENT's content: exactly "MANIFEST-" + the canonical number
// (at least 6 digits) + "\n". Returns false for anything else.
bool ParseCurrentContents(std::string_view contents, uint64_t* manifest_number);

}  // namespace mmdb
