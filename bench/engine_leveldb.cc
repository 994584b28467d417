// The LevelDB adapter: EngineSettings -> leveldb::Options. LevelDB fixes
// several knobs at compile time (L0 triggers 4/8/12, 10 MiB L1, one
// background thread) and has no LZ4/Zstd; SettingsText() says so.
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include "bench/engine.h"

namespace mmdb_bench {
namespace {

constexpr int kLevelDbLevels = 7;  // leveldb::config::kNumLevels (not public)

EngineStatus FromLevel(const leveldb::Status& s) {
  if (s.ok()) return EngineStatus::Ok();
  if (s.IsNotFound()) return EngineStatus::NotFound();
  return EngineStatus::Error(s.ToString());
}

leveldb::Slice ToSlice(std::string_view s) { return leveldb::Slice(s.data(), s.size()); }
std::string_view ToView(const leveldb::Slice& s) { return std::string_view(s.data(), s.size()); }

// A LevelDB iterator, optionally restricted to [lower, upper) (empty =
// unbounded). LevelDB has no iterate bounds or prefix extractor: the
// wrapper clamps seeks and stops at the edges.
class LevelIterator final : public EngineIterator {
 public:
  LevelIterator(leveldb::Iterator* it, std::string lower, std::string upper)
      : it_(it), lower_(std::move(lower)), upper_(std::move(upper)) {}
  bool Valid() const override {
    if (!it_->Valid()) return false;
    std::string_view k = ToView(it_->key());
    return (lower_.empty() || k >= std::string_view(lower_)) &&
           (upper_.empty() || k < std::string_view(upper_));
  }
  void SeekToFirst() override {
    if (lower_.empty()) {
      it_->SeekToFirst();
    } else {
      it_->Seek(ToSlice(lower_));
    }
  }
  void SeekToLast() override {
    if (upper_.empty()) {
      it_->SeekToLast();
    } else {
      it_->Seek(ToSlice(upper_));
      if (it_->Valid()) {
        it_->Prev();
      } else {
        it_->SeekToLast();
      }
    }
  }
  void Seek(std::string_view target) override {
    if (!lower_.empty() && target < std::string_view(lower_)) target = lower_;
    it_->Seek(ToSlice(target));
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return Valid() ? ToView(it_->key()) : ""; }
  std::string_view value() const override { return Valid() ? ToView(it_->value()) : ""; }
  EngineStatus status() const override { return FromLevel(it_->status()); }

 private:
  std::unique_ptr<leveldb::Iterator> it_;
  std::string lower_;
  std::string upper_;
};

class LevelBatch final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    batch.Put(ToSlice(key), ToSlice(value));
  }
  void Clear() override { batch.Clear(); }
  leveldb::WriteBatch batch;
};

class LevelEngine final : public Engine {
 public:
  LevelEngine(const EngineSettings& settings, std::string dir) : settings_(settings), dir_(dir) {
    cache_.reset(leveldb::NewLRUCache(settings.cache_size));
    if (settings.bloom_bits > 0) filter_.reset(leveldb::NewBloomFilterPolicy(settings.bloom_bits));
    options_.create_if_missing = true;
    options_.block_size = settings.block_size;
    options_.block_cache = cache_.get();
    options_.filter_policy = filter_.get();
    options_.write_buffer_size = settings.write_buffer_size;
    options_.max_file_size = settings.target_file_size;
    options_.max_open_files = 100000;
    // LevelDB offers snappy or nothing, for every level alike: snappy
    // stands in for LZ4/Zstd whenever any level compresses.
    compressed_ = settings.compression != Compression::kNone;
    for (Compression c : settings.compression_per_level) compressed_ |= c != Compression::kNone;
    options_.compression = compressed_ ? leveldb::kSnappyCompression : leveldb::kNoCompression;
    read_options_.verify_checksums = settings.verify_checksums;
  }
  ~LevelEngine() override { (void)Close(); }  // an error here has nobody to go to

  EngineStatus Open(bool fresh) {
    options_.error_if_exists = fresh;
    options_.create_if_missing = fresh;
    leveldb::DB* db = nullptr;
    leveldb::Status s = leveldb::DB::Open(options_, dir_, &db);
    db_.reset(db);
    return FromLevel(s);
  }

  std::string_view Name() const override { return "leveldb"; }
  std::string Version() const override {
    return "LevelDB " + std::to_string(leveldb::kMajorVersion) + "." +
           std::to_string(leveldb::kMinorVersion) + " (system libleveldb)";
  }

  std::string SettingsText() const override {
    char buf[1024];
    std::snprintf(
        buf, sizeof(buf),
        "block_size=%zu block_cache=LRU(%zu) write_buffer_size=%zu "
        "filter_policy=bloom(%d) compression=%s max_file_size=%zu "
        "max_open_files=%d verify_checksums=%d wal=on; fixed by LevelDB: "
        "1 background thread, 1 immutable memtable, L0 triggers 4/8/12, "
        "L1 target 10 MiB, no prefix filter",
        options_.block_size, settings_.cache_size, options_.write_buffer_size, settings_.bloom_bits,
        compressed_ ? ("snappy (asked " + CompressionText(settings_) +
                       "; LevelDB has no LZ4/Zstd and no per-level codec)")
                          .c_str()
                    : "none",
        options_.max_file_size, options_.max_open_files, settings_.verify_checksums ? 1 : 0);
    return buf;
  }

