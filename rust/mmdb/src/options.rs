//! Options: [`DbOptions`] (per DB, fixed at open), [`ReadOptions`] and
//! [`WriteOptions`] (per call), [`CompressionType`], and the callback traits
//! that options carry.
use std::fmt;
use std::sync::Arc;

use crate::SequenceNumber;
use crate::cache::BlockCachePool;

/// The codec of SST data blocks. The discriminants are the block-type bytes
/// stored on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum CompressionType {
    None = 0,
    Lz4 = 2,
    Zstd = 3,
}

impl CompressionType {
    /// The codec stored as `v` on disk (0, 2 or 3), or None.
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(CompressionType::None),
            2 => Some(CompressionType::Lz4),
            3 => Some(CompressionType::Zstd),
            _ => None,
        }
    }
}

/// What a [`CompactionFilter`] decides for one entry.
#[derive(Debug)]
pub enum CompactionFilterDecision {
    Keep,
    Remove,
    ChangeValue(Vec<u8>),
}

/// A user hook that may drop or rewrite values during compaction.
///
/// Not called by this crate yet: see docs/rust.md ("What differs").
pub trait CompactionFilter: Send + Sync {
    /// Decides for one value entry; `level` is the output level.
    fn filter(&self, level: usize, key: &[u8], value: &[u8]) -> CompactionFilterDecision;
    /// True when the filter never changes anything (allows trivial moves).
    fn is_noop(&self) -> bool {
        false
    }
}

impl fmt::Debug for dyn CompactionFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CompactionFilter")
    }
}

/// Collects properties of each data block while an SST is written.
///
/// Not called by this crate yet: see docs/rust.md ("What differs").
pub trait BlockPropertyCollector: Send + Sync {
    /// Sees each entry (internal key: user key plus 8-byte trailer).
    fn add(&mut self, key: &[u8], value: &[u8]);
    /// The properties of the block just finished.
    fn finish_block(&mut self) -> Vec<u8>;
    /// The name the properties are stored under.
    fn name(&self) -> &str;
}

/// Skips data blocks during iteration by their collected properties.
///
/// Not consulted by this crate yet: see docs/rust.md ("What differs").
pub trait BlockPropertyFilter: Send + Sync {
    /// True to skip a block with these properties.
    fn should_skip(&self, properties: &[u8]) -> bool;
    /// The collector name whose properties this filter reads.
    fn name(&self) -> &str;
}

/// Keys for which this returns true are hidden from iteration.
pub type SkipPointFn = Arc<dyn Fn(&[u8]) -> bool + Send + Sync>;

