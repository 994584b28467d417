// MemEnv: see mem_env.h for the file-system, durability and fault model.
#include "env/mem_env.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

// Returns the injected fault of `expr` (a Status) with the path as context.
#define MMDB_MEMENV_RETURN_IF_FAULT_(expr, path)       \
  do {                                                 \
    ::mmdb::Status fault_ = (expr);                    \
    if (!fault_.ok()) return fault_.WithContext(path); \
  } while (0)

namespace mmdb {

namespace {

// "a//b/" -> "a/b"; "/" stays "/".
std::string Normalize(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// The directory holding `path` ("" for a bare name, "/" for "/x").
std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The prefix every entry of `dir` starts with.
std::string ChildPrefix(const std::string& dir) {
  if (dir.empty() || dir == "/") return dir;
  return dir + "/";
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

class MemEnv::SeqFile final : public SequentialFile {
 public:
  SeqFile(MemEnv* env, std::string path, std::shared_ptr<FileState> file)
      : env_(env), path_(std::move(path)), file_(std::move(file)) {}

  Status Read(size_t n, std::string_view* result, char* scratch) override {
    MutexLock l(&env_->mu_);
    MMDB_MEMENV_RETURN_IF_FAULT_(env_->MaybeFail(Op::kRead, path_), path_);
    const std::string& data = file_->data;
    const size_t avail = pos_ < data.size() ? data.size() - pos_ : 0;
    const size_t len = std::min(n, avail);
    if (len > 0) std::memcpy(scratch, data.data() + pos_, len);
    pos_ += len;
    *result = std::string_view(scratch, len);
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    MutexLock l(&env_->mu_);
    MMDB_MEMENV_RETURN_IF_FAULT_(env_->MaybeFail(Op::kRead, path_), path_);
    const uint64_t size = file_->data.size();
    pos_ = static_cast<size_t>(std::min<uint64_t>(size, pos_ + n));
    return Status::OK();
  }

 private:
  MemEnv* const env_;
  const std::string path_;
  const std::shared_ptr<FileState> file_;
  size_t pos_ = 0;
};

class MemEnv::RandFile final : public RandomAccessFile {
 public:
  RandFile(MemEnv* env, std::string path, std::shared_ptr<FileState> file)
      : env_(env), path_(std::move(path)), file_(std::move(file)) {}

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    MutexLock l(&env_->mu_);
    MMDB_MEMENV_RETURN_IF_FAULT_(env_->MaybeFail(Op::kRead, path_), path_);
    const std::string& data = file_->data;
    size_t len = 0;
    if (offset < data.size()) len = std::min<size_t>(n, data.size() - offset);
    if (len > 0) std::memcpy(scratch, data.data() + offset, len);
    *result = std::string_view(scratch, len);
    return Status::OK();
  }

 private:
  MemEnv* const env_;
  const std::string path_;
  const std::shared_ptr<FileState> file_;
};

class MemEnv::WriteFile final : public WritableFile {
 public:
  WriteFile(MemEnv* env, std::string path, std::shared_ptr<FileState> file)
      : env_(env), path_(std::move(path)), file_(std::move(file)) {}

  Status Append(std::string_view data) override {
    MutexLock l(&env_->mu_);
    MMDB_MEMENV_RETURN_IF_FAULT_(env_->MaybeFail(Op::kWrite, path_), path_);
    if (closed_) return Status::IOError(path_ + ": append after close");
    if (env_->space_limit_) {
      const uint64_t used = env_->UsedBytesLocked();
      const uint64_t room = used < *env_->space_limit_ ? *env_->space_limit_ - used : 0;
      if (data.size() > room) {
        file_->data.append(data.substr(0, room));  // a short write, then ENOSPC
        return Status::NoSpace(path_ + ": no space left on device (MemEnv limit)");
      }
    }
    file_->data.append(data);
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override {
    MutexLock l(&env_->mu_);
    MMDB_MEMENV_RETURN_IF_FAULT_(env_->MaybeFail(Op::kSync, path_), path_);
    if (closed_) return Status::IOError(path_ + ": sync after close");
    file_->synced = file_->data.size();
    return Status::OK();
  }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  uint64_t Size() const override {
    MutexLock l(&env_->mu_);
    return file_->data.size();
  }

 private:
  MemEnv* const env_;
  const std::string path_;
  const std::shared_ptr<FileState> file_;
  bool closed_ = false;  // owned by the file's user thread
};

class MemEnv::Lock final : public FileLock {
 public:
  Lock(MemEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock() override { env_->Unlock(path_); }

 private:
  MemEnv* const env_;
  const std::string path_;
};

MemEnv::MemEnv(Clock clock) : clock_(clock) {}
MemEnv::~MemEnv() = default;

Status MemEnv::MaybeFail(Op op, const std::string& path) {
  FaultRule& rule = faults_[static_cast<int>(op)];
  auto matches = [&path](const std::string& part) {
    return part.empty() || path.find(part) != std::string::npos;
  };
  if (rule.remaining > 0 && matches(rule.nth_path_part) && --rule.remaining == 0) {
    ++injected_count_;
    return rule.error;
  }
  if (rule.one_in > 0 && matches(rule.random_path_part) && rule.rnd->OneIn(rule.one_in)) {
    ++injected_count_;
    return rule.random_error;
  }
  return Status::OK();
}

bool MemEnv::DirExistsLocked(const std::string& dir) const {
  if (dir.empty() || dir == "/" || dirs_.count(dir) > 0) return true;
  const std::string prefix = ChildPrefix(dir);
  auto f = files_.lower_bound(prefix);
  if (f != files_.end() && StartsWith(f->first, prefix)) return true;
  auto d = dirs_.lower_bound(prefix);
  return d != dirs_.end() && StartsWith(*d, prefix);
}

Status MemEnv::NewSequentialFile(const std::string& path, std::unique_ptr<SequentialFile>* result) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  MMDB_MEMENV_RETURN_IF_FAULT_(MaybeFail(Op::kOpen, p), p);
  auto it = files_.find(p);
  if (it == files_.end()) return Status::NotFound(p + ": no such file");
  *result = std::make_unique<SeqFile>(this, p, it->second);
  return Status::OK();
}

Status MemEnv::NewRandomAccessFile(const std::string& path,
                                   std::unique_ptr<RandomAccessFile>* result) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  MMDB_MEMENV_RETURN_IF_FAULT_(MaybeFail(Op::kOpen, p), p);
  auto it = files_.find(p);
  if (it == files_.end()) return Status::NotFound(p + ": no such file");
  *result = std::make_unique<RandFile>(this, p, it->second);
  return Status::OK();
}

Status MemEnv::NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* result) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  MMDB_MEMENV_RETURN_IF_FAULT_(MaybeFail(Op::kOpen, p), p);
  if (dirs_.count(p) > 0) return Status::IOError(p + ": is a directory");
  std::shared_ptr<FileState>& file = files_[p];
  if (file == nullptr) {
    file = std::make_shared<FileState>();
  } else {
    // O_TRUNC on the same inode: the old bytes are gone, durable ones too.
    file->data.clear();
    file->synced = 0;
  }
  *result = std::make_unique<WriteFile>(this, p, file);
  return Status::OK();
}

bool MemEnv::FileExists(const std::string& path) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  return files_.count(p) > 0 || DirExistsLocked(p);
}

