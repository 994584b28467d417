//! [`DB`]: an open MMDB directory.
//!
//! The C handle lives in `state` behind a RwLock: every call holds the read
//! side while it uses the handle, and `close()` (or Drop) takes the write side
//! to close and free it, so no call can use a freed handle. Iterators and
//! snapshots hold their own C handles, which the engine lets outlive the DB.
use std::ffi::{CString, c_char, c_int};
use std::fs::{File, TryLockError};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use mmdb_sys as sys;

use crate::batch::check_entry;
use crate::error::{Error, Result};
use crate::raw::{COptions, CReadOptions, CWriteOptions, bytes, call, int, take_string, view};
use crate::{
    DBIterator, DbOptions, ReadOptions, SequenceNumber, Snapshot, WriteBatch, WriteOptions,
};

/// What an open handle owns.
struct Open {
    db: NonNull<sys::mmdb_t>,
    default_read: CReadOptions,
    default_write: CWriteOptions,
    /// The shared flock of a read-only handle on `LOCK` (None: no LOCK file).
    _read_lock: Option<File>,
}

// SAFETY: the engine's DB is thread-safe; the default options are only read.
unsafe impl Send for Open {}
unsafe impl Sync for Open {}

/// An open database directory. `Send + Sync`: every method takes `&self` and
/// may be called from many threads at once.
pub struct DB {
    state: RwLock<Option<Open>>,
    path: PathBuf,
    read_only: bool,
    /// The last sequence, remembered at close for `snapshot()` on a closed DB.
    closed_sequence: AtomicU64,
}

fn c_path(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Error::invalid_argument(format!("{}: path contains NUL", path.display())))
}

/// The engine options for `o`. Every field the engine has is set, so the
/// original crate's defaults apply rather than the engine's.
fn c_options(o: &DbOptions) -> COptions {
    let c = COptions::new();
    let p = c.as_ptr();
    // SAFETY: setters on an options object we own.
    unsafe {
        sys::mmdb_options_set_create_if_missing(p, o.create_if_missing as u8);
        sys::mmdb_options_set_error_if_exists(p, o.error_if_exists as u8);
        sys::mmdb_options_set_write_buffer_size(p, o.write_buffer_size);
        sys::mmdb_options_set_l0_compaction_trigger(p, int(o.l0_compaction_trigger));
        sys::mmdb_options_set_target_file_size_base(p, o.target_file_size_base);
        sys::mmdb_options_set_max_bytes_for_level_base(p, o.max_bytes_for_level_base);
        sys::mmdb_options_set_max_bytes_for_level_multiplier(p, o.max_bytes_for_level_multiplier);
        sys::mmdb_options_set_num_levels(p, int(o.num_levels));
        sys::mmdb_options_set_block_size(p, o.block_size);
        sys::mmdb_options_set_block_restart_interval(p, int(o.block_restart_interval));
        sys::mmdb_options_set_bloom_bits_per_key(p, int(o.bloom_bits_per_key as usize));
        sys::mmdb_options_set_compression(p, o.compression as c_int);
        let levels: Vec<c_int> = o.compression_per_level.iter().map(|c| *c as c_int).collect();
        sys::mmdb_options_set_compression_per_level(p, levels.as_ptr(), levels.len());
        sys::mmdb_options_set_block_cache_capacity(
            p,
            usize::try_from(o.block_cache_capacity).unwrap_or(usize::MAX),
        );
        if let Some(pool) = &o.block_cache {
            sys::mmdb_options_set_block_cache(p, pool.as_ptr());
        }
        sys::mmdb_options_set_max_open_files(p, o.max_open_files.min(c_int::MAX as u64) as c_int);
        sys::mmdb_options_set_l0_slowdown_writes_trigger(p, int(o.l0_slowdown_trigger));
        sys::mmdb_options_set_l0_stop_writes_trigger(p, int(o.l0_stop_trigger));
        sys::mmdb_options_set_rate_limit_bytes_per_sec(p, o.rate_limiter_bytes_per_sec);
        sys::mmdb_options_set_prefix_length(p, o.prefix_len);
        sys::mmdb_options_set_max_background_compactions(p, int(o.max_background_compactions));
        sys::mmdb_options_set_max_subcompactions(p, int(o.max_subcompactions));
        sys::mmdb_options_set_pin_l0_filter_and_index_blocks_in_cache(
            p,
            o.pin_l0_filter_and_index_blocks_in_cache as u8,
        );
    }
    c
}

