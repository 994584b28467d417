// Engine: the storage-engine abstraction mmdb_bench drives. One adapter per
// engine (engine_mmdb.cc, engine_rocksdb.cc, engine_leveldb.cc) maps it onto
// the engine's own API, configured from one EngineSettings so every engine
// runs with the same block size, cache, write buffer, bloom filter,
// compression, WAL and compaction shape (as far as the engine allows; each
// adapter reports where it differs, see Engine::SettingsText()).
//
// Thread safety: an Engine may be used from many threads at once (Get, Put,
// NewIterator); an EngineIterator and an EngineBatch from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmdb_bench {

enum class Compression { kNone, kLz4, kZstd };

// "none", "lz4", "zstd".
const char* CompressionName(Compression c);
// Parses a name of CompressionName; false when unknown.
bool ParseCompression(std::string_view name, Compression* out);

// Settings shared by every engine. Defaults follow db_bench's spirit: small
// blocks and cache, RocksDB's LSM shape.
struct EngineSettings {
  // Uncompressed data-block size. Default: 4 KiB.
  size_t block_size = 4u << 10;
  // Block cache bytes. Default: 8 MiB.
  size_t cache_size = 8u << 20;
  // Memtable bytes before a flush. Default: 64 MiB.
  size_t write_buffer_size = 64u << 20;
  // Memtables (active + immutable) before writes stall. Default: 2.
  int max_write_buffer_number = 2;
  // Bloom filter bits per key; 0 = no filter. Default: 10.
  int bloom_bits = 10;
  // Block codec; LevelDB has no LZ4/Zstd and uses snappy for either (none
  // stays none). Default: none.
  Compression compression = Compression::kNone;
  // Codec per level (index = level, the last entry repeats below); empty =
  // `compression` everywhere. LevelDB cannot vary it per level: it uses
  // snappy when any entry compresses.
  std::vector<Compression> compression_per_level;
  // Background flush + compaction threads. Default: 2.
  int background_threads = 2;
  // L0 file counts: compaction trigger, write slowdown, write stop.
  int l0_compaction_trigger = 4;
  int l0_slowdown_writes_trigger = 20;
  int l0_stop_writes_trigger = 36;
  // Target size of compaction output files. Default: 64 MiB.
  uint64_t target_file_size = 64ull << 20;
  // Target bytes of L1. Default: 256 MiB.
  uint64_t max_bytes_for_level_base = 256ull << 20;
  // Fixed key-prefix length for prefix iterators/filters; 0 = none.
  size_t prefix_length = 0;
  // Check block checksums on reads (all engines alike). Default: true.
  bool verify_checksums = true;
  // Open with a garbage-collection hook (RocksDB: a compaction filter that
  // drops the keys given to Engine::GarbageCollect). MMDB always has its
  // lazy-delete set; LevelDB has no hook. Default: false.
  bool gc_filter = false;
  // MMDB's read-triggered compaction (Options::read_triggered_compaction).
  // LevelDB always compacts files that reads keep searching in vain (its
  // seek compaction); RocksDB has no such compaction. Default: true.
  bool read_triggered_compaction = true;
  // Read SST files through mmap (MMDB and RocksDB: allow_mmap_reads).
  // LevelDB always maps its table files (up to 1000 on 64-bit systems), so
  // true configures all three alike. Default: true.
  bool mmap_reads = true;
};

// The codec at `level` under `settings` (compression_per_level, else
// compression).
Compression CompressionAt(const EngineSettings& settings, int level);
// "lz4" or "L0-L1 lz4, L2+ zstd" style description of the codecs.
std::string CompressionText(const EngineSettings& settings);

// The outcome of an engine call. `message` is only filled on error, so an OK
// or NotFound result costs no allocation.
struct EngineStatus {
  enum class Code { kOk, kNotFound, kError };
  Code code = Code::kOk;
  std::string message;

  bool ok() const { return code == Code::kOk; }
  bool IsNotFound() const { return code == Code::kNotFound; }
  static EngineStatus Ok() { return {}; }
  static EngineStatus NotFound() { return {Code::kNotFound, {}}; }
  static EngineStatus Error(std::string msg) { return {Code::kError, std::move(msg)}; }
};

// An ordered cursor. key()/value() stay valid until the next move.
class EngineIterator {
 public:
  virtual ~EngineIterator() = default;
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual void Seek(std::string_view target) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual EngineStatus status() const = 0;
};