Status MemEnv::GetChildren(const std::string& dir, std::vector<std::string>* result) {
  result->clear();
  const std::string d = Normalize(dir);
  MutexLock l(&mu_);
  if (files_.count(d) > 0) return Status::IOError(d + ": not a directory");
  if (!DirExistsLocked(d)) return Status::NotFound(d + ": no such directory");
  const std::string prefix = ChildPrefix(d);
  std::set<std::string> names;
  auto add = [&](const std::string& path) {
    if (path.size() <= prefix.size() || !StartsWith(path, prefix)) return false;
    std::string rest = path.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
    return true;
  };
  for (auto it = files_.lower_bound(prefix); it != files_.end() && add(it->first); ++it) {
  }
  for (auto it = dirs_.lower_bound(prefix); it != dirs_.end() && add(*it); ++it) {
  }
  result->assign(names.begin(), names.end());
  return Status::OK();
}

Status MemEnv::RemoveFile(const std::string& path) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  MMDB_MEMENV_RETURN_IF_FAULT_(MaybeFail(Op::kRemove, p), p);
  if (files_.erase(p) == 0) return Status::NotFound(p + ": no such file");
  return Status::OK();
}

Status MemEnv::CreateDirIfMissing(const std::string& dir) {
  const std::string d = Normalize(dir);
  MutexLock l(&mu_);
  if (files_.count(d) > 0) return Status::IOError(d + ": exists and is not a directory");
  dirs_.insert(d);
  return Status::OK();
}