fn c_write_options(o: &WriteOptions) -> CWriteOptions {
    let c = CWriteOptions::new();
    // SAFETY: setters on options we own.
    unsafe {
        sys::mmdb_writeoptions_set_sync(c.as_ptr(), o.sync as u8);
        sys::mmdb_writeoptions_set_disable_wal(c.as_ptr(), o.disable_wal as u8);
        sys::mmdb_writeoptions_set_no_slowdown(c.as_ptr(), o.no_slowdown as u8);
    }
    c
}

fn is_default_write(o: &WriteOptions) -> bool {
    !o.sync && !o.disable_wal && !o.no_slowdown
}

/// The tighter of two optional bounds (`pick` chooses between two set ones).
fn tighter(
    a: Option<&[u8]>,
    b: Option<&[u8]>,
    pick: fn(Vec<u8>, Vec<u8>) -> Vec<u8>,
) -> Option<Vec<u8>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a.to_vec(), b.to_vec())),
        (a, b) => a.or(b).map(<[u8]>::to_vec),
    }
}

impl Open {
    fn ptr(&self) -> *mut sys::mmdb_t {
        self.db.as_ptr()
    }

    fn current_sequence(&self) -> SequenceNumber {
        // SAFETY: a snapshot of an open DB, released at once.
        unsafe {
            let snap = sys::mmdb_create_snapshot(self.ptr());
            if snap.is_null() {
                return SequenceNumber::MAX;
            }
            let seq = sys::mmdb_snapshot_get_sequence_number(snap);
            sys::mmdb_release_snapshot(self.ptr(), snap);
            seq
        }
    }

    /// Engine read options for `o` (snapshot capped at the last committed
    /// sequence, fill_cache, and the given bounds).
    fn read_options(
        &self,
        o: &ReadOptions,
        lower: Option<&[u8]>,
        upper: Option<&[u8]>,
    ) -> CReadOptions {
        let c = CReadOptions::new();
        let p = c.as_ptr();
        // SAFETY: setters on options we own; bounds are copied.
        unsafe {
            if let Some(seq) = o.snapshot {
                sys::mmdb_readoptions_set_snapshot_sequence(p, seq.min(self.current_sequence()));
            }
            sys::mmdb_readoptions_set_fill_cache(p, o.fill_cache as u8);
            if let Some(l) = lower {
                sys::mmdb_readoptions_set_iterate_lower_bound(p, bytes(l), l.len());
            }
            if let Some(u) = upper {
                sys::mmdb_readoptions_set_iterate_upper_bound(p, bytes(u), u.len());
            }
        }
        c
    }

    fn property(&self, name: &str) -> Option<String> {
        let name = CString::new(name).ok()?;
        // SAFETY: an open DB and a NUL-terminated name.
        take_string(unsafe { sys::mmdb_property_value(self.ptr(), name.as_ptr()) })
    }
}

impl DB {
    /// Opens (or creates) the DB at `path`. Checks, in order: `num_levels`
    /// is at least 2, the slowdown trigger does not exceed the stop trigger,
    /// `create_if_missing`, `error_if_exists` (each failure is
    /// InvalidArgument); then takes `LOCK` (a second open fails, even in this
    /// process) and recovers the MANIFEST and WAL.
    pub fn open(options: DbOptions, path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if options.num_levels < 2 {
            return Err(Error::invalid_argument("num_levels must be at least 2"));
        }
        if options.l0_slowdown_trigger > options.l0_stop_trigger {
            return Err(Error::invalid_argument(
                "l0_slowdown_trigger must not exceed l0_stop_trigger",
            ));
        }
        let exists = path.join("CURRENT").exists();
        if !exists && !options.create_if_missing {
            return Err(Error::invalid_argument("DB does not exist"));
        }
        if exists && options.error_if_exists {
            return Err(Error::invalid_argument("DB already exists"));
        }
        if !exists {
            // Parents too, as the original does (vsdb opens <root>/mmdb/shard_NN).
            std::fs::create_dir_all(path).map_err(Error::io)?;
        }
        let c_opts = c_options(&options);
        let name = c_path(path)?;
        // SAFETY: valid options and path; errors come back through errptr.
        let db = call(|err| unsafe { sys::mmdb_open(c_opts.as_ptr(), name.as_ptr(), err) })?;
        Ok(Self::wrap(db, path, false, None))
    }

