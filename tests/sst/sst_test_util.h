// Helpers shared by the SST tests: in-memory files (with read counting and
// byte surgery), a map-based fake BlockCache, internal-key builders and the
// location of the Rust golden files.
#pragma once

#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <mmdb/env.h>

#include "cache/block_cache.h"
#include "types/internal_key.h"
#include "util/golden.h"

namespace mmdb::test {

// A WritableFile appending to a string.
class StringSink final : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    contents_.append(data);
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override {
    ++syncs_;
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return contents_.size(); }

  const std::string& contents() const { return contents_; }
  int syncs() const { return syncs_; }

 private:
  std::string contents_;
  int syncs_ = 0;
};

// A RandomAccessFile over a shared string, counting reads.
class StringSource final : public RandomAccessFile {
 public:
  explicit StringSource(std::string contents, std::shared_ptr<std::atomic<int>> reads = nullptr)
      : contents_(std::move(contents)),
        reads_(reads != nullptr ? std::move(reads) : std::make_shared<std::atomic<int>>(0)) {}

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    reads_->fetch_add(1);
    if (offset > contents_.size()) return Status::IOError("read past end");
    n = std::min<size_t>(n, contents_.size() - offset);
    std::memcpy(scratch, contents_.data() + offset, n);
    *result = std::string_view(scratch, n);
    return Status::OK();
  }
  std::shared_ptr<std::atomic<int>> reads() const { return reads_; }
  void Prefetch(uint64_t offset, size_t n) const override { prefetches_->push_back({offset, n}); }
  // Every Prefetch hint, in order.
  std::shared_ptr<std::vector<std::pair<uint64_t, size_t>>> prefetches() const {
    return prefetches_;
  }

 private:
  std::string contents_;
  std::shared_ptr<std::atomic<int>> reads_;
  std::shared_ptr<std::vector<std::pair<uint64_t, size_t>>> prefetches_ =
      std::make_shared<std::vector<std::pair<uint64_t, size_t>>>();
};

// A BlockCache backed by a std::map, with no capacity bound.
class FakeBlockCache final : public BlockCache {
 public:
  CachedBlock Lookup(const BlockCacheKey& key) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = map_.find(Key(key));
    if (it == map_.end()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    return it->second;
  }
  size_t Insert(const BlockCacheKey& key, CachedBlock block, bool pinned) override {
    std::lock_guard<std::mutex> l(mu_);
    ++inserts_;
    map_[Key(key)] = std::move(block);
    return 0;
  }
  void Unpin(const BlockCacheKey&) override {}
  void Erase(const BlockCacheKey& key) override {
    std::lock_guard<std::mutex> l(mu_);
    map_.erase(Key(key));
  }
  uint64_t NewId() override { return ++next_id_; }
  uint64_t hits() const override { return hits_; }
  uint64_t misses() const override { return misses_; }
  uint64_t inserts() const override { return inserts_; }
  uint64_t evictions() const override { return 0; }
  size_t GetCapacity() const override { return SIZE_MAX; }
  size_t GetUsage() const override { return 0; }
  size_t GetPinnedUsage() const override { return 0; }
  void SetCapacity(size_t) override {}
  size_t entries() {
    std::lock_guard<std::mutex> l(mu_);
    return map_.size();
  }

 private:
  using MapKey = std::tuple<uint64_t, uint64_t, uint64_t>;
  static MapKey Key(const BlockCacheKey& k) { return {k.cache_id, k.file_number, k.offset}; }
  std::mutex mu_;
  std::map<MapKey, CachedBlock> map_;
  std::atomic<uint64_t> hits_{0}, misses_{0}, inserts_{0}, next_id_{0};
};

inline std::string IKey(std::string_view user_key, SequenceNumber seq,
                        ValueType type = ValueType::kValue) {
  return MakeInternalKey(user_key, seq, type);
}

// Orders internal keys for std::map.
struct InternalKeyLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return CompareInternalKey(a, b) < 0;
  }
};

// The golden directories (tests/data/compat), or "" when missing.
inline std::string GoldenCompatDir() { return CompatDir(); }

}  // namespace mmdb::test
