// Arena: a bump allocator for memtable entries and skiplist nodes.
//
// Memory comes in 4 KiB blocks; a request larger than a quarter block gets a
// block of its own so that little is wasted at block ends. Memory is released
// only when the Arena is destroyed, and allocated bytes never move, so views
// into them stay valid for the Arena's whole life.
//
// Owner: memtable. Thread safety: Allocate* from one thread at a time (the
// memtable's single writer); MemoryUsage() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace mmdb {

class Arena {
 public:
  static constexpr size_t kBlockSize = 4096;
  // Alignment of AllocateAligned (enough for pointers and atomics).
  static constexpr size_t kAlign = alignof(std::max_align_t) > 8 ? alignof(std::max_align_t) : 8;

  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() = default;

  // Returns `bytes` bytes with no alignment promise. REQUIRES: bytes > 0.
  char* Allocate(size_t bytes);
  // Returns `bytes` bytes aligned to kAlign. REQUIRES: bytes > 0.
  char* AllocateAligned(size_t bytes);

  // Bytes of every block allocated so far plus bookkeeping; an estimate of the
  // arena's footprint. Readable from any thread.
  size_t MemoryUsage() const { return memory_usage_.load(std::memory_order_relaxed); }

 private:
  char* AllocateFallback(size_t bytes);
  char* AllocateNewBlock(size_t block_bytes);

  char* alloc_ptr_ = nullptr;         // next free byte of the current block
  size_t alloc_bytes_remaining_ = 0;  // free bytes left in the current block
  std::vector<std::unique_ptr<char[]>> blocks_;
  // Written by the allocating thread, read by any (relaxed: a statistic that
  // orders no other memory).
  std::atomic<size_t> memory_usage_{0};
};

inline char* Arena::Allocate(size_t bytes) {
  if (bytes <= alloc_bytes_remaining_) {
    char* result = alloc_ptr_;
    alloc_ptr_ += bytes;
    alloc_bytes_remaining_ -= bytes;
    return result;
  }
  return AllocateFallback(bytes);
}

}  // namespace mmdb