/// Options of one DB, fixed when it is opened. Build it with a struct literal
/// and `..DbOptions::default()`; every default is the original crate's.
///
/// How each field reaches the engine is said on the field; a field marked
/// "accepted, not used" is there for source compatibility only.
#[derive(Clone)]
pub struct DbOptions {
    /// Create the directory and an empty DB when `CURRENT` is absent.
    /// Default: true.
    pub create_if_missing: bool,
    /// Fail with InvalidArgument when a DB already exists. Default: false.
    pub error_if_exists: bool,
    /// Memtable bytes before it is flushed to L0. Default: 64 MiB.
    pub write_buffer_size: usize,
    /// Accepted, not used (the original ignores it too). Default: 4.
    pub max_immutable_memtables: usize,
    /// L0 file count that triggers a compaction. Default: 4.
    pub l0_compaction_trigger: usize,
    /// Target SST size. Default: 64 MiB.
    pub target_file_size_base: u64,
    /// L1 size budget. Default: 256 MiB.
    pub max_bytes_for_level_base: u64,
    /// Size ratio between levels. Default: 10.0.
    pub max_bytes_for_level_multiplier: f64,
    /// Number of levels; < 2 is InvalidArgument. Default: 7.
    pub num_levels: usize,
    /// Target data block size. Default: 4096.
    pub block_size: usize,
    /// Keys between restart points in a block. Default: 16.
    pub block_restart_interval: usize,
    /// Bloom filter bits per key; 0 = no key or prefix bloom. Default: 10.
    pub bloom_bits_per_key: u32,
    /// Codec used when `compression_per_level` is empty. Default: None.
    pub compression: CompressionType,
    /// Private block cache bytes (0 = none); ignored when `block_cache` is
    /// set. Default: 64 MiB.
    pub block_cache_capacity: u64,
    /// Open SST readers kept (the table cache). Default: 1000.
    pub max_open_files: u64,
    /// L0 file count at which writes slow down. Default: 8.
    pub l0_slowdown_trigger: usize,
    /// L0 file count at which writes wait; must be >= the slowdown trigger.
    /// Default: 12.
    pub l0_stop_trigger: usize,
    /// Flush and compaction write rate in bytes/s; 0 = unlimited. Default: 0.
    pub rate_limiter_bytes_per_sec: u64,
    /// Key prefix length of the per-SST prefix bloom (`iter_with_prefix`).
    /// Default: 0.
    pub prefix_len: usize,
    /// Codec per level (index = level). Default: empty.
    pub compression_per_level: Vec<CompressionType>,
    /// Accepted, not used yet (docs/rust.md). Default: None.
    pub compaction_filter: Option<Arc<dyn CompactionFilter>>,
    /// Compaction threads. Default: 1.
    pub max_background_compactions: usize,
    /// Parallel key-range slices of one compaction. Default: 1.
    pub max_subcompactions: usize,
    /// Keep the index and filter blocks of L0 files pinned. Default: true.
    pub pin_l0_filter_and_index_blocks_in_cache: bool,
    /// Accepted, not used yet (docs/rust.md). Default: empty.
    pub block_property_collectors:
        Vec<Arc<dyn Fn() -> Box<dyn BlockPropertyCollector> + Send + Sync>>,
    /// Accepted, not used yet (docs/rust.md). Default: 0 (off).
    pub lazy_delete_compaction_threshold: usize,
    /// A block cache shared with other DBs. Default: None.
    pub block_cache: Option<Arc<BlockCachePool>>,
}

const MIB: usize = 1 << 20;

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            create_if_missing: true,
            error_if_exists: false,
            write_buffer_size: 64 * MIB,
            max_immutable_memtables: 4,
            l0_compaction_trigger: 4,
            target_file_size_base: 64 * MIB as u64,
            max_bytes_for_level_base: 256 * MIB as u64,
            max_bytes_for_level_multiplier: 10.0,
            num_levels: 7,
            block_size: 4096,
            block_restart_interval: 16,
            bloom_bits_per_key: 10,
            compression: CompressionType::None,
            block_cache_capacity: 64 * MIB as u64,
            max_open_files: 1000,
            l0_slowdown_trigger: 8,
            l0_stop_trigger: 12,
            rate_limiter_bytes_per_sec: 0,
            prefix_len: 0,
            compression_per_level: Vec::new(),
            compaction_filter: None,
            max_background_compactions: 1,
            max_subcompactions: 1,
            pin_l0_filter_and_index_blocks_in_cache: true,
            block_property_collectors: Vec::new(),
            lazy_delete_compaction_threshold: 0,
            block_cache: None,
        }
    }
}

impl DbOptions {
    /// The defaults.
    pub fn balanced() -> Self {
        Self::default()
    }

    /// For write-heavy loads: bigger memtables, later stalls, LZ4, four
    /// compaction threads.
    pub fn write_heavy() -> Self {
        DbOptions {
            write_buffer_size: 128 * MIB,
            l0_compaction_trigger: 8,
            l0_slowdown_trigger: 20,
            l0_stop_trigger: 36,
            compression: CompressionType::Lz4,
            max_background_compactions: 4,
            ..Self::default()
        }
    }

    /// For read-heavy loads: smaller memtables, eager compaction, a bigger
    /// cache and bloom filter.
    pub fn read_heavy() -> Self {
        DbOptions {
            write_buffer_size: 32 * MIB,
            l0_compaction_trigger: 2,
            block_cache_capacity: 256 * MIB as u64,
            bloom_bits_per_key: 14,
            pin_l0_filter_and_index_blocks_in_cache: true,
            ..Self::default()
        }
    }
}