    /// Opens the DB at `path` for reading only, with default options.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_read_only_with_options(DbOptions::default(), path)
    }

    /// Opens the DB at `path` for reading only: it must exist (`CURRENT`);
    /// a shared lock is taken on `LOCK` when that file exists (so a writer
    /// holding it makes this fail, and this makes a writer's open fail); the
    /// WAL is replayed into memory and nothing is written to the directory.
    /// Mutations return `ReadOnly`.
    pub fn open_read_only_with_options(options: DbOptions, path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if !path.join("CURRENT").exists() {
            return Err(Error::invalid_argument("DB does not exist"));
        }
        let lock_path = path.join("LOCK");
        let read_lock = match File::open(&lock_path) {
            Ok(file) => match file.try_lock_shared() {
                Ok(()) => Some(file),
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::invalid_argument(format!(
                        "{}: held by a writer",
                        lock_path.display()
                    )));
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(e)),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(e)),
        };
        // The triggers matter only to writers: keep the engine's check quiet.
        let options = DbOptions {
            l0_stop_trigger: options.l0_stop_trigger.max(options.l0_slowdown_trigger),
            num_levels: options.num_levels.max(2),
            ..options
        };
        let c_opts = c_options(&options);
        let name = c_path(path)?;
        // SAFETY: as in open.
        let db = call(|err| unsafe {
            sys::mmdb_open_for_read_only(c_opts.as_ptr(), name.as_ptr(), err)
        })?;
        Ok(Self::wrap(db, path, true, read_lock))
    }

    fn wrap(db: *mut sys::mmdb_t, path: &Path, read_only: bool, lock: Option<File>) -> Self {
        let db = NonNull::new(db).expect("mmdb_open returned neither a DB nor an error");
        DB {
            state: RwLock::new(Some(Open {
                db,
                default_read: CReadOptions::new(),
                default_write: CWriteOptions::new(),
                _read_lock: lock,
            })),
            path: path.to_path_buf(),
            read_only,
            closed_sequence: AtomicU64::new(0),
        }
    }

    fn read_state(&self) -> RwLockReadGuard<'_, Option<Open>> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the open handle; DbClosed after close.
    fn with_open<T>(&self, f: impl FnOnce(&Open) -> Result<T>) -> Result<T> {
        match self.read_state().as_ref() {
            Some(open) => f(open),
            None => Err(Error::db_closed()),
        }
    }

    /// Runs a mutation: DbClosed after close, ReadOnly on a read-only handle.
    fn with_writable<T>(&self, f: impl FnOnce(&Open) -> Result<T>) -> Result<T> {
        self.with_open(|open| if self.read_only { Err(Error::read_only()) } else { f(open) })
    }

    fn write_opts<T>(
        open: &Open,
        o: &WriteOptions,
        f: impl FnOnce(*const sys::mmdb_writeoptions_t) -> T,
    ) -> T {
        if is_default_write(o) {
            f(open.default_write.as_ptr())
        } else {
            let c = c_write_options(o);
            f(c.as_ptr())
        }
    }

    /// Sets `key` to `value`.
    pub fn put(&self, key: &[u8], value: &[u8]) -> Result<()> {
        self.put_with_options(&WriteOptions::default(), key, value)
    }

    /// Sets `key` to `value` with `write_options`.
    pub fn put_with_options(
        &self,
        write_options: &WriteOptions,
        key: &[u8],
        value: &[u8],
    ) -> Result<()> {
        self.with_writable(|open| {
            if let Some(why) = check_entry(key, value.len()) {
                return Err(Error::invalid_argument(why));
            }
            Self::write_opts(open, write_options, |wo| {
                // SAFETY: an open DB; the bytes are copied by the engine.
                call(|err| unsafe {
                    sys::mmdb_put(
                        open.ptr(),
                        wo,
                        bytes(key),
                        key.len(),
                        bytes(value),
                        value.len(),
                        err,
                    )
                })
            })
        })
    }

    /// Deletes `key`.
    pub fn delete(&self, key: &[u8]) -> Result<()> {
        self.delete_with_options(&WriteOptions::default(), key)
    }

    /// Deletes `key` with `write_options`.
    pub fn delete_with_options(&self, write_options: &WriteOptions, key: &[u8]) -> Result<()> {
        self.with_writable(|open| {
            if let Some(why) = check_entry(key, 0) {
                return Err(Error::invalid_argument(why));
            }
            Self::write_opts(open, write_options, |wo| {
                // SAFETY: as in put.
                call(|err| unsafe { sys::mmdb_delete(open.ptr(), wo, bytes(key), key.len(), err) })
            })
        })
    }

    /// Deletes every key in `[begin, end)`; `begin >= end` does nothing.
    pub fn delete_range(&self, begin: &[u8], end: &[u8]) -> Result<()> {
        self.delete_range_with_options(&WriteOptions::default(), begin, end)
    }

    /// Deletes every key in `[begin, end)` with `write_options`.
    pub fn delete_range_with_options(
        &self,
        write_options: &WriteOptions,
        begin: &[u8],
        end: &[u8],
    ) -> Result<()> {
        let mut batch = WriteBatch::new();
        batch.delete_range(begin, end);
        self.write_with_options(write_options, batch)
    }

    /// Applies `batch` atomically.
    pub fn write(&self, batch: WriteBatch) -> Result<()> {
        self.write_with_options(&WriteOptions::default(), batch)
    }

    /// Applies `batch` atomically with `write_options`. An empty batch is Ok
    /// and writes nothing.
    pub fn write_with_options(
        &self,
        write_options: &WriteOptions,
        batch: WriteBatch,
    ) -> Result<()> {
        self.with_writable(|open| {
            if let Some(why) = batch.oversized() {
                return Err(Error::invalid_argument(why));
            }
            if batch.is_empty() {
                return Ok(());
            }
            Self::write_opts(open, write_options, |wo| {
                // SAFETY: an open DB and a batch we own (the engine does not
                // change it).
                call(|err| unsafe { sys::mmdb_write(open.ptr(), wo, batch.as_ptr(), err) })
            })
        })
    }

    /// The newest visible value of `key`, or None when it is absent or
    /// deleted.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get_with_options(&ReadOptions::default(), key)
    }

    /// Like [`DB::get`], reading at `options.snapshot` with
    /// `options.fill_cache` (the other fields do not apply).
    pub fn get_with_options(&self, options: &ReadOptions, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.with_open(|open| {
            let custom;
            let ro = if options.snapshot.is_none() && options.fill_cache {
                open.default_read.as_ptr()
            } else {
                custom = open.read_options(options, None, None);
                custom.as_ptr()
            };
            let mut len = 0usize;
            // SAFETY: an open DB; the value is malloc'ed by the C API.
            let value: *mut c_char = call(|err| unsafe {
                sys::mmdb_get(open.ptr(), ro, bytes(key), key.len(), &mut len, err)
            })?;
            if value.is_null() {
                return Ok(None);
            }
            // SAFETY: `len` bytes at `value`, freed right after the copy.
            let copy = unsafe { view(value, len) }.to_vec();
            unsafe { sys::mmdb_free(value.cast()) };
            Ok(Some(copy))
        })
    }

    /// An iterator over the whole DB.
    pub fn iter(&self) -> Result<DBIterator> {
        self.iter_with_options(&ReadOptions::default())
    }

    /// An iterator within the bounds of `options`.
    pub fn iter_with_options(&self, options: &ReadOptions) -> Result<DBIterator> {
        self.iter_with_range(options, None, None)
    }

    /// An iterator over `[lower_bound, upper_bound)` (the tighter of these and
    /// the bounds of `options`), unpositioned: the first access gives the
    /// first key >= the lower bound.
    pub fn iter_with_range(
        &self,
        options: &ReadOptions,
        lower_bound: Option<&[u8]>,
        upper_bound: Option<&[u8]>,
    ) -> Result<DBIterator> {
        self.make_iter(options, lower_bound, upper_bound, None)
    }

    /// An iterator over the keys starting with `prefix` (and within the
    /// bounds of `options`), positioned at its first key.
    pub fn iter_with_prefix(&self, prefix: &[u8], options: &ReadOptions) -> Result<DBIterator> {
        let mut it = self.make_iter(options, None, None, Some(prefix))?;
        it.seek_to_first();
        Ok(it)
    }

    fn make_iter(
        &self,
        options: &ReadOptions,
        lower_bound: Option<&[u8]>,
        upper_bound: Option<&[u8]>,
        prefix: Option<&[u8]>,
    ) -> Result<DBIterator> {
        let lower = tighter(options.iterate_lower_bound.as_deref(), lower_bound, std::cmp::max);
        let upper = tighter(options.iterate_upper_bound.as_deref(), upper_bound, std::cmp::min);
        let prefix = prefix.filter(|p| !p.is_empty());
        self.with_open(|open| {
            let ro = open.read_options(options, lower.as_deref(), upper.as_deref());
            // SAFETY: an open DB and options we own; the engine copies what
            // it needs (the sequence, the bounds, the prefix).
            let raw = unsafe {
                match prefix {
                    Some(p) => {
                        sys::mmdb_create_prefix_iterator(open.ptr(), ro.as_ptr(), bytes(p), p.len())
                    }
                    None => sys::mmdb_create_iterator(open.ptr(), ro.as_ptr()),
                }
            };
            let raw = NonNull::new(raw)
                .ok_or_else(|| Error::background("could not create an iterator (out of memory)"))?;
            Ok(DBIterator::new(
                raw,
                lower.clone(),
                prefix.map(<[u8]>::to_vec),
                options.skip_point.clone(),
            ))
        })
    }

    /// Registers the current point in time; dropping the Snapshot releases it.
    pub fn snapshot(&self) -> Snapshot<'_> {
        let state = self.read_state();
        let (raw, sequence) = match state.as_ref() {
            // SAFETY: an open DB; the handle is released by Snapshot's Drop.
            Some(open) => unsafe {
                let raw = sys::mmdb_create_snapshot(open.ptr());
                let seq =
                    if raw.is_null() { 0 } else { sys::mmdb_snapshot_get_sequence_number(raw) };
                (raw, seq)
            },
            None => (ptr::null(), self.closed_sequence.load(Ordering::Relaxed)),
        };
        Snapshot { _db: self, raw, sequence }
    }

    /// The directory of the DB.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A property as a decimal string, or None for an unknown name (see
    /// docs/rust.md for the names). Works after close: `block-cache-usage`
    /// is then "0", the others None.
    pub fn get_property(&self, name: &str) -> Option<String> {
        let state = self.read_state();
        let Some(open) = state.as_ref() else {
            return (name == "block-cache-usage").then(|| "0".to_string());
        };
        if let Some(level) = name.strip_prefix("num-files-at-level") {
            let level: usize = level.parse().ok()?;
            return open.property(&format!("mmdb.num-files-at-level{level}"));
        }
        match name {
            "total-sst-size" => open.property("mmdb.total-sst-files-size"),
            "block-cache-usage" => open.property("mmdb.block-cache-usage"),
            "compaction-pending" => open.property("mmdb.compaction-pending"),
            "stats.cache_hit_rate" => {
                let stats = open.property("mmdb.stats")?;
                let hits = stats_number(&stats, "stats.block_cache_hits")?;
                let misses = stats_number(&stats, "stats.block_cache_misses")?;
                let total = hits + misses;
                let rate = if total == 0 { 0.0 } else { hits as f64 / total as f64 };
                Some(format!("{rate:.4}"))
            }
            _ if name.starts_with("stats.") => {
                stats_number(&open.property("mmdb.stats")?, name).map(|n| n.to_string())
            }
            _ => None,
        }
    }

    /// Writes the memtable to L0 (a no-op when it is empty).
    pub fn flush(&self) -> Result<()> {
        // SAFETY: an open DB.
        self.with_writable(|open| call(|err| unsafe { sys::mmdb_flush(open.ptr(), err) }))
    }

    /// Compacts every level fully, and waits for it.
    pub fn compact(&self) -> Result<()> {
        self.compact_range(None, None)
    }

    /// Flushes, then compacts the files overlapping `[begin, end)` (None =
    /// unbounded), and waits for it.
    pub fn compact_range(&self, begin: Option<&[u8]>, end: Option<&[u8]>) -> Result<()> {
        self.with_writable(|open| {
            // SAFETY: an open DB; null bounds mean unbounded. The engine's end
            // is inclusive: compacting one key more is harmless.
            call(|err| unsafe { sys::mmdb_flush(open.ptr(), err) })?;
            let (b, bl) = begin.map_or((ptr::null(), 0), |b| (bytes(b), b.len()));
            let (e, el) = end.map_or((ptr::null(), 0), |e| (bytes(e), e.len()));
            call(|err| unsafe { sys::mmdb_compact_range(open.ptr(), b, bl, e, el, err) })
        })
    }

    /// Registers `key` for removal by a later compaction (nothing is written;
    /// the key stays readable until then). Does nothing on a read-only or
    /// closed handle.
    pub fn lazy_delete(&self, key: &[u8]) {
        if let (Some(open), false) = (self.read_state().as_ref(), self.read_only) {
            // SAFETY: an open DB; the key is copied.
            unsafe { sys::mmdb_lazy_delete(open.ptr(), bytes(key), key.len()) }
        }
    }

    /// [`DB::lazy_delete`] for every key of `keys`.
    pub fn lazy_delete_batch(&self, keys: impl IntoIterator<Item = impl AsRef<[u8]>>) {
        let keys: Vec<_> = keys.into_iter().collect();
        let ptrs: Vec<*const c_char> = keys.iter().map(|k| bytes(k.as_ref())).collect();
        let lens: Vec<usize> = keys.iter().map(|k| k.as_ref().len()).collect();
        if let (Some(open), false) = (self.read_state().as_ref(), self.read_only) {
            // SAFETY: an open DB; `ptrs[i]` has `lens[i]` bytes, all copied.
            unsafe {
                sys::mmdb_lazy_delete_batch(open.ptr(), ptrs.as_ptr(), lens.as_ptr(), ptrs.len())
            }
        }
    }

    /// Keys registered by `lazy_delete*` and not yet dropped.
    pub fn dead_key_count(&self) -> usize {
        match self.read_state().as_ref() {
            // SAFETY: an open DB.
            Some(open) => unsafe { sys::mmdb_dead_key_count(open.ptr()) },
            None => 0,
        }
    }

    /// Forgets every key registered by `lazy_delete*`.
    pub fn clear_dead_keys(&self) {
        if let Some(open) = self.read_state().as_ref() {
            // SAFETY: an open DB.
            unsafe { sys::mmdb_clear_dead_keys(open.ptr()) }
        }
    }

    /// Closes the DB: waits for calls in flight, flushes the memtable, stops
    /// background work and releases `LOCK` at once. Later fallible calls give
    /// `DbClosed`; a second close gives Ok. Resources are freed even when
    /// this returns an error.
    pub fn close(&self) -> Result<()> {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let Some(open) = state.take() else {
            return Ok(());
        };
        if let Some(seq) = open.property("mmdb.last-sequence").and_then(|s| s.parse().ok()) {
            self.closed_sequence.store(seq, Ordering::Relaxed);
        }
        let db = open.db.as_ptr();
        // SAFETY: the handle is closed and freed once, with no reader left
        // (we hold the write lock); Open's options are dropped after.
        let result = call(|err| unsafe { sys::mmdb_close_with_error(db, err) });
        drop(open);
        result
    }

    /// Stops the DB as a crash would: no flush, no sync; the handle leaks.
    #[cfg(any(test, feature = "test-utils"))]
    pub fn simulate_crash(self) {
        // The engine has no crash switch yet; leaking the handle skips the
        // close-time flush (see docs/rust.md), and `LOCK` stays held until
        // the process exits.
        std::mem::forget(self);
    }
}

