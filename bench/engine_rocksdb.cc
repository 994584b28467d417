// The RocksDB adapter: EngineSettings -> rocksdb::Options with a
// block-based table (LRU block cache, full bloom filters).
#include <atomic>
#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include <rocksdb/cache.h>
#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>

#include "bench/engine.h"

// Set by bench/CMakeLists.txt: which RocksDB library mmdb_bench links.
#ifndef MMDB_BENCH_ROCKSDB_BUILD
#define MMDB_BENCH_ROCKSDB_BUILD "unknown build"
#endif

namespace mmdb_bench {
namespace {

EngineStatus FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return EngineStatus::Ok();
  if (s.IsNotFound()) return EngineStatus::NotFound();
  return EngineStatus::Error(s.ToString());
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

rocksdb::CompressionType ToRocks(Compression c) {
  switch (c) {
    case Compression::kLz4:
      return rocksdb::kLZ4Compression;
    case Compression::kZstd:
      return rocksdb::kZSTD;
    case Compression::kNone:
      break;
  }
  return rocksdb::kNoCompression;
}

class RocksIterator final : public EngineIterator {
 public:
  // `lower`/`upper` (may be empty = unbounded) are owned here because
  // rocksdb::ReadOptions only points at them. A non-empty `last_target`
  // makes SeekToLast a SeekForPrev(last_target): in prefix mode RocksDB's
  // SeekToLast seeks before the upper bound, which has another prefix, and
  // finds nothing.
  RocksIterator(rocksdb::DB* db, rocksdb::ReadOptions ro, std::string lower, std::string upper,
                std::string last_target = std::string())
      : lower_(std::move(lower)),
        upper_(std::move(upper)),
        last_target_(std::move(last_target)),
        lower_slice_(lower_),
        upper_slice_(upper_) {
    if (!lower_.empty()) ro.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro));
  }
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override {
    if (last_target_.empty()) {
      it_->SeekToLast();
    } else {
      it_->SeekForPrev(ToSlice(last_target_));
    }
  }
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  EngineStatus status() const override { return FromRocks(it_->status()); }

 private:
  std::string lower_;
  std::string upper_;
  std::string last_target_;
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksBatch final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    // A failed Put in a WriteBatch only happens past its size limit (none set).
    (void)batch.Put(ToSlice(key), ToSlice(value));
  }
  void Clear() override { batch.Clear(); }
  rocksdb::WriteBatch batch;
};

// Drops the keys of the current dead set during compaction: the RocksDB
// side of vsdb's garbage collection. The set is swapped in before a
// GarbageCollect and read concurrently by compaction threads, so sets are
// never freed while the filter lives (a handful per run).
class DeadKeyFilter final : public rocksdb::CompactionFilter {
 public:
  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    const std::unordered_set<std::string>* dead = dead_.load(std::memory_order_acquire);
    return dead != nullptr && dead->count(std::string(key.data(), key.size())) > 0;
  }
  const char* Name() const override { return "mmdb_bench.DeadKeyFilter"; }

  void SetDead(const std::vector<std::string>& keys) {
    sets_.push_back(std::make_unique<std::unordered_set<std::string>>(keys.begin(), keys.end()));
    dead_.store(sets_.back().get(), std::memory_order_release);
  }

 private:
  std::atomic<const std::unordered_set<std::string>*> dead_{nullptr};
  std::vector<std::unique_ptr<std::unordered_set<std::string>>> sets_;  // GarbageCollect's thread
};

class RocksEngine final : public Engine {
 public:
  RocksEngine(const EngineSettings& settings, rocksdb::Options options, rocksdb::DB* db,
              std::unique_ptr<DeadKeyFilter> filter)
      : settings_(settings), options_(std::move(options)), filter_(std::move(filter)), db_(db) {
    read_options_.verify_checksums = settings.verify_checksums;
  }
  ~RocksEngine() override { (void)Close(); }  // an error here has nobody to go to