impl fmt::Debug for DbOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbOptions")
            .field("create_if_missing", &self.create_if_missing)
            .field("error_if_exists", &self.error_if_exists)
            .field("write_buffer_size", &self.write_buffer_size)
            .field("max_immutable_memtables", &self.max_immutable_memtables)
            .field("l0_compaction_trigger", &self.l0_compaction_trigger)
            .field("target_file_size_base", &self.target_file_size_base)
            .field("max_bytes_for_level_base", &self.max_bytes_for_level_base)
            .field("max_bytes_for_level_multiplier", &self.max_bytes_for_level_multiplier)
            .field("num_levels", &self.num_levels)
            .field("block_size", &self.block_size)
            .field("block_restart_interval", &self.block_restart_interval)
            .field("bloom_bits_per_key", &self.bloom_bits_per_key)
            .field("compression", &self.compression)
            .field("block_cache_capacity", &self.block_cache_capacity)
            .field("max_open_files", &self.max_open_files)
            .field("l0_slowdown_trigger", &self.l0_slowdown_trigger)
            .field("l0_stop_trigger", &self.l0_stop_trigger)
            .field("rate_limiter_bytes_per_sec", &self.rate_limiter_bytes_per_sec)
            .field("prefix_len", &self.prefix_len)
            .field("compression_per_level", &self.compression_per_level)
            .field("compaction_filter", &self.compaction_filter.as_ref().map(|_| ".."))
            .field("max_background_compactions", &self.max_background_compactions)
            .field("max_subcompactions", &self.max_subcompactions)
            .field(
                "pin_l0_filter_and_index_blocks_in_cache",
                &self.pin_l0_filter_and_index_blocks_in_cache,
            )
            .field("block_property_collectors", &self.block_property_collectors.len())
            .field("lazy_delete_compaction_threshold", &self.lazy_delete_compaction_threshold)
            .field("block_cache", &self.block_cache.as_ref().map(|_| ".."))
            .finish()
    }
}

/// Options of one read (`get*`) or one iterator (`iter*`).
#[derive(Clone)]
pub struct ReadOptions {
    /// Read as of this sequence (capped at the last committed one). Only
    /// sequences of a live [`crate::Snapshot`] are protected from compaction.
    /// Default: None (the latest state).
    pub snapshot: Option<SequenceNumber>,
    /// Cache the blocks a read misses. Default: true.
    pub fill_cache: bool,
    /// Keys for which it returns true are hidden from iteration. Default: None.
    pub skip_point: Option<SkipPointFn>,
    /// Accepted, not used yet (docs/rust.md). Default: empty.
    pub block_property_filters: Vec<Arc<dyn BlockPropertyFilter>>,
    /// Inclusive lower bound of iteration. Default: None.
    pub iterate_lower_bound: Option<Vec<u8>>,
    /// Exclusive upper bound of iteration. Default: None.
    pub iterate_upper_bound: Option<Vec<u8>>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            snapshot: None,
            fill_cache: true,
            skip_point: None,
            block_property_filters: Vec::new(),
            iterate_lower_bound: None,
            iterate_upper_bound: None,
        }
    }
}

impl fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOptions")
            .field("snapshot", &self.snapshot)
            .field("fill_cache", &self.fill_cache)
            .field("skip_point", &self.skip_point.as_ref().map(|_| ".."))
            .field("block_property_filters", &self.block_property_filters.len())
            .field("iterate_lower_bound", &self.iterate_lower_bound)
            .field("iterate_upper_bound", &self.iterate_upper_bound)
            .finish()
    }
}

/// Options of one write.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// fsync the WAL before returning. Default: false.
    pub sync: bool,
    /// Skip the WAL (lost on a crash before a flush). Default: false.
    pub disable_wal: bool,
    /// Fail instead of waiting when writes would be slowed. Default: false.
    pub no_slowdown: bool,
}
