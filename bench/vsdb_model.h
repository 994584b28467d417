// VsdbModel: the vsdb-like data set of the vsdb_* workloads, kept in memory
// so every engine gets the same operations and the benchmark can check what
// the engine returns.
//
// A collection is a copy-on-write tree: its nodes live under the 8-byte
// little-endian collection id, each keyed by an 8-byte little-endian node
// id (16-byte keys). A mutation step writes kNodesPerStep new nodes (fresh
// ids) in one WriteBatch and makes up to kKillsPerStep older live nodes of
// that collection dead (their versions were replaced): dead nodes stay in
// the DB until garbage collection (vsdb_gc) removes them. Collection ids
// start at 40,960,000 and are scattered upwards.
//
// Thread safety: none for the mutators; the const accessors may be used by
// many reader threads while nothing mutates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/keys.h"

namespace mmdb_bench {

class VsdbModel {
 public:
  static constexpr int kNodesPerStep = 4;
  static constexpr int kKillsPerStep = 3;
  static constexpr size_t kPrefixLength = 8;
  static constexpr uint32_t kMinValue = 300;
  static constexpr uint32_t kMaxValue = 3000;

  struct Collection {
    uint64_t id = 0;
    uint64_t next_node = 1;      // ids 1..next_node-1 were written
    std::vector<uint64_t> live;  // nodes reachable from the current root
    uint64_t present = 0;        // nodes the DB should hold now
    bool dropped = false;        // removed by vsdb_drop
  };

  // `collections` collections with ids scattered from 40,960,000.
  VsdbModel(uint64_t collections, uint64_t seed);

  static std::string Prefix(uint64_t collection_id);
  static std::string Key(uint64_t collection_id, uint64_t node);
  // Random value size in [kMinValue, kMaxValue].
  static uint32_t ValueSize(BenchRandom* rnd) {
    return kMinValue + static_cast<uint32_t>(rnd->Uniform(kMaxValue - kMinValue + 1));
  }

  // One mutation step on a random collection: returns its index and the
  // first of the kNodesPerStep consecutive new node ids; records the nodes
  // it kills as dead.
  std::pair<size_t, uint64_t> Step(BenchRandom* rnd);

  // A random live node of a random collection that is not dropped; false
  // when every collection is dropped.
  bool RandomLiveNode(BenchRandom* rnd, size_t* collection, uint64_t* node) const;
  // A random collection that is not dropped (SIZE_MAX when none).
  size_t RandomCollection(BenchRandom* rnd) const;

  // Keys of dead nodes in collections that are not dropped.
  std::vector<std::string> DeadKeys() const;
  // The dead nodes are gone from the DB (after garbage collection).
  void CollectDead();
  // Marks a collection dropped (its keys are gone from the DB).
  void Drop(size_t collection);

  const std::vector<Collection>& collections() const { return collections_; }
  uint64_t dead_count() const { return dead_.size(); }
  uint64_t steps() const { return steps_; }

 private:
  std::vector<Collection> collections_;
  std::vector<std::pair<uint32_t, uint64_t>> dead_;  // (collection index, node)
  uint64_t steps_ = 0;
};

}  // namespace mmdb_bench
