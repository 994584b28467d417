// DBReadOnly: the DB returned by DB::OpenForReadOnly.
//
// At open it reads CURRENT and the MANIFEST, replays the WALs into
// memtables held in memory (nothing is flushed), and opens every SST of the
// Version, all without writing to the directory or taking its LOCK. The
// result is one frozen SuperVersion: reads see the DB as it was when the
// open finished.
//
// Beside a live writer: the writer may rotate the MANIFEST, delete WALs
// after a flush or SSTs after a compaction at any time. A failed attempt is
// retried (a few times) when the MANIFEST changed under it. Once open, every
// SST is held open (never evicted), so the writer deleting it later does not
// disturb the reader (POSIX keeps unlinked open files readable).
//
// Thread safety: any number of threads may read at once; the state is
// immutable after Open.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <mmdb/db.h>
#include <mmdb/env.h>

#include "cache/block_cache.h"
#include "db/read_path.h"
#include "db/snapshot_list.h"
#include "db/super_version.h"
#include "db/tombstone_cache.h"
#include "sst/table_cache.h"

namespace mmdb {

class DBReadOnly final : public DB {
 public:
  DBReadOnly(const Options& options, std::string dbname);
  ~DBReadOnly() override = default;

  // Loads the DB (see the top of this file). Called once, by OpenForReadOnly.
  Status Open();

  Status Put(const WriteOptions&, std::string_view, std::string_view) override;
  Status Delete(const WriteOptions&, std::string_view) override;
  Status DeleteRange(const WriteOptions&, std::string_view, std::string_view) override;
  Status Write(const WriteOptions&, WriteBatch*) override;
  Status Get(const ReadOptions& options, std::string_view key, std::string* value) override;
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) override;
  std::unique_ptr<Iterator> NewPrefixIterator(const ReadOptions& options,
                                              std::string_view prefix) override;
  std::shared_ptr<const Snapshot> GetSnapshot() override;
  Status Flush() override;
  // Nothing to recover from: OK (Aborted once closed).
  Status Resume() override;
  Status CompactRange(std::optional<std::string_view>, std::optional<std::string_view>) override;
  bool GetProperty(std::string_view name, std::string* value) override;
  // The lazy-delete set only feeds compactions, which never run here: kept,
  // reported, but without effect.
  void LazyDelete(std::string_view key) override {}
  void LazyDeleteBatch(const std::vector<std::string>& keys) override {}
  size_t DeadKeyCount() const override { return 0; }
  void ClearDeadKeys() override {}
  Status Close() override;

 private:
  // One attempt at loading the state; *fingerprint identifies the MANIFEST
  // state it started from (CURRENT's content and the MANIFEST's size).
  Status TryLoad();
  std::string ManifestFingerprint();
  Status CheckOpen() const;

  const Options options_;
  const std::string dbname_;
  const std::shared_ptr<Env> env_;
  std::shared_ptr<BlockCache> block_cache_;
  uint64_t cache_id_ = 0;
  std::shared_ptr<TableCache> table_cache_;
  const std::shared_ptr<TombstoneCache> tombstones_ = std::make_shared<TombstoneCache>();
  // The above, shared with every iterator (read_path.h). Set in TryLoad.
  std::shared_ptr<const ReadResources> read_resources_;
  const std::shared_ptr<SnapshotList> snapshots_;
  // Set by Open, immutable afterwards.
  std::shared_ptr<const SuperVersion> sv_;
  SequenceNumber last_sequence_ = 0;
  uint64_t wals_replayed_ = 0;
  std::atomic<bool> closed_{false};
};

}  // namespace mmdb
