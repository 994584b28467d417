// Mutex, MutexLock and CondVar: thin wrappers over the standard library,
// annotated for clang's -Wthread-safety (GUARDED_BY, REQUIRES, ...), as in
// LevelDB's port layer. Every mutex in the engine says in a comment what it
// guards; every field it guards carries GUARDED_BY.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define MMDB_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define MMDB_THREAD_ANNOTATION(x)
#endif

#define GUARDED_BY(x) MMDB_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) MMDB_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) MMDB_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) MMDB_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) MMDB_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) MMDB_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define CAPABILITY(x) MMDB_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY MMDB_THREAD_ANNOTATION(scoped_lockable)
#define NO_THREAD_SAFETY_ANALYSIS MMDB_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace mmdb {

class CondVar;

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  // Documents (and, with clang, checks) that the caller holds this mutex.
  void AssertHeld() const {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable bound to one Mutex for its whole life.
class CondVar {
 public:
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // REQUIRES: mu_ held. Releases it while waiting, holds it again on return.
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // As Wait, for at most `micros`; returns true on timeout.
  bool WaitForMicros(uint64_t micros) {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    bool timed_out =
        cv_.wait_for(lock, std::chrono::microseconds(micros)) == std::cv_status::timeout;
    lock.release();
    return timed_out;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  Mutex* const mu_;
  std::condition_variable cv_;
};

}  // namespace mmdb
