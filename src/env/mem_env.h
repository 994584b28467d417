// MemEnv: an in-memory Env for tests that simulates power loss and injects
// faults.
//
// File system. Files are byte strings named by normalised paths ("a//b/" is
// "a/b"). Directories are names created by CreateDirIfMissing, plus every
// path prefix of a file ("by path prefix"): creating a file does not require
// its directory to exist. GetChildren lists the direct children (files and
// directories) of a directory. Open file objects keep working on their file
// after it is removed or renamed (POSIX inode semantics). File objects and
// locks must not outlive the MemEnv that made them.
//
// Durability model (what CrashClone keeps), kept deliberately simple:
//   - File data: Sync() makes every byte appended so far durable. Bytes after
//     the last Sync are lost at power loss, except that CrashOptions may keep
//     a random prefix of them. NewWritableFile on an existing file truncates
//     it in place: its durable length drops to 0 until the next Sync.
//   - Directory entries: creating a file, renaming one and removing one
//     change the directory entry only in memory; the change becomes durable
//     when SyncDir(dir) is called on the directory holding the entry (for a
//     rename across directories, each side on its own directory's SyncDir).
//     Not yet durable at power loss: a created file disappears, a renamed
//     file is back under its old name, a removed file comes back (with its
//     synced data).
//   - Directories themselves are always durable.
//
// Faults. FailNth(op, n, error) makes the n-th later call of that kind fail
// with `error` (once); FailRandomly(op, one_in, seed) fails each call with
// probability 1/one_in until cleared (one_in = 1: every call, a dead disk).
// Either rule may be limited to paths containing a substring (".wal",
// "MANIFEST-", ".sst", "CURRENT"): only matching calls count and fail. A
// failed call has no effect (a failed Append writes nothing, a failed Sync
// syncs nothing).
//
// Space. SetSpaceLimit(bytes) models a device of that size: an Append that
// would take the total size of all files past it writes the part that fits
// and fails with Status::NoSpace (as write(2) does before ENOSPC). Removing
// or truncating files frees space. Not cleared by ClearFaults.
//
// Clock. NowMicros() is the real steady clock (Clock::kReal) or a counter
// starting at 1 s (Clock::kManual), plus everything AdvanceClock added. With
// kManual, SleepForMicroseconds advances the clock instead of sleeping.
//
// Owner: env. Thread safety: every method may be called from any thread; one
// mutex (mu_) guards all state, file contents included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/status.h>

#include "util/mutex.h"
#include "util/random.h"

namespace mmdb {

// What MemEnv::CrashClone keeps beyond the durable state.
struct MemEnvCrashOptions {
  // The unit a torn write loses (see torn_tail_bytes).
  static constexpr uint64_t kSectorSize = 512;

  // For each file with unsynced bytes, a prefix of them of random length in
  // [0, floor(unsynced * keep_unsynced_fraction)] survives. 0 = exactly the
  // synced bytes survive; 1 = any prefix of the unsynced tail may survive.
  double keep_unsynced_fraction = 0.0;
  // Torn last page: when a file keeps unsynced bytes, the last t of them
  // (t random in [0, min(kept unsynced, torn_tail_bytes)]), rounded down to
  // whole 512-byte sectors of the file, read back as zeros, as when the file
  // size reached the disk but its last data sectors did not. Synced bytes
  // are never touched. 0 = off.
  uint32_t torn_tail_bytes = 0;
  uint64_t seed = 0;
};

class MemEnv : public Env {
 public:
  // Kinds of calls faults can be injected into.
  enum class Op : uint8_t {
    kWrite = 0,    // WritableFile::Append
    kSync = 1,     // WritableFile::Sync
    kRead = 2,     // SequentialFile::Read/Skip, RandomAccessFile::Read
    kRename = 3,   // RenameFile
    kOpen = 4,     // NewSequentialFile, NewRandomAccessFile, NewWritableFile (create)
    kRemove = 5,   // RemoveFile, RemoveDir
    kSyncDir = 6,  // SyncDir
  };
  static constexpr int kNumOps = 7;

  enum class Clock : uint8_t { kReal, kManual };

  using CrashOptions = MemEnvCrashOptions;

  explicit MemEnv(Clock clock = Clock::kReal);
  MemEnv(const MemEnv&) = delete;
  MemEnv& operator=(const MemEnv&) = delete;
  ~MemEnv() override;

