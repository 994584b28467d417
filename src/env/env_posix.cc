// The POSIX Env: pread (or, when asked, mmap) for random access, a
// user-space buffer for appends, fdatasync for Sync, fsync on the directory
// for SyncDir, flock for LOCK.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mmdb/env.h>

#include "util/result.h"

namespace mmdb {

namespace {

Status PosixError(const std::string& context, int err) {
  std::string msg = context + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(msg);
  // A full device or quota passes once space is freed: the DB treats it as
  // recoverable (Status::NoSpace).
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(msg);
  return Status::IOError(msg);
}

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Status Read(size_t n, std::string_view* result, char* scratch) override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::read(fd_, scratch + done, n - done);
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_, errno);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) == static_cast<off_t>(-1)) {
      return PosixError(path_, errno);
    }
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_, errno);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return Status::OK();
  }

  void Prefetch(uint64_t offset, size_t n) const override {
    // Advisory only: a failure changes nothing but speed.
    (void)::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(n),
                          POSIX_FADV_WILLNEED);
  }

 private:
  const std::string path_;
  const int fd_;
};

// Mappings the process may hold at once (as LevelDB, 1000 on 64-bit
// systems): well under the kernel's vm.max_map_count, and past it files are
// read with pread instead.
class MmapLimiter {
 public:
  static constexpr int kMaxMappings = 1000;
  bool Acquire() {
    int left = left_.load(std::memory_order_relaxed);
    while (left > 0) {
      if (left_.compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) return true;
    }
    return false;
  }
  void Release() { left_.fetch_add(1, std::memory_order_relaxed); }

 private:
  std::atomic<int> left_{kMaxMappings};
};

MmapLimiter& Mappings() {
  static MmapLimiter limiter;  // never destroyed before the files it counts
  return limiter;
}

// A read-only file mapped whole: Read returns views into the mapping.
class PosixMmapReadableFile final : public RandomAccessFile {
 public:
  // Takes over `base` (a mapping of `length` bytes) and one MmapLimiter slot.
  PosixMmapReadableFile(std::string path, const char* base, size_t length)
      : path_(std::move(path)), base_(base), length_(length) {}
  ~PosixMmapReadableFile() override {
    ::munmap(const_cast<char*>(base_), length_);
    Mappings().Release();
  }

  Status Read(uint64_t offset, size_t n, std::string_view* result, char*) const override {
    // As pread: a read at or past the end returns what there is.
    const size_t avail = offset < length_ ? length_ - static_cast<size_t>(offset) : 0;
    *result = std::string_view(base_ + (offset < length_ ? offset : length_), std::min(n, avail));
    return Status::OK();
  }

  void Prefetch(uint64_t offset, size_t n) const override {
    if (offset >= length_) return;
    // madvise wants a page-aligned start. Advisory only, like fadvise.
    static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t start = offset - offset % page;
    const uint64_t end = std::min<uint64_t>(offset + n, length_);
    (void)::madvise(const_cast<char*>(base_) + start, end - start, MADV_WILLNEED);
  }

  bool ReadsInPlace() const override { return true; }

 private:
  const std::string path_;
  const char* const base_;
  const size_t length_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
    buf_.reserve(kBufferSize);
  }
  ~PosixWritableFile() override {
    if (fd_ >= 0) {
      // The owner did not Close(): flush what we can; errors have no one to go to.
      (void)Close();
    }
  }

  Status Append(std::string_view data) override {
    size_ += data.size();
    if (buf_.size() + data.size() <= kBufferSize) {
      buf_.append(data);
      return Status::OK();
    }
    MMDB_RETURN_IF_ERROR(FlushBuffer());
    if (data.size() >= kBufferSize) return WriteRaw(data);
    buf_.append(data);
    return Status::OK();
  }

  Status Flush() override { return FlushBuffer(); }

  Status Sync() override {
    MMDB_RETURN_IF_ERROR(FlushBuffer());
    if (::fdatasync(fd_) != 0) return PosixError(path_ + ": fdatasync", errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = FlushBuffer();
    if (::close(fd_) != 0 && s.ok()) s = PosixError(path_ + ": close", errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

  void RangeSync(uint64_t offset, uint64_t n) override {
    // Asynchronous writeback; a failure here only means the later fdatasync
    // has more to do (and that call reports errors).
    (void)::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(n),
                            SYNC_FILE_RANGE_WRITE);
  }

 private:
  static constexpr size_t kBufferSize = 64 << 10;

  Status FlushBuffer() {
    if (buf_.empty()) return Status::OK();
    Status s = WriteRaw(buf_);
    buf_.clear();
    return s;
  }

  Status WriteRaw(std::string_view data) {
    if (fd_ < 0) return Status::IOError(path_ + ": write after close");
    while (!data.empty()) {
      ssize_t r = ::write(fd_, data.data(), data.size());
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_ + ": write", errno);
      }
      data.remove_prefix(static_cast<size_t>(r));
    }
    return Status::OK();
  }

  const std::string path_;
  int fd_;
  std::string buf_;
  uint64_t size_ = 0;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override {
    (void)::flock(fd_, LOCK_UN);  // close releases it anyway
    ::close(fd_);
  }

 private:
  const int fd_;
};

