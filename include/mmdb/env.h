// Env: the file system and clock MMDB runs on.
//
// Env::Default() is the POSIX implementation. Tests pass their own Env in
// Options::env (an in-memory one that can simulate power loss and inject
// faults). All paths are plain strings; directories are separated by '/'.
//
// Thread safety: an Env may be used by any number of threads at once. A file
// object belongs to one thread at a time, except RandomAccessFile, whose Read
// may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/status.h>

namespace mmdb {

// A file read from the start to the end (WAL and MANIFEST replay).
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes. *result points into scratch (of at least n bytes) or
  // into memory owned by the file, valid until the next call. A short or
  // empty result means end of file.
  virtual Status Read(size_t n, std::string_view* result, char* scratch) = 0;
  // Skips n bytes (or to the end of the file).
  virtual Status Skip(uint64_t n) = 0;
};

// A file read at arbitrary offsets (SSTs). Read may be called by many threads.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at `offset`. *result points into scratch or into
  // memory owned by the file (valid while the file lives). Fewer than n bytes
  // only at the end of the file.
  virtual Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const = 0;
  // Hints that [offset, offset + n) will be read soon (readahead). Optional.
  virtual void Prefetch(uint64_t /*offset*/, size_t /*n*/) const {}
  // True when Read never uses `scratch` (it may then be null): every result
  // points into memory the file owns, valid while the file lives (a
  // memory-mapped file).
  virtual bool ReadsInPlace() const { return false; }
};

// A file written by appending (WAL, MANIFEST, SST being built).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Hands buffered bytes to the OS: they survive a process crash.
  virtual Status Flush() = 0;
  // Makes every appended byte durable (fdatasync): it survives power loss.
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes appended so far.
  virtual uint64_t Size() const = 0;
  // Starts writing [offset, offset + n) of what was handed to the OS back to
  // the device, without waiting and without any durability promise: it only
  // spreads the work of a later Sync. Advisory (the default does nothing).
  virtual void RangeSync(uint64_t /*offset*/, uint64_t /*n*/) {}
};

// An exclusive lock on a file (the DB's LOCK), released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env. Never null.
  static std::shared_ptr<Env> Default();

  virtual Status NewSequentialFile(const std::string& path,
                                   std::unique_ptr<SequentialFile>* result) = 0;
  virtual Status NewRandomAccessFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* result) = 0;
  // A file for random reads that may be memory-mapped (ReadsInPlace()): its
  // reads then copy nothing. Only for files that no one writes or truncates
  // while they are open: on a mapping, a read error or a truncated file is a
  // SIGBUS, not a Status. Envs that do not map files return a regular file
  // (the default).
  virtual Status NewMmapReadableFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* result) {
    return NewRandomAccessFile(path, result);
  }
  // Creates or truncates `path`.
  virtual Status NewWritableFile(const std::string& path,
                                 std::unique_ptr<WritableFile>* result) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..".
  virtual Status GetChildren(const std::string& dir, std::vector<std::string>* result) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Creates `dir` if missing (OK when it exists).
  virtual Status CreateDirIfMissing(const std::string& dir) = 0;
  virtual Status RemoveDir(const std::string& dir) = 0;
  virtual Status GetFileSize(const std::string& path, uint64_t* size) = 0;
  // Atomically replaces `target` with `src`.
  virtual Status RenameFile(const std::string& src, const std::string& target) = 0;
  // Makes `target` a second name (a hard link) of the existing file `src`.
  // Used by checkpoints, which copy the file instead when this fails
  // (NotSupported by default; IOError e.g. across file systems).
  virtual Status LinkFile(const std::string& /*src*/, const std::string& /*target*/) {
    return Status::NotSupported("LinkFile");
  }
  // Makes the directory's entries (creations, renames, removals) durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive lock on `path` (creating it). Busy/IOError when held by
  // another DB in this or another process.
  virtual Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) = 0;

  // Microseconds since some fixed point; only differences are meaningful.
  virtual uint64_t NowMicros() = 0;
  virtual void SleepForMicroseconds(uint64_t micros) = 0;
};

// Writes `data` to `path` and syncs it (used for CURRENT and small files).
Status WriteStringToFile(Env* env, std::string_view data, const std::string& path, bool sync);
// Reads the whole of `path` into *data.
Status ReadFileToString(Env* env, const std::string& path, std::string* data);

}  // namespace mmdb
