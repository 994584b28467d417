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

// A LevelDB iterator, optionally restricted to keys starting with a prefix
// (LevelDB has no bounds or prefix extractor; the wrapper stops at the
// prefix's edges).
class LevelIterator final : public EngineIterator {
 public:
  LevelIterator(leveldb::Iterator* it, std::string prefix)
      : it_(it), prefix_(std::move(prefix)), successor_(PrefixSuccessor(prefix_)) {}
  bool Valid() const override {
    if (!it_->Valid()) return false;
    return prefix_.empty() || ToView(it_->key()).starts_with(prefix_);
  }
  void SeekToFirst() override {
    if (prefix_.empty()) {
      it_->SeekToFirst();
    } else {
      it_->Seek(ToSlice(prefix_));
    }
  }
  void SeekToLast() override {
    if (prefix_.empty() || successor_.empty()) {
      it_->SeekToLast();
    } else {
      it_->Seek(ToSlice(successor_));
      if (it_->Valid()) {
        it_->Prev();
      } else {
        it_->SeekToLast();
      }
    }
  }
  void Seek(std::string_view target) override {
    if (!prefix_.empty() && target < std::string_view(prefix_)) target = prefix_;
    it_->Seek(ToSlice(target));
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return Valid() ? ToView(it_->key()) : ""; }
  std::string_view value() const override { return Valid() ? ToView(it_->value()) : ""; }
  EngineStatus status() const override { return FromLevel(it_->status()); }

 private:
  std::unique_ptr<leveldb::Iterator> it_;
  std::string prefix_;
  std::string successor_;
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
    // LevelDB offers snappy or nothing; LZ4/Zstd requests run uncompressed.
    options_.compression = leveldb::kNoCompression;
    read_options_.verify_checksums = settings.verify_checksums;
  }
  ~LevelEngine() override { (void)Close(); }  // an error here has nobody to go to

  EngineStatus Open(bool fresh) {
    options_.error_if_exists = fresh;
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
        "filter_policy=bloom(%d) compression=none%s max_file_size=%zu "
        "max_open_files=%d verify_checksums=%d wal=on; fixed by LevelDB: "
        "1 background thread, 1 immutable memtable, L0 triggers 4/8/12, "
        "L1 target 10 MiB, no prefix filter",
        options_.block_size, settings_.cache_size, options_.write_buffer_size, settings_.bloom_bits,
        settings_.compression == Compression::kNone
            ? ""
            : (std::string(" (asked ") + CompressionName(settings_.compression) +
               ": LevelDB has no LZ4/Zstd, so none)")
                  .c_str(),
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
    return std::make_unique<LevelIterator>(db_->NewIterator(read_options_), std::string());
  }
  std::unique_ptr<EngineIterator> NewPrefixIterator(std::string_view prefix) override {
    return std::make_unique<LevelIterator>(db_->NewIterator(read_options_), std::string(prefix));
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
  leveldb::Options options_;
  leveldb::ReadOptions read_options_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace

std::unique_ptr<Engine> OpenLevelDbEngine(const EngineSettings& settings, const std::string& dir,
                                          std::string* error) {
  auto engine = std::make_unique<LevelEngine>(settings, dir);
  EngineStatus s = engine->Open(/*fresh=*/true);
  if (!s.ok()) {
    *error = "leveldb open " + dir + ": " + s.message;
    return nullptr;
  }
  return engine;
}

}  // namespace mmdb_bench