Status MemEnv::RemoveDir(const std::string& dir) {
  const std::string d = Normalize(dir);
  MutexLock l(&mu_);
  MMDB_MEMENV_RETURN_IF_FAULT_(MaybeFail(Op::kRemove, d), d);
  if (!DirExistsLocked(d)) return Status::NotFound(d + ": no such directory");
  const std::string prefix = ChildPrefix(d);
  auto f = files_.lower_bound(prefix);
  auto sub = dirs_.lower_bound(prefix);
  if ((f != files_.end() && StartsWith(f->first, prefix)) ||
      (sub != dirs_.end() && StartsWith(*sub, prefix))) {
    return Status::IOError(d + ": directory not empty");
  }
  dirs_.erase(d);
  return Status::OK();
}

Status MemEnv::GetFileSize(const std::string& path, uint64_t* size) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  auto it = files_.find(p);
  if (it == files_.end()) return Status::NotFound(p + ": no such file");
  *size = it->second->data.size();
  return Status::OK();
}

Status MemEnv::RenameFile(const std::string& src, const std::string& target) {
  const std::string s = Normalize(src);
  const std::string t = Normalize(target);
  MutexLock l(&mu_);
  MMDB_MEMENV_RETURN_IF_FAULT_(MaybeFail(Op::kRename, s), s);
  auto it = files_.find(s);
  if (it == files_.end()) return Status::NotFound(s + ": no such file");
  if (dirs_.count(t) > 0) return Status::IOError(t + ": is a directory");
  if (s == t) return Status::OK();
  std::shared_ptr<FileState> file = it->second;
  files_.erase(it);
  files_[t] = std::move(file);
  return Status::OK();
}

Status MemEnv::SyncDir(const std::string& dir) {
  const std::string d = Normalize(dir);
  MutexLock l(&mu_);
  MMDB_MEMENV_RETURN_IF_FAULT_(MaybeFail(Op::kSyncDir, d), d);
  if (!DirExistsLocked(d)) return Status::NotFound(d + ": no such directory");
  // The durable entries of `d` become exactly its live entries.
  for (auto it = durable_.begin(); it != durable_.end();) {
    it = ParentDir(it->first) == d ? durable_.erase(it) : std::next(it);
  }
  for (const auto& [path, file] : files_) {
    if (ParentDir(path) == d) durable_[path] = file;
  }
  return Status::OK();
}

Status MemEnv::LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  if (locks_.count(p) > 0) return Status::Busy(p + ": held by another open DB");
  if (dirs_.count(p) > 0) return Status::IOError(p + ": is a directory");
  std::shared_ptr<FileState>& file = files_[p];
  if (file == nullptr) file = std::make_shared<FileState>();
  locks_.insert(p);
  *lock = std::make_unique<Lock>(this, p);
  return Status::OK();
}

void MemEnv::Unlock(const std::string& path) {
  MutexLock l(&mu_);
  locks_.erase(path);
}

uint64_t MemEnv::NowMicros() {
  uint64_t base = 1'000'000;
  if (clock_ == Clock::kReal) {
    base = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
  }
  MutexLock l(&mu_);
  return base + clock_offset_micros_;
}

