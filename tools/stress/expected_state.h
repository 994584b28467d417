// ExpectedState: what mmdb_stress believes the DB holds, one 64-bit word per
// key, so that reads made while other threads write can be verified exactly.
//
// Word layout (KeyState): the key's committed version (a per-key write
// counter; the value of version v is ValueFor(key, v)), whether the
// committed version exists (false after a delete), and a pending marker set
// while a write of the key is in flight, with the existence it will have.
// A writer holds the key's lock (KeyLocks) from SetPending to Commit.
//
// Storage: anonymous memory, or a file mapped MAP_SHARED so that a parent
// process can check the DB against it after the writer was SIGKILLed (and so
// that separate runs on one DB continue from the same state).
//
// Thread safety: every method may be called from any thread; words are
// atomics (a reader sees each key's state as of some moment).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/status.h>

namespace mmdb::stress {

struct KeyState {
  uint32_t version = 0;  // 0: never written
  bool exists = false;
  bool pending = false;         // a write is in flight ...
  bool pending_exists = false;  // ... and leaves the key existing (put) or not

  uint64_t Encode() const {
    return version | (uint64_t{exists} << 32) | (uint64_t{pending} << 33) |
           (uint64_t{pending_exists} << 34);
  }
  static KeyState Decode(uint64_t w) {
    return {static_cast<uint32_t>(w), ((w >> 32) & 1) != 0, ((w >> 33) & 1) != 0,
            ((w >> 34) & 1) != 0};
  }
  bool operator==(const KeyState&) const = default;
};

class ExpectedState {
 public:
  // `path` empty: anonymous shared memory (survives fork, not the process).
  // Otherwise the file is created (zeroed) or reused when it has the right size.
  static Status Open(const std::string& path, uint32_t num_keys,
                     std::unique_ptr<ExpectedState>* out);
  ~ExpectedState();
  ExpectedState(const ExpectedState&) = delete;
  ExpectedState& operator=(const ExpectedState&) = delete;

  uint32_t num_keys() const { return num_keys_; }
  KeyState Get(uint32_t key) const { return KeyState::Decode(words_[key].load()); }
  // Marks a write in flight; returns the version it will write.
  uint32_t SetPending(uint32_t key, bool will_exist);
  // The in-flight write is done: version+1, existence as announced.
  void Commit(uint32_t key);
  // Resolution after a crash: the in-flight write did (true) or did not land.
  void Resolve(uint32_t key, bool landed);
  // Zeroes every word (a fresh DB).
  void Clear();

  static std::string KeyName(uint32_t key);
  // The value of `key` at `version`: names both, then filler of a length and
  // pattern derived from them (at most max_filler bytes).
  static std::string ValueFor(uint32_t key, uint32_t version, uint32_t max_filler);
  // Parses a value; false when it is not ValueFor(key, v, max_filler) for any v.
  static bool ParseValue(uint32_t key, std::string_view value, uint32_t max_filler,
                         uint32_t* version);

 private:
  ExpectedState(std::atomic<uint64_t>* words, uint32_t num_keys, size_t map_bytes);

  std::atomic<uint64_t>* const words_;
  const uint32_t num_keys_;
  const size_t map_bytes_;
};

// Per-key write locks, striped: keys k and k + kStripes share a mutex.
class KeyLocks {
 public:
  static constexpr uint32_t kStripes = 4096;
  // Locks the stripes of `keys` in ascending stripe order (no deadlock) and
  // unlocks them when destroyed.
  class Guard {
   public:
    Guard(KeyLocks* locks, const std::vector<uint32_t>& keys);
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    KeyLocks* const locks_;
    std::vector<uint32_t> stripes_;
  };

 private:
  std::mutex mu_[kStripes];  // mu_[s] serialises writers of keys with key % kStripes == s
};

}  // namespace mmdb::stress