  EngineStatus Put(std::string_view key, std::string_view value, bool sync) override {
    leveldb::WriteOptions wo;
    wo.sync = sync;
    return FromLevel(db_->Put(wo, ToSlice(key), ToSlice(value)));
  }
  EngineStatus Delete(std::string_view key, bool sync) override {
    leveldb::WriteOptions wo;
    wo.sync = sync;
    return FromLevel(db_->Delete(wo, ToSlice(key)));
  }
  EngineStatus Get(std::string_view key, std::string* value) override {
    return FromLevel(db_->Get(read_options_, ToSlice(key), value));
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<LevelBatch>(); }
  EngineStatus Write(EngineBatch* batch, bool sync) override {
    leveldb::WriteOptions wo;
    wo.sync = sync;
    return FromLevel(db_->Write(wo, &static_cast<LevelBatch*>(batch)->batch));
  }

  std::unique_ptr<EngineIterator> NewIterator() override {
    return std::make_unique<LevelIterator>(db_->NewIterator(read_options_), std::string(),
                                           std::string());
  }
  std::unique_ptr<EngineIterator> NewPrefixIterator(std::string_view prefix) override {
    return std::make_unique<LevelIterator>(db_->NewIterator(read_options_), std::string(prefix),
                                           PrefixSuccessor(prefix));
  }
  std::unique_ptr<EngineIterator> NewBoundedIterator(std::string_view lower,
                                                     std::string_view upper) override {
    return std::make_unique<LevelIterator>(db_->NewIterator(read_options_), std::string(lower),
                                           std::string(upper));
  }

  // No range delete in LevelDB: one batch of point deletes over the keys
  // present in the range.
  EngineStatus DeleteRange(std::string_view begin, std::string_view end, bool* emulated) override {
    *emulated = true;
    leveldb::WriteBatch batch;
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(read_options_));
    for (it->Seek(ToSlice(begin)); it->Valid() && ToView(it->key()) < end; it->Next()) {
      batch.Delete(it->key());
    }
    if (!it->status().ok()) return FromLevel(it->status());
    return FromLevel(db_->Write(leveldb::WriteOptions(), &batch));
  }

  EngineStatus GarbageCollect(const std::vector<std::string>& dead, std::string* method) override {
    *method = "Delete per key + CompactRange (emulated: LevelDB has no GC hook)";
    constexpr size_t kBatch = 1000;
    leveldb::WriteBatch batch;
    for (size_t i = 0; i < dead.size(); ++i) {
      batch.Delete(ToSlice(dead[i]));
      if ((i + 1) % kBatch == 0 || i + 1 == dead.size()) {
        leveldb::Status s = db_->Write(leveldb::WriteOptions(), &batch);
        if (!s.ok()) return FromLevel(s);
        batch.Clear();
      }
    }
    return CompactAll();
  }

  EngineStatus CompactAll() override {
    db_->CompactRange(nullptr, nullptr);
    return EngineStatus::Ok();
  }

  // LevelDB has no public flush; reopening converts the WAL into an L0 table.
  EngineStatus Flush() override {
    db_.reset();
    return Open(/*fresh=*/false);
  }

  std::string FilesPerLevel() override {
    std::string out;
    for (int level = 0; level < kLevelDbLevels; ++level) {
      std::string v;
      if (!db_->GetProperty("leveldb.num-files-at-level" + std::to_string(level), &v)) break;
      if (v == "0") continue;
      if (!out.empty()) out += ' ';
      out += "L" + std::to_string(level) + "=" + v;
    }
    return out;
  }

  // LevelDB has no such property: sum the .ldb files.
  uint64_t SstBytes() override {
    namespace fs = std::filesystem;
    std::error_code ec;
    uint64_t total = 0;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code size_ec;
      if (it->path().extension() == ".ldb") {
        uint64_t size = it->file_size(size_ec);
        if (!size_ec) total += size;
      }
    }
    return total;
  }

  EngineStatus Close() override {
    db_.reset();
    return EngineStatus::Ok();
  }

 private:
  EngineSettings settings_;
  std::string dir_;
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  bool compressed_ = false;
  leveldb::Options options_;
  leveldb::ReadOptions read_options_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace

std::unique_ptr<Engine> OpenLevelDbEngine(const EngineSettings& settings, const std::string& dir,
                                          bool fresh, std::string* error) {
  auto engine = std::make_unique<LevelEngine>(settings, dir);
  EngineStatus s = engine->Open(fresh);
  if (!s.ok()) {
    *error = "leveldb open " + dir + ": " + s.message;
    return nullptr;
  }
  return engine;
}

}  // namespace mmdb_bench