// A batch of puts in the engine's native batch type, built without copying
// into an intermediate container.
class EngineBatch {
 public:
  virtual ~EngineBatch() = default;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Clear() = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // "mmdb", "rocksdb" or "leveldb".
  virtual std::string_view Name() const = 0;
  // Library version and build notes (e.g. RocksDB assertions on).
  virtual std::string Version() const = 0;
  // One "name: value" line per engine option actually used, with notes where
  // the engine cannot follow EngineSettings.
  virtual std::string SettingsText() const = 0;

  virtual EngineStatus Put(std::string_view key, std::string_view value, bool sync) = 0;
  virtual EngineStatus Delete(std::string_view key, bool sync) = 0;
  // NotFound when absent.
  virtual EngineStatus Get(std::string_view key, std::string* value) = 0;
  virtual std::unique_ptr<EngineBatch> NewBatch() = 0;
  // Applies a batch made by this engine's NewBatch().
  virtual EngineStatus Write(EngineBatch* batch, bool sync) = 0;

  virtual std::unique_ptr<EngineIterator> NewIterator() = 0;
  // Iterates only the keys starting with `prefix` (native prefix iterator,
  // a prefix extractor, or bounds, depending on the engine).
  virtual std::unique_ptr<EngineIterator> NewPrefixIterator(std::string_view prefix) = 0;
  // An iterator over [lower, upper) using the engine's iterate bounds
  // (LevelDB: a wrapper that stops at the edges).
  virtual std::unique_ptr<EngineIterator> NewBoundedIterator(std::string_view lower,
                                                             std::string_view upper) = 0;

  // Deletes every key in [begin, end). Engines without a range delete
  // (LevelDB) delete key by key and set *emulated.
  virtual EngineStatus DeleteRange(std::string_view begin, std::string_view end,
                                   bool* emulated) = 0;
  // Removes `dead` (keys nobody will read again) through the engine's
  // garbage-collection path and compacts the whole key range, waiting for
  // it: MMDB LazyDeleteBatch + CompactRange; RocksDB a compaction filter
  // (needs settings.gc_filter) + CompactRange; LevelDB Delete per key +
  // CompactRange (emulated). *method says which.
  virtual EngineStatus GarbageCollect(const std::vector<std::string>& dead,
                                      std::string* method) = 0;
  // Compacts the whole key range and waits.
  virtual EngineStatus CompactAll() = 0;

  // Writes the memtable(s) to SSTs and waits.
  virtual EngineStatus Flush() = 0;
  // Files per level, e.g. "L0=3 L1=5"; empty levels omitted.
  virtual std::string FilesPerLevel() = 0;
  // Bytes of live SST files as the engine reports them (0 if unknown).
  virtual uint64_t SstBytes() = 0;
  // Stops background work and releases the DB. Idempotent.
  virtual EngineStatus Close() = 0;
};

// Opens a DB of engine `name` ("mmdb", "rocksdb", "leveldb") in `dir`:
// a new one when `fresh` (failing if one exists), else the existing one.
// On failure returns null and sets *error.
std::unique_ptr<Engine> OpenEngine(std::string_view name, const EngineSettings& settings,
                                   const std::string& dir, bool fresh, std::string* error);

// Per-engine factories (one per adapter file).
std::unique_ptr<Engine> OpenMmdbEngine(const EngineSettings& settings, const std::string& dir,
                                       bool fresh, std::string* error);
std::unique_ptr<Engine> OpenRocksDbEngine(const EngineSettings& settings, const std::string& dir,
                                          bool fresh, std::string* error);
std::unique_ptr<Engine> OpenLevelDbEngine(const EngineSettings& settings, const std::string& dir,
                                          bool fresh, std::string* error);

// The smallest string greater than every string starting with `prefix`;
// empty when there is none (all 0xff).
std::string PrefixSuccessor(std::string_view prefix);

// Bytes of all regular files under `dir` (like du --apparent-size).
uint64_t DirectoryBytes(const std::string& dir);

// Drops `dir`'s files from the OS page cache: fsync, then
// posix_fadvise(POSIX_FADV_DONTNEED) on every regular file under it. The DB
// must be closed. False (with *error) when a file cannot be opened.
bool DropDirectoryFromPageCache(const std::string& dir, std::string* error);

}  // namespace mmdb_bench
