#include "sst/table_cache.h"

#include <cstdint>

namespace mmdb {

TableCache::TableCache(Env* env, std::string dbname, const TableReaderOptions& options,
                       int max_open_files)
    : env_(env),
      dbname_(std::move(dbname)),
      options_(options),
      capacity_(max_open_files < 0
                    ? SIZE_MAX
                    : static_cast<size_t>(max_open_files == 0 ? 1 : max_open_files)) {}

TableCache::~TableCache() {
  if (options_.statistics != nullptr) options_.statistics->RecordTick(kFilesClosed, map_.size());
}

Result<std::shared_ptr<TableReader>> TableCache::Get(uint64_t file_number, uint64_t file_size) {
  {
    MutexLock lock(&mu_);
    auto it = map_.find(file_number);
    if (it != map_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru_pos);
      return it->second.reader;
    }
  }
  // Open without the lock: it reads the file's metadata.
  const std::string path = dbname_ + "/" + TableFileName(file_number);
  std::unique_ptr<RandomAccessFile> file;
  Status s = options_.mmap_reads ? env_->NewMmapReadableFile(path, &file)
                                 : env_->NewRandomAccessFile(path, &file);
  if (s.IsNotFound()) {
    // A table the DB's state lists has vanished: damage, never "no such key".
    return Status::Corruption(path + ": a live table file is missing");
  }
  MMDB_RETURN_IF_ERROR(s);
  MMDB_ASSIGN_OR_RETURN(std::shared_ptr<TableReader> reader,
                        TableReader::Open(options_, std::move(file), file_size, file_number));
  Tick(kFilesOpened);

  MutexLock lock(&mu_);
  auto it = map_.find(file_number);
  if (it != map_.end()) {
    // Another thread opened it meanwhile: share theirs, drop ours.
    Tick(kFilesClosed);
    lru_.splice(lru_.begin(), lru_, it->second.lru_pos);
    return it->second.reader;
  }
  lru_.push_front(file_number);
  map_.emplace(file_number, Entry{.reader = reader, .lru_pos = lru_.begin()});
  EvictIfNeeded();
  return reader;
}

void TableCache::EvictIfNeeded() {
  auto pos = lru_.end();
  while (map_.size() > capacity_ && pos != lru_.begin()) {
    --pos;
    auto it = map_.find(*pos);
    if (it->second.reader.use_count() > 1) continue;  // in use: keep it
    pos = lru_.erase(pos);
    map_.erase(it);  // closes the file
    Tick(kFilesClosed);
  }
}

void TableCache::Evict(uint64_t file_number, bool erase_blocks) {
  std::shared_ptr<TableReader> doomed;  // released after the lock, outside the critical section
  {
    MutexLock lock(&mu_);
    auto it = map_.find(file_number);
    if (it == map_.end()) return;
    doomed = std::move(it->second.reader);
    lru_.erase(it->second.lru_pos);
    map_.erase(it);
    Tick(kFilesClosed);
  }
  BlockCache* cache = options_.block_cache;
  if (!erase_blocks || cache == nullptr) return;
  BlockCacheKey key{.cache_id = options_.cache_id, .file_number = file_number, .offset = 0};
  for (uint64_t offset : doomed->DataBlockOffsets()) {
    key.offset = offset;
    cache->Erase(key);
  }
  for (const auto& m : doomed->metadata_blocks()) {
    key.offset = m.offset;
    cache->Erase(key);
  }
}

size_t TableCache::size() const {
  MutexLock lock(&mu_);
  return map_.size();
}

}  // namespace mmdb