/// A `stats.*` counter read from the engine's "mmdb.stats" text, which has
/// them on fixed lines ("Flushes: N, ...", "Compactions: N, ... written W
/// bytes", "Write amplification: ... (user U bytes)", "Block cache: ...
/// hits H, misses M"); None for a name it lacks. The cache counters are
/// those of the DB's cache, so pool-wide when a pool is shared.
fn stats_number(stats: &str, name: &str) -> Option<u64> {
    let (line, marker) = match name {
        "stats.flushes_completed" => ("Flushes: ", "Flushes: "),
        "stats.compactions_completed" => ("Compactions: ", "Compactions: "),
        "stats.compaction_bytes_written" => ("Compactions: ", "written "),
        "stats.bytes_written" => ("Write amplification: ", "(user "),
        "stats.block_cache_hits" => ("Block cache: ", "hits "),
        "stats.block_cache_misses" => ("Block cache: ", "misses "),
        _ => return None,
    };
    let text = stats.lines().find(|l| l.starts_with(line))?;
    let rest = &text[text.find(marker)? + marker.len()..];
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

impl Drop for DB {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(open) = state.take() {
            // SAFETY: freed once; nothing else can use it (`&mut self`).
            unsafe { sys::mmdb_close(open.db.as_ptr()) };
        }
    }
}