  // --- Env ---
  Status NewSequentialFile(const std::string& path,
                           std::unique_ptr<SequentialFile>* result) override;
  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* result) override;
  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* result) override;
  bool FileExists(const std::string& path) override;
  Status GetChildren(const std::string& dir, std::vector<std::string>* result) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDirIfMissing(const std::string& dir) override;
  // Fails with IOError when the directory has children.
  Status RemoveDir(const std::string& dir) override;
  Status GetFileSize(const std::string& path, uint64_t* size) override;
  Status RenameFile(const std::string& src, const std::string& target) override;
  Status SyncDir(const std::string& dir) override;
  // Busy while another FileLock on `path` from this MemEnv is alive. Creates
  // the file when missing.
  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override;
  uint64_t NowMicros() override;
  void SleepForMicroseconds(uint64_t micros) override;

  // --- Power loss ---
  // A new, independent MemEnv holding what a power loss now would leave (see
  // the durability model at the top): durable directory entries only, each
  // file cut to its synced length (plus a random share of unsynced bytes per
  // `options`). Every byte the clone keeps is synced in the clone, and no
  // fault rules or locks are copied. This env is unchanged.
  std::shared_ptr<MemEnv> CrashClone(const CrashOptions& options = {}) const;

  // --- Fault injection ---
  // The n-th call of kind `op` (1-based, counting from this call) on a path
  // containing `path_part` (empty = any path) fails with `error`; later calls
  // succeed. Replaces an earlier FailNth rule for `op`.
  // REQUIRES: n >= 1, !error.ok().
  void FailNth(Op op, int n, Status error, std::string path_part = "");
  // Each call of kind `op` on a path containing `path_part` (empty = any)
  // fails with probability 1/one_in, drawn from a Random seeded with `seed`,
  // returning `error` (OK: IOError "injected random fault"). one_in = 1
  // fails every such call (a dead or full disk); one_in = 0 turns it off.
  void FailRandomly(Op op, uint32_t one_in, uint64_t seed, std::string path_part = "",
                    Status error = Status::OK());
  // Removes every fault rule (FailNth and FailRandomly) and resets injected().
  void ClearFaults();
  // Limits the total bytes of all files (see "Space" at the top); nullopt
  // removes the limit. Files already past it stay as they are.
  void SetSpaceLimit(std::optional<uint64_t> bytes);
  // The total size of all files now.
  uint64_t UsedBytes() const;
  // True once any injected fault has fired (since construction or ClearFaults).
  bool injected() const;
  // How many injected faults have fired.
  uint64_t injected_count() const;

  // --- Byte surgery and inspection (no fault injection, no durability change) ---
  // XORs the byte at `offset` with `xor_mask`. NotFound / InvalidArgument.
  Status CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask);
  // Cuts the file to `size` bytes (or extends it with zeros); the synced
  // length is cut too.
  Status Truncate(const std::string& path, uint64_t size);
  // The file's bytes; empty when missing (FileExists tells them apart).
  std::string FileContents(const std::string& path) const;
  // Bytes of the file that a power loss would keep; nullopt when missing.
  std::optional<uint64_t> SyncedSize(const std::string& path) const;
  // Clock control: adds `micros` to NowMicros().
  void AdvanceClock(uint64_t micros);

 private:
  struct FileState {
    std::string data;
    uint64_t synced = 0;  // data[0, synced) survives power loss
  };
  using FileMap = std::map<std::string, std::shared_ptr<FileState>>;
  struct FaultRule {
    int remaining = 0;  // FailNth countdown; 0 = no rule
    Status error;
    std::string nth_path_part;  // FailNth counts only paths containing this
    uint32_t one_in = 0;        // FailRandomly; 0 = off
    std::optional<Random> rnd;
    std::string random_path_part;  // FailRandomly hits only paths containing this
    Status random_error;           // what FailRandomly returns
  };
  class SeqFile;
  class RandFile;
  class WriteFile;
  class Lock;

  // Returns the injected error for a call of kind `op` on `path`, or OK.
  Status MaybeFail(Op op, const std::string& path) REQUIRES(mu_);
  bool DirExistsLocked(const std::string& dir) const REQUIRES(mu_);
  uint64_t UsedBytesLocked() const REQUIRES(mu_);
  void Unlock(const std::string& path);

  const Clock clock_;
  mutable Mutex mu_;  // guards everything below, including FileState contents
  // The live namespace: what the running process sees.
  FileMap files_ GUARDED_BY(mu_);
  // The durable namespace: the directory entries a power loss would keep,
  // updated per directory by SyncDir. Shares FileState with files_.
  FileMap durable_ GUARDED_BY(mu_);
  std::set<std::string> dirs_ GUARDED_BY(mu_);
  std::set<std::string> locks_ GUARDED_BY(mu_);
  FaultRule faults_[kNumOps] GUARDED_BY(mu_);
  uint64_t injected_count_ GUARDED_BY(mu_) = 0;
  uint64_t clock_offset_micros_ GUARDED_BY(mu_) = 0;
  std::optional<uint64_t> space_limit_ GUARDED_BY(mu_);
};

}  // namespace mmdb