  std::string_view Name() const override { return "rocksdb"; }
  std::string Version() const override {
    return "RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
           std::to_string(ROCKSDB_PATCH) + " (" MMDB_BENCH_ROCKSDB_BUILD ")";
  }

  std::string SettingsText() const override {
    char buf[1024];
    std::snprintf(buf, sizeof(buf),
                  "block_size=%zu block_cache=LRU(%zu) write_buffer_size=%zu "
                  "max_write_buffer_number=%d filter_policy=bloom(%d) compression=%s "
                  "max_background_jobs=%d level0_file_num_compaction_trigger=%d "
                  "level0_slowdown_writes_trigger=%d level0_stop_writes_trigger=%d "
                  "target_file_size_base=%llu max_bytes_for_level_base=%llu "
                  "prefix_extractor=%s%s max_open_files=%d verify_checksums=%d "
                  "compaction_filter=%s allow_mmap_reads=%d wal=on",
                  settings_.block_size, settings_.cache_size, options_.write_buffer_size,
                  options_.max_write_buffer_number, settings_.bloom_bits,
                  CompressionText(settings_).c_str(), options_.max_background_jobs,
                  options_.level0_file_num_compaction_trigger,
                  options_.level0_slowdown_writes_trigger, options_.level0_stop_writes_trigger,
                  static_cast<unsigned long long>(options_.target_file_size_base),
                  static_cast<unsigned long long>(options_.max_bytes_for_level_base),
                  settings_.prefix_length > 0
                      ? ("fixed(" + std::to_string(settings_.prefix_length) + ")").c_str()
                      : "none",
                  settings_.prefix_length > 0 && settings_.bloom_bits > 0 ? " +prefix bloom" : "",
                  options_.max_open_files, settings_.verify_checksums ? 1 : 0,
                  filter_ != nullptr ? "dead-key set" : "none", options_.allow_mmap_reads ? 1 : 0);
    return buf;
  }

  EngineStatus Put(std::string_view key, std::string_view value, bool sync) override {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return FromRocks(db_->Put(wo, ToSlice(key), ToSlice(value)));
  }
  EngineStatus Delete(std::string_view key, bool sync) override {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return FromRocks(db_->Delete(wo, ToSlice(key)));
  }
  EngineStatus Get(std::string_view key, std::string* value) override {
    return FromRocks(db_->Get(read_options_, ToSlice(key), value));
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<RocksBatch>(); }
  EngineStatus Write(EngineBatch* batch, bool sync) override {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return FromRocks(db_->Write(wo, &static_cast<RocksBatch*>(batch)->batch));
  }

  std::unique_ptr<EngineIterator> NewIterator() override {
    rocksdb::ReadOptions ro = read_options_;
    // With a prefix extractor, a plain iterator must still see the whole key
    // order (like the other engines' NewIterator).
    ro.total_order_seek = true;
    return std::make_unique<RocksIterator>(db_.get(), ro, std::string(), std::string());
  }
  std::unique_ptr<EngineIterator> NewPrefixIterator(std::string_view prefix) override {
    rocksdb::ReadOptions ro = read_options_;
    // With a fixed-prefix extractor the prefix bloom is used as well.
    ro.prefix_same_as_start = settings_.prefix_length > 0;
    // Past every key with this prefix (keys up to 64 bytes past it).
    std::string last = std::string(prefix) + std::string(64, '\xff');
    return std::make_unique<RocksIterator>(db_.get(), ro, std::string(prefix),
                                           PrefixSuccessor(prefix), std::move(last));
  }
  std::unique_ptr<EngineIterator> NewBoundedIterator(std::string_view lower,
                                                     std::string_view upper) override {
    rocksdb::ReadOptions ro = read_options_;
    // Total order, but the prefix bloom is used when the bounds allow it.
    ro.auto_prefix_mode = true;
    return std::make_unique<RocksIterator>(db_.get(), ro, std::string(lower), std::string(upper));
  }

