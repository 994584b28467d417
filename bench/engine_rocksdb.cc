// The RocksDB adapter: EngineSettings -> rocksdb::Options with a
// block-based table (LRU block cache, full bloom filters).
#include <cstdio>
#include <string>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>

#include "bench/engine.h"

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
  // rocksdb::ReadOptions only points at them.
  RocksIterator(rocksdb::DB* db, rocksdb::ReadOptions ro, std::string lower, std::string upper)
      : lower_(std::move(lower)),
        upper_(std::move(upper)),
        lower_slice_(lower_),
        upper_slice_(upper_) {
    if (!lower_.empty()) ro.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro));
  }
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  EngineStatus status() const override { return FromRocks(it_->status()); }

 private:
  std::string lower_;
  std::string upper_;
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

class RocksEngine final : public Engine {
 public:
  RocksEngine(const EngineSettings& settings, rocksdb::Options options, rocksdb::DB* db)
      : settings_(settings), options_(std::move(options)), db_(db) {
    read_options_.verify_checksums = settings.verify_checksums;
  }
  ~RocksEngine() override { (void)Close(); }  // an error here has nobody to go to

  std::string_view Name() const override { return "rocksdb"; }
  std::string Version() const override {
    return "RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
           std::to_string(ROCKSDB_PATCH) +
           " (system librocksdb; Debian builds it without -DNDEBUG, so assertions are on)";
  }

  std::string SettingsText() const override {
    char buf[1024];
    std::snprintf(buf, sizeof(buf),
                  "block_size=%zu block_cache=LRU(%zu) write_buffer_size=%zu "
                  "max_write_buffer_number=%d filter_policy=bloom(%d) compression=%s "
                  "max_background_jobs=%d level0_file_num_compaction_trigger=%d "
                  "level0_slowdown_writes_trigger=%d level0_stop_writes_trigger=%d "
                  "target_file_size_base=%llu max_bytes_for_level_base=%llu "
                  "prefix_extractor=%s max_open_files=%d verify_checksums=%d wal=on",
                  settings_.block_size, settings_.cache_size, options_.write_buffer_size,
                  options_.max_write_buffer_number, settings_.bloom_bits,
                  CompressionName(settings_.compression), options_.max_background_jobs,
                  options_.level0_file_num_compaction_trigger,
                  options_.level0_slowdown_writes_trigger, options_.level0_stop_writes_trigger,
                  static_cast<unsigned long long>(options_.target_file_size_base),
                  static_cast<unsigned long long>(options_.max_bytes_for_level_base),
                  settings_.prefix_length > 0
                      ? ("fixed(" + std::to_string(settings_.prefix_length) + ")").c_str()
                      : "none",
                  options_.max_open_files, settings_.verify_checksums ? 1 : 0);
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
    return std::make_unique<RocksIterator>(db_.get(), read_options_, std::string(), std::string());
  }
  std::unique_ptr<EngineIterator> NewPrefixIterator(std::string_view prefix) override {
    rocksdb::ReadOptions ro = read_options_;
    // With a fixed-prefix extractor the prefix bloom is used as well.
    ro.prefix_same_as_start = settings_.prefix_length > 0;
    return std::make_unique<RocksIterator>(db_.get(), ro, std::string(prefix),
                                           PrefixSuccessor(prefix));
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
  rocksdb::ReadOptions read_options_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

std::unique_ptr<Engine> OpenRocksDbEngine(const EngineSettings& settings, const std::string& dir,
                                          std::string* error) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  options.write_buffer_size = settings.write_buffer_size;
  options.max_write_buffer_number = settings.max_write_buffer_number;
  options.compression = ToRocks(settings.compression);
  options.max_background_jobs = settings.background_threads;
  options.level0_file_num_compaction_trigger = settings.l0_compaction_trigger;
  options.level0_slowdown_writes_trigger = settings.l0_slowdown_writes_trigger;
  options.level0_stop_writes_trigger = settings.l0_stop_writes_trigger;
  options.target_file_size_base = settings.target_file_size;
  options.max_bytes_for_level_base = settings.max_bytes_for_level_base;
  options.max_open_files = -1;
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

  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    *error = "rocksdb open " + dir + ": " + s.ToString();
    return nullptr;
  }
  return std::make_unique<RocksEngine>(settings, std::move(options), db);
}

}  // namespace mmdb_bench
