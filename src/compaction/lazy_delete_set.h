// LazyDeleteSet: user keys registered for removal by compaction (vsdb's
// garbage collection of dead copy-on-write nodes: DB::LazyDelete).
//
// Kept in memory only. A bottommost compaction that meets a registered key
// while no snapshot is alive drops every version of it and unregisters it;
// keys no longer visible anywhere are unregisted the same way, so the set
// does not grow without bound.
//
// Thread safety: internally synchronised (mu_ guards keys_); Contains is
// called by compaction threads while writers Add.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "util/mutex.h"

namespace mmdb {

class LazyDeleteSet {
 public:
  void Add(std::string_view key);
  void AddBatch(const std::vector<std::string>& keys);
  bool Contains(std::string_view key) const;
  // Unregisters `key` (its versions were dropped). No-op if absent.
  void Remove(std::string_view key);
  size_t size() const;
  void Clear();

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  mutable Mutex mu_;
  std::unordered_set<std::string, Hash, std::equal_to<>> keys_ GUARDED_BY(mu_);
};

}  // namespace mmdb
