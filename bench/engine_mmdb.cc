// The MMDB adapter: EngineSettings -> mmdb::Options.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <mmdb/db.h>
#include <mmdb/iterator.h>
#include <mmdb/options.h>
#include <mmdb/write_batch.h>

#include "bench/engine.h"

#ifndef MMDB_BENCH_VERSION
#define MMDB_BENCH_VERSION "unknown"
#endif

namespace mmdb_bench {
namespace {

EngineStatus FromMmdb(const mmdb::Status& s) {
  if (s.ok()) return EngineStatus::Ok();
  if (s.IsNotFound()) return EngineStatus::NotFound();
  return EngineStatus::Error(s.ToString());
}

mmdb::CompressionType ToMmdb(Compression c) {
  switch (c) {
    case Compression::kLz4:
      return mmdb::CompressionType::kLZ4;
    case Compression::kZstd:
      return mmdb::CompressionType::kZstd;
    case Compression::kNone:
      break;
  }
  return mmdb::CompressionType::kNone;
}

class MmdbIterator final : public EngineIterator {
 public:
  explicit MmdbIterator(std::unique_ptr<mmdb::Iterator> it) : it_(std::move(it)) {}
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(target); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return it_->key(); }
  std::string_view value() const override { return it_->value(); }
  EngineStatus status() const override { return FromMmdb(it_->status()); }

 private:
  std::unique_ptr<mmdb::Iterator> it_;
};

class MmdbBatch final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override { batch.Put(key, value); }
  void Clear() override { batch.Clear(); }
  mmdb::WriteBatch batch;
};

class MmdbEngine final : public Engine {
 public:
  MmdbEngine(const EngineSettings& settings, mmdb::Options options, std::unique_ptr<mmdb::DB> db)
      : settings_(settings), options_(std::move(options)), db_(std::move(db)) {
    read_options_.verify_checksums = settings.verify_checksums;
  }
  ~MmdbEngine() override { (void)Close(); }  // an error here has nobody to go to

  std::string_view Name() const override { return "mmdb"; }
  std::string Version() const override {
    return std::string("MMDB ") + MMDB_BENCH_VERSION + " (this tree)";
  }

  std::string SettingsText() const override {
    char buf[1024];
    std::snprintf(buf, sizeof(buf),
                  "block_size=%zu block_cache_capacity=%zu write_buffer_size=%zu "
                  "max_write_buffer_number=%d bloom_bits_per_key=%d compression=%s "
                  "max_background_compactions=%d l0_compaction_trigger=%d "
                  "l0_slowdown_writes_trigger=%d l0_stop_writes_trigger=%d "
                  "target_file_size_base=%llu max_bytes_for_level_base=%llu prefix_length=%zu "
                  "verify_checksums=%d read_triggered_compaction=%d allow_mmap_reads=%d wal=on",
                  options_.block_size, options_.block_cache_capacity, options_.write_buffer_size,
                  options_.max_write_buffer_number, options_.bloom_bits_per_key,
                  CompressionText(settings_).c_str(), options_.max_background_compactions,
                  options_.l0_compaction_trigger, options_.l0_slowdown_writes_trigger,
                  options_.l0_stop_writes_trigger,
                  static_cast<unsigned long long>(options_.target_file_size_base),
                  static_cast<unsigned long long>(options_.max_bytes_for_level_base),
                  options_.prefix_length, settings_.verify_checksums ? 1 : 0,
                  options_.read_triggered_compaction ? 1 : 0, options_.allow_mmap_reads ? 1 : 0);
    return buf;
  }

  EngineStatus Put(std::string_view key, std::string_view value, bool sync) override {
    mmdb::WriteOptions wo;
    wo.sync = sync;
    return FromMmdb(db_->Put(wo, key, value));
  }
  EngineStatus Delete(std::string_view key, bool sync) override {
    mmdb::WriteOptions wo;
    wo.sync = sync;
    return FromMmdb(db_->Delete(wo, key));
  }
  EngineStatus Get(std::string_view key, std::string* value) override {
    return FromMmdb(db_->Get(read_options_, key, value));
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<MmdbBatch>(); }
  EngineStatus Write(EngineBatch* batch, bool sync) override {
    mmdb::WriteOptions wo;
    wo.sync = sync;
    return FromMmdb(db_->Write(wo, &static_cast<MmdbBatch*>(batch)->batch));
  }