  EngineStatus DeleteRange(std::string_view begin, std::string_view end, bool* emulated) override {
    *emulated = false;
    return FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(),
                                      ToSlice(begin), ToSlice(end)));
  }

  EngineStatus GarbageCollect(const std::vector<std::string>& dead, std::string* method) override {
    if (filter_ == nullptr) return EngineStatus::Error("opened without settings.gc_filter");
    *method = "compaction filter + CompactRange";
    filter_->SetDead(dead);
    return CompactAll();
  }

  EngineStatus CompactAll() override {
    rocksdb::CompactRangeOptions co;
    // Rewrite the bottommost level too (once), so the filter meets every key.
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    return FromRocks(db_->CompactRange(co, nullptr, nullptr));
  }

  EngineStatus Flush() override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    return FromRocks(db_->Flush(fo));
  }

  std::string FilesPerLevel() override {
    std::string out;
    for (int level = 0; level < options_.num_levels; ++level) {
      std::string v;
      if (!db_->GetProperty("rocksdb.num-files-at-level" + std::to_string(level), &v)) break;
      if (v == "0") continue;
      if (!out.empty()) out += ' ';
      out += "L" + std::to_string(level) + "=" + v;
    }
    return out;
  }

  uint64_t SstBytes() override {
    uint64_t v = 0;
    return db_->GetIntProperty("rocksdb.total-sst-files-size", &v) ? v : 0;
  }

  EngineStatus Close() override {
    if (db_ == nullptr) return EngineStatus::Ok();
    EngineStatus s = FromRocks(db_->Close());
    db_.reset();
    return s;
  }

 private:
  EngineSettings settings_;
  rocksdb::Options options_;
  std::unique_ptr<DeadKeyFilter> filter_;  // outlives db_ (declared before it)
  rocksdb::ReadOptions read_options_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

std::unique_ptr<Engine> OpenRocksDbEngine(const EngineSettings& settings, const std::string& dir,
                                          bool fresh, std::string* error) {
  rocksdb::Options options;
  options.create_if_missing = fresh;
  options.error_if_exists = fresh;
  options.write_buffer_size = settings.write_buffer_size;
  options.max_write_buffer_number = settings.max_write_buffer_number;
  options.compression = ToRocks(settings.compression);
  if (!settings.compression_per_level.empty()) {
    for (int level = 0; level < options.num_levels; ++level) {
      options.compression_per_level.push_back(ToRocks(CompressionAt(settings, level)));
    }
  }
  options.max_background_jobs = settings.background_threads;
  options.level0_file_num_compaction_trigger = settings.l0_compaction_trigger;
  options.level0_slowdown_writes_trigger = settings.l0_slowdown_writes_trigger;
  options.level0_stop_writes_trigger = settings.l0_stop_writes_trigger;
  options.target_file_size_base = settings.target_file_size;
  options.max_bytes_for_level_base = settings.max_bytes_for_level_base;
  options.max_open_files = -1;
  options.allow_mmap_reads = settings.mmap_reads;
  if (settings.prefix_length > 0) {
    options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(settings.prefix_length));
  }
  rocksdb::BlockBasedTableOptions table;
  table.block_size = settings.block_size;
  table.block_cache = rocksdb::NewLRUCache(settings.cache_size);
  if (settings.bloom_bits > 0) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(settings.bloom_bits, false));
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  std::unique_ptr<DeadKeyFilter> filter;
  if (settings.gc_filter) {
    filter = std::make_unique<DeadKeyFilter>();
    options.compaction_filter = filter.get();
  }

  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    *error = "rocksdb open " + dir + ": " + s.ToString();
    return nullptr;
  }
  return std::make_unique<RocksEngine>(settings, std::move(options), db, std::move(filter));
}

}  // namespace mmdb_bench
