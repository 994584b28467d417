// CompactionFilter: a user hook that removes or rewrites entries during
// compaction (vsdb's garbage collection).
//
// Called for the newest visible version of each key that no live snapshot
// protects. Must be deterministic and thread-safe: compactions run on
// several background threads at once.
#pragma once

#include <string>
#include <string_view>

namespace mmdb {

class CompactionFilter {
 public:
  enum class Decision {
    kKeep,         // leave the entry as it is
    kRemove,       // drop it (a deletion marker is written if older versions may exist below)
    kChangeValue,  // replace the value with *new_value
  };

  virtual ~CompactionFilter() = default;

  // `level` is the level the compaction reads from. `new_value` is used only
  // with kChangeValue.
  virtual Decision Filter(int level, std::string_view key, std::string_view value,
                          std::string* new_value) const = 0;
  // A stable name, logged and shown in properties.
  virtual const char* Name() const = 0;
};

}  // namespace mmdb
