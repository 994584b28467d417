#include "memtable/arena.h"

#include <cassert>
#include <cstdint>

namespace mmdb {

static_assert((Arena::kAlign & (Arena::kAlign - 1)) == 0, "alignment must be a power of two");

char* Arena::AllocateFallback(size_t bytes) {
  if (bytes > kBlockSize / 4) {
    // Big: its own block, so the current block's free tail is kept for later.
    return AllocateNewBlock(bytes);
  }
  // Small: abandon the current block's tail and start a fresh block.
  alloc_ptr_ = AllocateNewBlock(kBlockSize);
  alloc_bytes_remaining_ = kBlockSize;
  char* result = alloc_ptr_;
  alloc_ptr_ += bytes;
  alloc_bytes_remaining_ -= bytes;
  return result;
}

char* Arena::AllocateAligned(size_t bytes) {
  assert(bytes > 0);
  const size_t misalignment = reinterpret_cast<uintptr_t>(alloc_ptr_) & (kAlign - 1);
  const size_t padding = misalignment == 0 ? 0 : kAlign - misalignment;
  const size_t needed = bytes + padding;
  char* result;
  if (needed <= alloc_bytes_remaining_) {
    result = alloc_ptr_ + padding;
    alloc_ptr_ += needed;
    alloc_bytes_remaining_ -= needed;
  } else {
    // New blocks come from operator new[], aligned for any fundamental type.
    result = AllocateFallback(bytes);
  }
  assert((reinterpret_cast<uintptr_t>(result) & (kAlign - 1)) == 0);
  return result;
}

char* Arena::AllocateNewBlock(size_t block_bytes) {
  blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_bytes));
  memory_usage_.fetch_add(block_bytes + sizeof(char*), std::memory_order_relaxed);
  return blocks_.back().get();
}

}  // namespace mmdb
