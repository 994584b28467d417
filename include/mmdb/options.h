// Options, ReadOptions and WriteOptions: how a DB is opened, read and written
// (docs/options.md: every option, what it trades, a tuning guide).
//
// Every field has a default that suits a general workload; the presets
// WriteHeavy() and ReadHeavy() tune for the two common shapes. Options are
// plain values: copy them freely. Every field is read once, at DB::Open: a
// change to an Options object later does not reach an open DB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mmdb/status.h>

namespace mmdb {

class Cache;
class CompactionFilter;
class Env;
class Snapshot;
class Statistics;

// Block codec. The numeric values are the codec byte stored in every SST
// block trailer (FORMAT.md); they never change.
enum class CompressionType : uint8_t {
  kNone = 0,
  kLZ4 = 2,
  kZstd = 3,
};

struct Options {
  // ---- Opening ---------------------------------------------------------
  // Create the directory and an empty DB when none exists. Default: true.
  bool create_if_missing = true;
  // Fail Open when a DB already exists at the path. Default: false.
  bool error_if_exists = false;
  // On: a damaged WAL record anywhere but a torn tail of the newest WAL (what
  // a crash leaves) fails Open with Corruption, and Open also checks that
  // every live table has the size the MANIFEST recorded. Off: WAL replay
  // stops at the damage and Open succeeds, reporting what it dropped in the
  // property mmdb.recovery. MANIFEST damage and missing files fail Open
  // either way (docs/format/manifest.md). Default: true.
  bool paranoid_checks = true;

  // ---- Memtables -------------------------------------------------------
  // Bytes of memtable (keys, values, index) after which the active memtable
  // is sealed, a new WAL started, and the sealed one flushed to an L0 SST.
  // Larger: fewer, bigger L0 files and less write amplification; more memory
  // and longer recovery. Default: 64 MiB.
  size_t write_buffer_size = 64u << 20;
  // Memtables (active + immutable) allowed before writers wait for a flush.
  // Default: 2.
  int max_write_buffer_number = 2;
  // Start writing the WAL back to the device (asynchronously) after every
  // this many bytes. When a memtable is sealed its WAL is synced in the write
  // path (so that recovery never finds a damaged WAL before an intact one);
  // with the bytes already on their way, that sync waits for little. 0 = no
  // early writeback. Default: 1 MiB.
  uint64_t wal_bytes_per_sync = 1u << 20;

  // ---- SST layout ------------------------------------------------------
  // Target uncompressed size of a data block. Smaller: faster point reads,
  // bigger index. Default: 16 KiB.
  size_t block_size = 16u << 10;
  // Entries between restart points in data blocks (FORMAT.md). Default: 16.
  int block_restart_interval = 16;
  // Bits per key of the per-SST bloom filter; 0 disables the key and prefix
  // filters. 10 bits ~ 1% false positives. Default: 10.
  int bloom_bits_per_key = 10;
  // Fixed length of the key prefix that partitions the key space (vsdb: 8).
  // When > 0 each SST carries a prefix bloom filter and prefix iterators skip
  // files without the prefix. 0 = none. Default: 0.
  size_t prefix_length = 0;
  // Codec of newly written blocks. Default: kLZ4.
  CompressionType compression = CompressionType::kLZ4;
  // Codec per level (index = level); empty = `compression` everywhere; a
  // level past the end uses the last entry. Default: empty.
  std::vector<CompressionType> compression_per_level;

  // ---- Caches ----------------------------------------------------------
  // Bytes of the private block cache, used when `block_cache` is null.
  // Default: 256 MiB.
  size_t block_cache_capacity = 256u << 20;
  // A cache shared by several DBs (made by NewBlockCache); overrides
  // block_cache_capacity. Default: null.
  std::shared_ptr<Cache> block_cache;
  // SST readers kept open (the table cache); -1 = unlimited. Default: -1.
  int max_open_files = -1;
  // Keep L0 files' index and filter blocks pinned in the cache. Default: true.
  bool pin_l0_filter_and_index_blocks_in_cache = true;
  // Read SST files through memory mappings (as LevelDB does on 64-bit
  // systems; at most 1000 mapped files per process, the rest use pread).
  // Uncompressed data blocks are then read where they lie: no copy and no
  // block-cache entry, the OS page cache holds them (compressed blocks still
  // go through the block cache). Faster when the data fits in memory. Off by
  // default because a mapping turns a disk read error into a SIGBUS that
  // kills the process instead of a Status. Default: false.
  bool allow_mmap_reads = false;

