// TableCache: the open TableReaders of one DB, keyed by file number and
// bounded by max_open_files (LRU).
//
// A reader stays alive while anyone holds its shared_ptr (an iterator, a
// Get in progress); eviction only drops the cache's reference, and only
// readers nobody else holds are evicted to make room, so the cache may
// briefly hold more than the bound when every reader is in use.
//
// Owner: sst. Thread safety: every method may be called from any thread;
// one mutex guards the map and the LRU list (never held during file I/O).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include <mmdb/env.h>

#include "sst/table_reader.h"
#include "util/mutex.h"
#include "util/result.h"

namespace mmdb {

class TableCache {
 public:
  // Opens tables as "<dbname>/<number padded to 6 digits>.sst" in `env`
  // (not owned; must outlive the cache) with `options` (its block cache
  // likewise). max_open_files < 0 = unlimited; 0 behaves as 1.
  TableCache(Env* env, std::string dbname, const TableReaderOptions& options, int max_open_files);
  TableCache(const TableCache&) = delete;
  TableCache& operator=(const TableCache&) = delete;
  ~TableCache();

  // The reader of table `file_number` (of `file_size` bytes, as recorded in
  // the MANIFEST), opening it on a miss. Errors of Open are returned and not
  // cached, so a later call retries.
  Result<std::shared_ptr<TableReader>> Get(uint64_t file_number, uint64_t file_size);

  // Drops the cached reader of `file_number` (e.g. the file was deleted).
  // Holders of the reader keep using it. No-op if absent. With
  // `erase_blocks`, the file's blocks (data, index, filters) are also erased
  // from the block cache — when the reader was still cached, so its index
  // says where they are; otherwise they age out of the LRU.
  void Evict(uint64_t file_number, bool erase_blocks = false);

  // Readers currently held by the cache.
  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<TableReader> reader;
    std::list<uint64_t>::iterator lru_pos;  // position in lru_
  };

  // Drops least recently used readers nobody else holds while over the bound.
  void EvictIfNeeded() REQUIRES(mu_);

  Env* const env_;
  const std::string dbname_;
  void Tick(Ticker t) const {
    if (options_.statistics != nullptr) options_.statistics->RecordTick(t);
  }
  const TableReaderOptions options_;
  const size_t capacity_;  // SIZE_MAX = unlimited

  // Guards the map and the LRU order; file opens run without it.
  mutable Mutex mu_;
  std::unordered_map<uint64_t, Entry> map_ GUARDED_BY(mu_);
  std::list<uint64_t> lru_ GUARDED_BY(mu_);  // front = most recently used
};

}  // namespace mmdb
