// LazyDeleteSet: a mutex-guarded hash set of user keys.
#include "compaction/lazy_delete_set.h"

#include "util/hash.h"

namespace mmdb {

size_t LazyDeleteSet::Hash::operator()(std::string_view s) const {
  return static_cast<size_t>(Hash64(s));
}

void LazyDeleteSet::Add(std::string_view key) {
  MutexLock l(&mu_);
  keys_.emplace(key);
}

void LazyDeleteSet::AddBatch(const std::vector<std::string>& keys) {
  MutexLock l(&mu_);
  for (const auto& k : keys) keys_.insert(k);
}

bool LazyDeleteSet::Contains(std::string_view key) const {
  MutexLock l(&mu_);
  return keys_.find(key) != keys_.end();
}

void LazyDeleteSet::Remove(std::string_view key) {
  MutexLock l(&mu_);
  auto it = keys_.find(key);
  if (it != keys_.end()) keys_.erase(it);
}

size_t LazyDeleteSet::size() const {
  MutexLock l(&mu_);
  return keys_.size();
}

void LazyDeleteSet::Clear() {
  MutexLock l(&mu_);
  keys_.clear();
}

}  // namespace mmdb
