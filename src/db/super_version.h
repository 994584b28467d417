// SuperVersion: everything a read needs, captured at one moment — the active
// memtable, the immutable memtables (newest first) and the SST Version.
//
// The DB publishes the current SuperVersion through an atomic shared_ptr;
// Get and NewIterator load it without taking the DB mutex, and whatever
// they loaded (memtables, files) stays alive as long as they hold it.
// Immutable once published.
#pragma once

#include <memory>
#include <vector>

#include "manifest/version.h"
#include "memtable/memtable.h"

namespace mmdb {

struct SuperVersion {
  std::shared_ptr<MemTable> mem;
  std::vector<std::shared_ptr<MemTable>> imm;  // newest first
  std::shared_ptr<const Version> version;
};

}  // namespace mmdb