  // ---- LSM shape and compaction -----------------------------------------
  // Levels, L0 .. L(num_levels-1). Default: 7.
  int num_levels = 7;
  // L0 file count that triggers an L0 -> L1 compaction. Default: 4.
  int l0_compaction_trigger = 4;
  // L0 file count at which each write is delayed. Default: 20.
  int l0_slowdown_writes_trigger = 20;
  // L0 file count at which writes wait for compaction. Default: 36.
  int l0_stop_writes_trigger = 36;
  // Target size of compaction output files. Default: 64 MiB.
  uint64_t target_file_size_base = 64ull << 20;
  // Target bytes of L1; level L targets base * multiplier^(L-1). Default: 256 MiB.
  uint64_t max_bytes_for_level_base = 256ull << 20;
  // Growth factor between levels. Default: 10.
  double max_bytes_for_level_multiplier = 10;
  // Background compaction threads. Default: 2.
  int max_background_compactions = 2;
  // Key-range slices of one L1+ compaction run in parallel. Default: 1.
  int max_subcompactions = 1;
  // Compact a file that reads keep searching in vain: each file may waste
  // max(100, size / 16 KiB) reads (a Get that searched it and then another
  // file; an iterator positioned where it and another file overlap, sampled)
  // before it is compacted into the next level, when no size-triggered
  // compaction is due. Trades some write amplification for fewer files per
  // read in read-heavy phases (LevelDB's seek compaction; docs/compaction.md).
  // Default: true.
  bool read_triggered_compaction = true;
  // Token bucket (bytes/s) shared by flush and compaction writes; 0 = off.
  // Default: 0.
  uint64_t rate_limit_bytes_per_sec = 0;
  // User garbage-collection hook called during compaction. Default: null.
  std::shared_ptr<CompactionFilter> compaction_filter;
  // For compatibility testing only. How a compaction writes a range
  // tombstone that spans the cut between two of its output files. false:
  // each output file holds the part of it within its own key span (MMDB's
  // layout). true: the tombstone stays whole in the output file that holds
  // its begin key, reaching into the key range of later files of the level
  // (the layout the Rust engine writes, which every reader and the picker
  // must handle). Both read back the same; the switch lets randomized tests
  // produce Rust-layout files. Default: false.
  bool rust_tombstone_layout = false;

  // ---- Environment -----------------------------------------------------
  // File system and clock; null = Env::Default() (POSIX). Default: null.
  std::shared_ptr<Env> env;
  // Counters and histograms; null = none collected. Default: null.
  std::shared_ptr<Statistics> statistics;

  // Presets. WriteHeavy: 128 MiB memtables, 4 compaction threads, LZ4.
  // ReadHeavy: 1 GiB block cache, 14 bits/key bloom.
  static Options WriteHeavy();
  static Options ReadHeavy();

  // InvalidArgument naming the first field out of range; OK otherwise.
  Status Validate() const;
  // One "name: value" line per field (for tools and logs).
  std::string ToString() const;
  // The codec for newly written blocks at `level`.
  CompressionType CompressionForLevel(int level) const;
};

struct ReadOptions {
  // Read at this snapshot; null = the latest state at the time of the call
  // (for iterators: at creation). Default: null.
  const Snapshot* snapshot = nullptr;
  // Iteration bounds: keys >= lower (inclusive) and < upper (exclusive).
  // SSTs entirely outside are not opened. Default: unbounded.
  std::optional<std::string> iterate_lower_bound;
  std::optional<std::string> iterate_upper_bound;
  // Check block checksums on every read. Default: true.
  bool verify_checksums = true;
  // Put blocks read by this call into the block cache (false for one-off
  // scans that should not evict the working set). Default: true.
  bool fill_cache = true;
};

struct WriteOptions {
  // false: the write survives a process crash (it reached the OS before the
  // call returns). true: it also survives power loss (fsync first).
  // Default: false.
  bool sync = false;
  // Skip the WAL: the write is lost on crash until the next flush.
  // Default: false.
  bool disable_wal = false;
  // Fail with Busy instead of waiting when the write would be delayed or
  // stopped by backpressure. Default: false.
  bool no_slowdown = false;
};

}  // namespace mmdb