  std::unique_ptr<EngineIterator> NewIterator() override {
    return std::make_unique<MmdbIterator>(db_->NewIterator(read_options_));
  }
  std::unique_ptr<EngineIterator> NewPrefixIterator(std::string_view prefix) override {
    return std::make_unique<MmdbIterator>(db_->NewPrefixIterator(read_options_, prefix));
  }
  std::unique_ptr<EngineIterator> NewBoundedIterator(std::string_view lower,
                                                     std::string_view upper) override {
    mmdb::ReadOptions ro = read_options_;
    ro.iterate_lower_bound = std::string(lower);
    ro.iterate_upper_bound = std::string(upper);
    return std::make_unique<MmdbIterator>(db_->NewIterator(ro));
  }

  EngineStatus DeleteRange(std::string_view begin, std::string_view end, bool* emulated) override {
    *emulated = false;
    return FromMmdb(db_->DeleteRange(mmdb::WriteOptions(), begin, end));
  }

  EngineStatus GarbageCollect(const std::vector<std::string>& dead, std::string* method) override {
    *method = "LazyDeleteBatch + CompactRange";
    db_->LazyDeleteBatch(dead);
    return CompactAll();
  }

  EngineStatus CompactAll() override {
    return FromMmdb(db_->CompactRange(std::nullopt, std::nullopt));
  }

  EngineStatus Flush() override { return FromMmdb(db_->Flush()); }

  std::string FilesPerLevel() override {
    std::string out;
    for (int level = 0; level < options_.num_levels; ++level) {
      std::string v;
      if (!db_->GetProperty("mmdb.num-files-at-level" + std::to_string(level), &v)) break;
      if (v == "0") continue;
      if (!out.empty()) out += ' ';
      out += "L" + std::to_string(level) + "=" + v;
    }
    return out;
  }

  uint64_t SstBytes() override {
    std::string v;
    if (!db_->GetProperty("mmdb.total-sst-files-size", &v)) return 0;
    return std::strtoull(v.c_str(), nullptr, 10);
  }

  EngineStatus Close() override {
    if (db_ == nullptr) return EngineStatus::Ok();
    EngineStatus s = FromMmdb(db_->Close());
    db_.reset();
    return s;
  }

 private:
  EngineSettings settings_;
  mmdb::Options options_;
  mmdb::ReadOptions read_options_;
  std::unique_ptr<mmdb::DB> db_;
};

}  // namespace

std::unique_ptr<Engine> OpenMmdbEngine(const EngineSettings& settings, const std::string& dir,
                                       bool fresh, std::string* error) {
  mmdb::Options options;
  options.create_if_missing = fresh;
  options.error_if_exists = fresh;
  options.block_size = settings.block_size;
  options.block_cache_capacity = settings.cache_size;
  options.write_buffer_size = settings.write_buffer_size;
  options.max_write_buffer_number = settings.max_write_buffer_number;
  options.bloom_bits_per_key = settings.bloom_bits;
  options.prefix_length = settings.prefix_length;
  options.compression = ToMmdb(settings.compression);
  for (Compression c : settings.compression_per_level) {
    options.compression_per_level.push_back(ToMmdb(c));
  }
  options.max_background_compactions = settings.background_threads;
  options.l0_compaction_trigger = settings.l0_compaction_trigger;
  options.l0_slowdown_writes_trigger = settings.l0_slowdown_writes_trigger;
  options.l0_stop_writes_trigger = settings.l0_stop_writes_trigger;
  options.target_file_size_base = settings.target_file_size;
  options.max_bytes_for_level_base = settings.max_bytes_for_level_base;
  options.read_triggered_compaction = settings.read_triggered_compaction;
  options.allow_mmap_reads = settings.mmap_reads;
  std::unique_ptr<mmdb::DB> db;
  mmdb::Status s = mmdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    *error = "mmdb open " + dir + ": " + s.ToString();
    return nullptr;
  }
  return std::make_unique<MmdbEngine>(settings, std::move(options), std::move(db));
}

}  // namespace mmdb_bench
