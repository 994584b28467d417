//! `mmdb`: an embedded LSM key-value store.
//!
//! This crate has the public API of the `mmdb` crate 4.3 (names, signatures,
//! defaults, behaviour), implemented over the MMDB C++ engine through its C
//! API (`mmdb-sys`); the files on disk are the same. See docs/rust.md for
//! the switch and for what still differs.
//!
//! ```no_run
//! use mmdb::{DbOptions, DB};
//! let db = DB::open(DbOptions::default(), "/tmp/mmdb-example")?;
//! db.put(b"key", b"value")?;
//! assert_eq!(db.get(b"key")?, Some(b"value".to_vec()));
//! for (key, value) in db.iter_with_prefix(b"k", &Default::default())? {
//!     println!("{key:?} = {value:?}");
//! }
//! db.close()?;
//! # Ok::<(), mmdb::Error>(())
//! ```
mod batch;
mod bidi;
mod cache;
mod db;
mod error;
mod iterator;
mod options;
mod raw;
mod snapshot;

pub use batch::{WriteBatch, WriteBatchWithIndex};
pub use bidi::BidiIterator;
pub use cache::BlockCachePool;
pub use db::DB;
pub use error::{Error, ErrorKind, Result, ResultExt};
pub use iterator::DBIterator;
pub use options::{
    BlockPropertyCollector, BlockPropertyFilter, CompactionFilter, CompactionFilterDecision,
    CompressionType, DbOptions, ReadOptions, SkipPointFn, WriteOptions,
};
pub use snapshot::Snapshot;

/// A write's position in the DB's history.
pub type SequenceNumber = u64;

/// The largest user key, in bytes.
pub const MAX_USER_KEY_SIZE: usize = 8 * 1024 * 1024;

/// The largest key + value of one entry (the end key, for a range delete).
pub const MAX_WRITE_ENTRY_SIZE: usize = 64 * 1024 * 1024 - 64 - 8;