void MemEnv::SleepForMicroseconds(uint64_t micros) {
  if (clock_ == Clock::kManual) {
    AdvanceClock(micros);
  } else {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
}

void MemEnv::AdvanceClock(uint64_t micros) {
  MutexLock l(&mu_);
  clock_offset_micros_ += micros;
}

std::shared_ptr<MemEnv> MemEnv::CrashClone(const CrashOptions& options) const {
  auto clone = std::make_shared<MemEnv>(clock_);
  Random rnd(options.seed);
  const double fraction = std::clamp(options.keep_unsynced_fraction, 0.0, 1.0);
  MutexLock l(&mu_);
  MutexLock cl(&clone->mu_);
  clone->dirs_ = dirs_;
  clone->clock_offset_micros_ = clock_offset_micros_;
  // One clone FileState per original one, so names sharing a file still do.
  std::map<const FileState*, std::shared_ptr<FileState>> copies;
  for (const auto& [path, file] : durable_) {
    std::shared_ptr<FileState>& copy = copies[file.get()];
    if (copy == nullptr) {
      const uint64_t synced = std::min<uint64_t>(file->synced, file->data.size());
      const uint64_t unsynced = file->data.size() - synced;
      const auto max_keep = static_cast<uint64_t>(static_cast<double>(unsynced) * fraction);
      const uint64_t keep = synced + (max_keep > 0 ? rnd.Uniform(max_keep + 1) : 0);
      copy = std::make_shared<FileState>();
      copy->data = file->data.substr(0, keep);
      copy->synced = keep;
      const uint64_t max_torn = std::min<uint64_t>(keep - synced, options.torn_tail_bytes);
      if (max_torn > 0) {
        // A disk loses whole sectors: the zeros start at a sector boundary.
        const uint64_t torn = rnd.Uniform(max_torn + 1);
        constexpr uint64_t kSector = MemEnvCrashOptions::kSectorSize;
        const uint64_t from = (keep - torn + kSector - 1) / kSector * kSector;
        if (from < keep) {
          std::fill(copy->data.begin() + static_cast<std::ptrdiff_t>(from), copy->data.end(), '\0');
        }
      }
    }
    clone->files_[path] = copy;
    clone->durable_[path] = copy;
  }
  return clone;
}

void MemEnv::FailNth(Op op, int n, Status error, std::string path_part) {
  assert(n >= 1 && !error.ok());
  MutexLock l(&mu_);
  FaultRule& rule = faults_[static_cast<int>(op)];
  rule.remaining = n;
  rule.error = std::move(error);
  rule.nth_path_part = std::move(path_part);
}

void MemEnv::FailRandomly(Op op, uint32_t one_in, uint64_t seed, std::string path_part,
                          Status error) {
  MutexLock l(&mu_);
  FaultRule& rule = faults_[static_cast<int>(op)];
  rule.one_in = one_in;
  rule.random_error = error.ok() ? Status::IOError("injected random fault") : std::move(error);
  rule.rnd.emplace(seed);
  rule.random_path_part = std::move(path_part);
}

void MemEnv::ClearFaults() {
  MutexLock l(&mu_);
  for (FaultRule& rule : faults_) rule = FaultRule{};
  injected_count_ = 0;
}

void MemEnv::SetSpaceLimit(std::optional<uint64_t> bytes) {
  MutexLock l(&mu_);
  space_limit_ = bytes;
}

uint64_t MemEnv::UsedBytes() const {
  MutexLock l(&mu_);
  return UsedBytesLocked();
}

uint64_t MemEnv::UsedBytesLocked() const {
  uint64_t total = 0;
  for (const auto& [name, file] : files_) total += file->data.size();
  return total;
}

bool MemEnv::injected() const {
  MutexLock l(&mu_);
  return injected_count_ > 0;
}

uint64_t MemEnv::injected_count() const {
  MutexLock l(&mu_);
  return injected_count_;
}

Status MemEnv::CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  auto it = files_.find(p);
  if (it == files_.end()) return Status::NotFound(p + ": no such file");
  std::string& data = it->second->data;
  if (offset >= data.size()) {
    return Status::InvalidArgument(p + ": offset " + std::to_string(offset) + " past size " +
                                   std::to_string(data.size()));
  }
  data[offset] = static_cast<char>(static_cast<uint8_t>(data[offset]) ^ xor_mask);
  return Status::OK();
}

Status MemEnv::Truncate(const std::string& path, uint64_t size) {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  auto it = files_.find(p);
  if (it == files_.end()) return Status::NotFound(p + ": no such file");
  it->second->data.resize(size, '\0');
  it->second->synced = std::min(it->second->synced, size);
  return Status::OK();
}

std::string MemEnv::FileContents(const std::string& path) const {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  auto it = files_.find(p);
  return it == files_.end() ? std::string() : it->second->data;
}

std::optional<uint64_t> MemEnv::SyncedSize(const std::string& path) const {
  const std::string p = Normalize(path);
  MutexLock l(&mu_);
  auto it = files_.find(p);
  if (it == files_.end()) return std::nullopt;
  return it->second->synced;
}

}  // namespace mmdb
