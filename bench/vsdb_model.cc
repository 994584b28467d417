#include "bench/vsdb_model.h"

#include <algorithm>
#include <cstdint>

namespace mmdb_bench {
namespace {

void PutFixed64Le(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

VsdbModel::VsdbModel(uint64_t collections, uint64_t seed) {
  BenchRandom rnd(seed ^ 0xc011ec7104ull);
  collections_.resize(collections);
  uint64_t id = 40960000;
  for (Collection& c : collections_) {
    c.id = id;
    id += 1 + rnd.Uniform(1000);  // scattered, increasing, distinct
  }
}

std::string VsdbModel::Prefix(uint64_t collection_id) {
  std::string p;
  PutFixed64Le(&p, collection_id);
  return p;
}

std::string VsdbModel::Key(uint64_t collection_id, uint64_t node) {
  std::string k;
  k.reserve(16);
  PutFixed64Le(&k, collection_id);
  PutFixed64Le(&k, node);
  return k;
}

std::pair<size_t, uint64_t> VsdbModel::Step(BenchRandom* rnd) {
  size_t index = static_cast<size_t>(rnd->Uniform(collections_.size()));
  Collection& c = collections_[index];
  if (c.live.size() > static_cast<size_t>(kNodesPerStep)) {
    for (int k = 0; k < kKillsPerStep; ++k) {
      size_t victim = static_cast<size_t>(rnd->Uniform(c.live.size()));
      dead_.emplace_back(static_cast<uint32_t>(index), c.live[victim]);
      c.live[victim] = c.live.back();
      c.live.pop_back();
    }
  }
  uint64_t first = c.next_node;
  for (int k = 0; k < kNodesPerStep; ++k) c.live.push_back(c.next_node++);
  c.present += kNodesPerStep;
  ++steps_;
  return {index, first};
}

size_t VsdbModel::RandomCollection(BenchRandom* rnd) const {
  for (int attempt = 0; attempt < 64; ++attempt) {
    size_t i = static_cast<size_t>(rnd->Uniform(collections_.size()));
    if (!collections_[i].dropped && !collections_[i].live.empty()) return i;
  }
  for (size_t i = 0; i < collections_.size(); ++i) {
    if (!collections_[i].dropped && !collections_[i].live.empty()) return i;
  }
  return SIZE_MAX;
}

bool VsdbModel::RandomLiveNode(BenchRandom* rnd, size_t* collection, uint64_t* node) const {
  size_t i = RandomCollection(rnd);
  if (i == SIZE_MAX) return false;
  const Collection& c = collections_[i];
  *collection = i;
  *node = c.live[static_cast<size_t>(rnd->Uniform(c.live.size()))];
  return true;
}

std::vector<std::string> VsdbModel::DeadKeys() const {
  std::vector<std::string> keys;
  keys.reserve(dead_.size());
  for (const auto& [index, node] : dead_) {
    if (!collections_[index].dropped) keys.push_back(Key(collections_[index].id, node));
  }
  return keys;
}

void VsdbModel::CollectDead() {
  for (const auto& [index, node] : dead_) {
    Collection& c = collections_[index];
    if (!c.dropped) --c.present;
  }
  dead_.clear();
}

void VsdbModel::Drop(size_t collection) {
  Collection& c = collections_[collection];
  c.dropped = true;
  c.present = 0;
  c.live.clear();
}

}  // namespace mmdb_bench