class PosixEnv final : public Env {
 public:
  Status NewSequentialFile(const std::string& path,
                           std::unique_ptr<SequentialFile>* result) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(path, errno);
    *result = std::make_unique<PosixSequentialFile>(path, fd);
    return Status::OK();
  }

  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* result) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(path, errno);
    *result = std::make_unique<PosixRandomAccessFile>(path, fd);
    return Status::OK();
  }

  Status NewMmapReadableFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* result) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return PosixError(path, err);
    }
    // An empty file cannot be mapped; past the mapping limit, pread.
    if (st.st_size > 0 && Mappings().Acquire()) {
      const size_t length = static_cast<size_t>(st.st_size);
      void* base = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
      if (base != MAP_FAILED) {
        ::close(fd);  // the mapping keeps the file
        *result =
            std::make_unique<PosixMmapReadableFile>(path, static_cast<const char*>(base), length);
        return Status::OK();
      }
      Mappings().Release();
    }
    *result = std::make_unique<PosixRandomAccessFile>(path, fd);
    return Status::OK();
  }

  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* result) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError(path, errno);
    *result = std::make_unique<PosixWritableFile>(path, fd);
    return Status::OK();
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Status GetChildren(const std::string& dir, std::vector<std::string>* result) override {
    result->clear();
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError(dir, errno);
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      result->emplace_back(e->d_name);
    }
    ::closedir(d);
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError(path, errno);
    return Status::OK();
  }

  Status CreateDirIfMissing(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return PosixError(dir, errno);
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return PosixError(dir, errno);
    if (!S_ISDIR(st.st_mode)) return Status::IOError(dir + ": exists and is not a directory");
    return Status::OK();
  }

  Status RemoveDir(const std::string& dir) override {
    if (::rmdir(dir.c_str()) != 0) return PosixError(dir, errno);
    return Status::OK();
  }

  Status GetFileSize(const std::string& path, uint64_t* size) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError(path, errno);
    *size = static_cast<uint64_t>(st.st_size);
    return Status::OK();
  }

  Status RenameFile(const std::string& src, const std::string& target) override {
    if (::rename(src.c_str(), target.c_str()) != 0) return PosixError(src, errno);
    return Status::OK();
  }

  Status LinkFile(const std::string& src, const std::string& target) override {
    if (::link(src.c_str(), target.c_str()) != 0) return PosixError(src + " -> " + target, errno);
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return PosixError(dir, errno);
    Status s;
    if (::fsync(fd) != 0) s = PosixError(dir + ": fsync", errno);
    ::close(fd);
    return s;
  }

  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError(path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) return Status::Busy(path + ": held by another open DB");
      return PosixError(path + ": flock", err);
    }
    *lock = std::make_unique<PosixFileLock>(fd);
    return Status::OK();
  }

  uint64_t NowMicros() override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
  }

  void SleepForMicroseconds(uint64_t micros) override {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
};

}  // namespace

std::shared_ptr<Env> Env::Default() {
  static const std::shared_ptr<Env> env = std::make_shared<PosixEnv>();
  return env;
}

}  // namespace mmdb
