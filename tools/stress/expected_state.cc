// ExpectedState and KeyLocks: see expected_state.h.
#include "tools/stress/expected_state.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mmdb::stress {

namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A 16-byte header before the words: magic and key count.
constexpr uint64_t kMagic = 0x4d4d44425354524bull;  // "MMDBSTRK"
constexpr size_t kHeader = 16;

}  // namespace

Status ExpectedState::Open(const std::string& path, uint32_t num_keys,
                           std::unique_ptr<ExpectedState>* out) {
  const size_t bytes = kHeader + size_t{num_keys} * sizeof(uint64_t);
  void* mem = nullptr;
  bool fresh = true;
  if (path.empty()) {
    mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  } else {
    const int fd = open(path.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
    struct stat st {};
    fstat(fd, &st);
    fresh = static_cast<size_t>(st.st_size) != bytes;
    if (fresh && ftruncate(fd, 0) == 0 && ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
      close(fd);
      return Status::IOError(path + ": cannot size the file");
    }
    mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
  }
  if (mem == MAP_FAILED) return Status::IOError("mmap of the expected state failed");
  auto* header = static_cast<uint64_t*>(mem);
  if (!fresh && (header[0] != kMagic || header[1] != num_keys)) fresh = true;
  if (fresh) {
    std::memset(mem, 0, bytes);
    header[0] = kMagic;
    header[1] = num_keys;
  }
  auto* words = reinterpret_cast<std::atomic<uint64_t>*>(static_cast<char*>(mem) + kHeader);
  out->reset(new ExpectedState(words, num_keys, bytes));
  return Status::OK();
}

ExpectedState::ExpectedState(std::atomic<uint64_t>* words, uint32_t num_keys, size_t map_bytes)
    : words_(words), num_keys_(num_keys), map_bytes_(map_bytes) {}

ExpectedState::~ExpectedState() { munmap(reinterpret_cast<char*>(words_) - kHeader, map_bytes_); }

uint32_t ExpectedState::SetPending(uint32_t key, bool will_exist) {
  KeyState s = Get(key);
  s.pending = true;
  s.pending_exists = will_exist;
  words_[key].store(s.Encode());
  return s.version + 1;
}

void ExpectedState::Commit(uint32_t key) { Resolve(key, true); }

void ExpectedState::Resolve(uint32_t key, bool landed) {
  KeyState s = Get(key);
  if (!s.pending) return;
  if (landed) {
    s.version += 1;
    s.exists = s.pending_exists;
  }
  s.pending = false;
  s.pending_exists = false;
  words_[key].store(s.Encode());
}

void ExpectedState::Clear() {
  for (uint32_t k = 0; k < num_keys_; ++k) words_[k].store(0);
}

std::string ExpectedState::KeyName(uint32_t key) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%08u", key);
  return buf;
}

std::string ExpectedState::ValueFor(uint32_t key, uint32_t version, uint32_t max_filler) {
  std::string v = std::to_string(key) + "@" + std::to_string(version) + ":";
  const uint64_t h = Mix((uint64_t{key} << 32) | version);
  const size_t filler = max_filler == 0 ? 0 : h % (max_filler + 1);
  for (size_t i = 0; i < filler; ++i) v.push_back(static_cast<char>('a' + (h >> (i % 48)) % 26));
  return v;
}

bool ExpectedState::ParseValue(uint32_t key, std::string_view value, uint32_t max_filler,
                               uint32_t* version) {
  const size_t at = value.find('@');
  const size_t colon = value.find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos || colon < at) return false;
  if (value.substr(0, at) != std::to_string(key)) return false;
  uint64_t v = 0;
  for (char c : value.substr(at + 1, colon - at - 1)) {
    if (c < '0' || c > '9' || v > UINT32_MAX) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v == 0 || v > UINT32_MAX) return false;
  *version = static_cast<uint32_t>(v);
  return value == ValueFor(key, *version, max_filler);
}

KeyLocks::Guard::Guard(KeyLocks* locks, const std::vector<uint32_t>& keys) : locks_(locks) {
  stripes_.reserve(keys.size());
  for (uint32_t k : keys) stripes_.push_back(k % kStripes);
  std::sort(stripes_.begin(), stripes_.end());
  stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
  for (uint32_t s : stripes_) locks_->mu_[s].lock();
}

KeyLocks::Guard::~Guard() {
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) locks_->mu_[*it].unlock();
}

}  // namespace mmdb::stress
