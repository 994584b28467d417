//! Raw bindings to the MMDB C API, `include/mmdb/c.h`, written by hand.
//!
//! Every function here is `unsafe` and follows the conventions of c.h: opaque
//! handles, `(pointer, length)` byte strings, a trailing `errptr` that
//! receives a `malloc`'ed message on failure (free it with [`mmdb_free`]), and
//! no C++ exception crossing the boundary. The safe API is the `mmdb` crate.
#![allow(non_camel_case_types)]
#![no_std]

use core::ffi::{c_char, c_double, c_int, c_uchar, c_void};

macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        /// An opaque handle of the C API.
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
            _not_send_sync: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
        }
    )*};
}

opaque!(
    mmdb_t,
    mmdb_options_t,
    mmdb_readoptions_t,
    mmdb_writeoptions_t,
    mmdb_writebatch_t,
    mmdb_iterator_t,
    mmdb_snapshot_t,
    mmdb_sstfilewriter_t,
    mmdb_cache_t,
);

/// Block codecs (the values stored on disk).
pub const MMDB_NO_COMPRESSION: c_int = 0;
pub const MMDB_LZ4_COMPRESSION: c_int = 2;
pub const MMDB_ZSTD_COMPRESSION: c_int = 3;

unsafe extern "C" {
    // ---- DB ----
    pub fn mmdb_open(
        options: *const mmdb_options_t,
        name: *const c_char,
        errptr: *mut *mut c_char,
    ) -> *mut mmdb_t;
    pub fn mmdb_open_for_read_only(
        options: *const mmdb_options_t,
        name: *const c_char,
        errptr: *mut *mut c_char,
    ) -> *mut mmdb_t;
    pub fn mmdb_close(db: *mut mmdb_t);
    pub fn mmdb_close_with_error(db: *mut mmdb_t, errptr: *mut *mut c_char);
    pub fn mmdb_destroy_db(
        options: *const mmdb_options_t,
        name: *const c_char,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_put(
        db: *mut mmdb_t,
        options: *const mmdb_writeoptions_t,
        key: *const c_char,
        keylen: usize,
        val: *const c_char,
        vallen: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_delete(
        db: *mut mmdb_t,
        options: *const mmdb_writeoptions_t,
        key: *const c_char,
        keylen: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_delete_range(
        db: *mut mmdb_t,
        options: *const mmdb_writeoptions_t,
        begin: *const c_char,
        beginlen: usize,
        end: *const c_char,
        endlen: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_write(
        db: *mut mmdb_t,
        options: *const mmdb_writeoptions_t,
        batch: *mut mmdb_writebatch_t,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_get(
        db: *mut mmdb_t,
        options: *const mmdb_readoptions_t,
        key: *const c_char,
        keylen: usize,
        vallen: *mut usize,
        errptr: *mut *mut c_char,
    ) -> *mut c_char;
    pub fn mmdb_flush(db: *mut mmdb_t, errptr: *mut *mut c_char);
    pub fn mmdb_compact_range(
        db: *mut mmdb_t,
        start: *const c_char,
        startlen: usize,
        limit: *const c_char,
        limitlen: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_property_value(db: *mut mmdb_t, propname: *const c_char) -> *mut c_char;
    pub fn mmdb_create_checkpoint(db: *mut mmdb_t, dir: *const c_char, errptr: *mut *mut c_char);
    pub fn mmdb_ingest_external_file(
        db: *mut mmdb_t,
        paths: *const *const c_char,
        npaths: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_lazy_delete(db: *mut mmdb_t, key: *const c_char, keylen: usize);
    pub fn mmdb_lazy_delete_batch(
        db: *mut mmdb_t,
        keys: *const *const c_char,
        keylens: *const usize,
        n: usize,
    );
    pub fn mmdb_dead_key_count(db: *mut mmdb_t) -> usize;
    pub fn mmdb_clear_dead_keys(db: *mut mmdb_t);

    // ---- Snapshots ----
    pub fn mmdb_create_snapshot(db: *mut mmdb_t) -> *const mmdb_snapshot_t;
    pub fn mmdb_release_snapshot(db: *mut mmdb_t, snapshot: *const mmdb_snapshot_t);
    pub fn mmdb_snapshot_get_sequence_number(snapshot: *const mmdb_snapshot_t) -> u64;

    // ---- Iterators ----
    pub fn mmdb_create_iterator(
        db: *mut mmdb_t,
        options: *const mmdb_readoptions_t,
    ) -> *mut mmdb_iterator_t;
    pub fn mmdb_create_prefix_iterator(
        db: *mut mmdb_t,
        options: *const mmdb_readoptions_t,
        prefix: *const c_char,
        prefixlen: usize,
    ) -> *mut mmdb_iterator_t;
    pub fn mmdb_iter_destroy(iter: *mut mmdb_iterator_t);
    pub fn mmdb_iter_valid(iter: *const mmdb_iterator_t) -> c_uchar;
    pub fn mmdb_iter_seek_to_first(iter: *mut mmdb_iterator_t);
    pub fn mmdb_iter_seek_to_last(iter: *mut mmdb_iterator_t);
    pub fn mmdb_iter_seek(iter: *mut mmdb_iterator_t, k: *const c_char, klen: usize);
    pub fn mmdb_iter_seek_for_prev(iter: *mut mmdb_iterator_t, k: *const c_char, klen: usize);
    pub fn mmdb_iter_next(iter: *mut mmdb_iterator_t);
    pub fn mmdb_iter_prev(iter: *mut mmdb_iterator_t);
    pub fn mmdb_iter_key(iter: *const mmdb_iterator_t, klen: *mut usize) -> *const c_char;
    pub fn mmdb_iter_value(iter: *const mmdb_iterator_t, vlen: *mut usize) -> *const c_char;
    pub fn mmdb_iter_get_error(iter: *const mmdb_iterator_t, errptr: *mut *mut c_char);

    // ---- Write batches ----
    pub fn mmdb_writebatch_create() -> *mut mmdb_writebatch_t;
    pub fn mmdb_writebatch_destroy(batch: *mut mmdb_writebatch_t);
    pub fn mmdb_writebatch_clear(batch: *mut mmdb_writebatch_t);
    pub fn mmdb_writebatch_count(batch: *mut mmdb_writebatch_t) -> c_int;
    pub fn mmdb_writebatch_put(
        batch: *mut mmdb_writebatch_t,
        key: *const c_char,
        klen: usize,
        val: *const c_char,
        vlen: usize,
    );
    pub fn mmdb_writebatch_delete(batch: *mut mmdb_writebatch_t, key: *const c_char, klen: usize);
    pub fn mmdb_writebatch_delete_range(
        batch: *mut mmdb_writebatch_t,
        begin: *const c_char,
        beginlen: usize,
        end: *const c_char,
        endlen: usize,
    );

    // ---- Options ----
    pub fn mmdb_options_create() -> *mut mmdb_options_t;
    pub fn mmdb_options_create_write_heavy() -> *mut mmdb_options_t;
    pub fn mmdb_options_create_read_heavy() -> *mut mmdb_options_t;
    pub fn mmdb_options_destroy(options: *mut mmdb_options_t);
    pub fn mmdb_options_set_create_if_missing(options: *mut mmdb_options_t, v: c_uchar);
    pub fn mmdb_options_set_error_if_exists(options: *mut mmdb_options_t, v: c_uchar);
    pub fn mmdb_options_set_paranoid_checks(options: *mut mmdb_options_t, v: c_uchar);
    pub fn mmdb_options_set_write_buffer_size(options: *mut mmdb_options_t, v: usize);
    pub fn mmdb_options_set_max_write_buffer_number(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_wal_bytes_per_sync(options: *mut mmdb_options_t, v: u64);
    pub fn mmdb_options_set_block_size(options: *mut mmdb_options_t, v: usize);
    pub fn mmdb_options_set_block_restart_interval(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_bloom_bits_per_key(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_prefix_length(options: *mut mmdb_options_t, v: usize);
    pub fn mmdb_options_set_compression(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_block_cache_capacity(options: *mut mmdb_options_t, v: usize);
    pub fn mmdb_options_set_max_open_files(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_allow_mmap_reads(options: *mut mmdb_options_t, v: c_uchar);
    pub fn mmdb_options_set_num_levels(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_l0_compaction_trigger(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_l0_slowdown_writes_trigger(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_l0_stop_writes_trigger(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_target_file_size_base(options: *mut mmdb_options_t, v: u64);
    pub fn mmdb_options_set_max_bytes_for_level_base(options: *mut mmdb_options_t, v: u64);
    pub fn mmdb_options_set_max_bytes_for_level_multiplier(
        options: *mut mmdb_options_t,
        v: c_double,
    );
    pub fn mmdb_options_set_max_background_compactions(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_max_subcompactions(options: *mut mmdb_options_t, v: c_int);
    pub fn mmdb_options_set_read_triggered_compaction(options: *mut mmdb_options_t, v: c_uchar);
    pub fn mmdb_options_set_rate_limit_bytes_per_sec(options: *mut mmdb_options_t, v: u64);
    pub fn mmdb_options_set_pin_l0_filter_and_index_blocks_in_cache(
        options: *mut mmdb_options_t,
        v: c_uchar,
    );
    pub fn mmdb_options_set_compression_per_level(
        options: *mut mmdb_options_t,
        levels: *const c_int,
        n: usize,
    );
    pub fn mmdb_options_set_block_cache(options: *mut mmdb_options_t, cache: *const mmdb_cache_t);

    pub fn mmdb_readoptions_create() -> *mut mmdb_readoptions_t;
    pub fn mmdb_readoptions_destroy(options: *mut mmdb_readoptions_t);
    pub fn mmdb_readoptions_set_verify_checksums(options: *mut mmdb_readoptions_t, v: c_uchar);
    pub fn mmdb_readoptions_set_fill_cache(options: *mut mmdb_readoptions_t, v: c_uchar);
    pub fn mmdb_readoptions_set_snapshot(
        options: *mut mmdb_readoptions_t,
        snapshot: *const mmdb_snapshot_t,
    );
    pub fn mmdb_readoptions_set_snapshot_sequence(options: *mut mmdb_readoptions_t, seq: u64);
    pub fn mmdb_readoptions_set_iterate_lower_bound(
        options: *mut mmdb_readoptions_t,
        key: *const c_char,
        keylen: usize,
    );
    pub fn mmdb_readoptions_set_iterate_upper_bound(
        options: *mut mmdb_readoptions_t,
        key: *const c_char,
        keylen: usize,
    );

    pub fn mmdb_writeoptions_create() -> *mut mmdb_writeoptions_t;
    pub fn mmdb_writeoptions_destroy(options: *mut mmdb_writeoptions_t);
    pub fn mmdb_writeoptions_set_sync(options: *mut mmdb_writeoptions_t, v: c_uchar);
    pub fn mmdb_writeoptions_set_disable_wal(options: *mut mmdb_writeoptions_t, v: c_uchar);
    pub fn mmdb_writeoptions_set_no_slowdown(options: *mut mmdb_writeoptions_t, v: c_uchar);

    // ---- SST files for ingestion ----
    pub fn mmdb_sstfilewriter_create(options: *const mmdb_options_t) -> *mut mmdb_sstfilewriter_t;
    pub fn mmdb_sstfilewriter_destroy(writer: *mut mmdb_sstfilewriter_t);
    pub fn mmdb_sstfilewriter_open(
        writer: *mut mmdb_sstfilewriter_t,
        path: *const c_char,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_sstfilewriter_put(
        writer: *mut mmdb_sstfilewriter_t,
        key: *const c_char,
        keylen: usize,
        val: *const c_char,
        vallen: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_sstfilewriter_delete(
        writer: *mut mmdb_sstfilewriter_t,
        key: *const c_char,
        keylen: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_sstfilewriter_delete_range(
        writer: *mut mmdb_sstfilewriter_t,
        begin: *const c_char,
        beginlen: usize,
        end: *const c_char,
        endlen: usize,
        errptr: *mut *mut c_char,
    );
    pub fn mmdb_sstfilewriter_finish(writer: *mut mmdb_sstfilewriter_t, errptr: *mut *mut c_char);

    // ---- Shared block cache ----
    pub fn mmdb_cache_create_lru(capacity: usize) -> *mut mmdb_cache_t;
    pub fn mmdb_cache_destroy(cache: *mut mmdb_cache_t);
    pub fn mmdb_cache_get_capacity(cache: *const mmdb_cache_t) -> usize;
    pub fn mmdb_cache_get_usage(cache: *const mmdb_cache_t) -> usize;
    pub fn mmdb_cache_get_pinned_usage(cache: *const mmdb_cache_t) -> usize;

    // ---- Memory ----
    pub fn mmdb_free(ptr: *mut c_void);
}
