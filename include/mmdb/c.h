/* MMDB C API: the DB of <mmdb/db.h> for C and other languages' FFIs
 * (docs/c_api.md).
 *
 * Conventions:
 *   - Every object is an opaque handle made by a mmdb_*_create / mmdb_open
 *     function and released by the matching destroy / close function.
 *   - Keys and values are (pointer, length) pairs: arbitrary bytes.
 *   - A fallible call takes `char** errptr` last. On error it stores a
 *     malloc'ed, NUL-terminated message there (freeing a message already
 *     there) and the call has no effect; on success *errptr is left alone.
 *     So: set `char* err = NULL`, call, test `err != NULL`, mmdb_free(err).
 *   - Memory returned to the caller (values, property values, messages) is
 *     malloc'ed: release it with mmdb_free.
 *   - No C++ exception crosses this API: a fallible call reports one as an
 *     "Aborted: exception: ..." error, an iterator move through
 *     mmdb_iter_get_error, a create function as NULL; a call that cannot
 *     report (a setter, a batch append) aborts the process on one, as an
 *     allocation failure does in Rust.
 *
 * Thread safety: as in C++: a mmdb_t may be used by many threads at once;
 * iterators, write batches, options and SST writers by one at a time.
 */
#ifndef MMDB_C_H_
#define MMDB_C_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mmdb_t mmdb_t;
typedef struct mmdb_options_t mmdb_options_t;
typedef struct mmdb_readoptions_t mmdb_readoptions_t;
typedef struct mmdb_writeoptions_t mmdb_writeoptions_t;
typedef struct mmdb_writebatch_t mmdb_writebatch_t;
typedef struct mmdb_iterator_t mmdb_iterator_t;
typedef struct mmdb_snapshot_t mmdb_snapshot_t;
typedef struct mmdb_sstfilewriter_t mmdb_sstfilewriter_t;
typedef struct mmdb_cache_t mmdb_cache_t;

/* Block codecs (the values stored on disk). */
enum { MMDB_NO_COMPRESSION = 0, MMDB_LZ4_COMPRESSION = 2, MMDB_ZSTD_COMPRESSION = 3 };

/* ---- DB ---------------------------------------------------------------- */

/* Opens (or creates, see create_if_missing) the DB at `name`. NULL on error. */
mmdb_t* mmdb_open(const mmdb_options_t* options, const char* name, char** errptr);
/* Opens read-only (DB::OpenForReadOnly): works beside a writer; every
 * mutation fails with a "NotSupported" error. NULL on error. */
mmdb_t* mmdb_open_for_read_only(const mmdb_options_t* options, const char* name, char** errptr);
/* Closes and frees the DB (flushes memtables). Errors are dropped; call
 * mmdb_close_with_error to see them. NULL is ignored. */
void mmdb_close(mmdb_t* db);
void mmdb_close_with_error(mmdb_t* db, char** errptr);
/* Deletes the DB at `name` (fails while it is open). */
void mmdb_destroy_db(const mmdb_options_t* options, const char* name, char** errptr);

void mmdb_put(mmdb_t* db, const mmdb_writeoptions_t* options, const char* key, size_t keylen,
              const char* val, size_t vallen, char** errptr);
void mmdb_delete(mmdb_t* db, const mmdb_writeoptions_t* options, const char* key, size_t keylen,
                 char** errptr);
/* Deletes every key in [begin, end). */
void mmdb_delete_range(mmdb_t* db, const mmdb_writeoptions_t* options, const char* begin,
                       size_t beginlen, const char* end, size_t endlen, char** errptr);
/* Applies the batch atomically. */
void mmdb_write(mmdb_t* db, const mmdb_writeoptions_t* options, mmdb_writebatch_t* batch,
                char** errptr);
/* The value of `key` (malloc'ed, *vallen bytes, not NUL-terminated), or NULL
 * when absent (then *errptr is untouched) or on error. */
char* mmdb_get(mmdb_t* db, const mmdb_readoptions_t* options, const char* key, size_t keylen,
               size_t* vallen, char** errptr);

/* Writes the memtables to L0 and waits. */
void mmdb_flush(mmdb_t* db, char** errptr);
/* Compacts [start, limit] (inclusive; NULL start/limit = unbounded) to the
 * last level and waits. */
void mmdb_compact_range(mmdb_t* db, const char* start, size_t startlen, const char* limit,
                        size_t limitlen, char** errptr);
/* A property ("mmdb.stats", "mmdb.num-files-at-level0", ...), malloc'ed and
 * NUL-terminated, or NULL for an unknown name. */
char* mmdb_property_value(mmdb_t* db, const char* propname);
/* Makes `dir` (which must not exist) an openable copy of the DB. */
void mmdb_create_checkpoint(mmdb_t* db, const char* dir, char** errptr);
/* Adds SST files written by a mmdb_sstfilewriter_t (docs/ingestion.md). */
void mmdb_ingest_external_file(mmdb_t* db, const char* const* paths, size_t npaths, char** errptr);

/* Lazy deletion (DB::LazyDelete): registers keys that the next bottommost
 * compaction meeting them drops while no snapshot is alive. Nothing is
 * written and the keys stay readable until then; the set is in memory only.
 * On a read-only DB these do nothing and the count is 0. */
void mmdb_lazy_delete(mmdb_t* db, const char* key, size_t keylen);
/* Registers `n` keys: keys[i] is keylens[i] bytes long. */
void mmdb_lazy_delete_batch(mmdb_t* db, const char* const* keys, const size_t* keylens, size_t n);
/* Keys registered and not yet dropped. */
size_t mmdb_dead_key_count(mmdb_t* db);
/* Forgets every registered key. */
void mmdb_clear_dead_keys(mmdb_t* db);

/* ---- Snapshots --------------------------------------------------------- */

/* The current point in time; release it with mmdb_release_snapshot. */
const mmdb_snapshot_t* mmdb_create_snapshot(mmdb_t* db);
/* Releases the snapshot. `db` is not used: a snapshot may be released after
 * its DB was closed (then `db` may be NULL or a dangling pointer). */
void mmdb_release_snapshot(mmdb_t* db, const mmdb_snapshot_t* snapshot);
uint64_t mmdb_snapshot_get_sequence_number(const mmdb_snapshot_t* snapshot);

/* ---- Iterators --------------------------------------------------------- */

/* An iterator over the DB (within the bounds of `options`). Unpositioned. */
mmdb_iterator_t* mmdb_create_iterator(mmdb_t* db, const mmdb_readoptions_t* options);
/* An iterator over the keys starting with `prefix`. Unpositioned. */
mmdb_iterator_t* mmdb_create_prefix_iterator(mmdb_t* db, const mmdb_readoptions_t* options,
                                             const char* prefix, size_t prefixlen);
void mmdb_iter_destroy(mmdb_iterator_t* iter);
unsigned char mmdb_iter_valid(const mmdb_iterator_t* iter);
void mmdb_iter_seek_to_first(mmdb_iterator_t* iter);
void mmdb_iter_seek_to_last(mmdb_iterator_t* iter);
/* First key >= k. */
void mmdb_iter_seek(mmdb_iterator_t* iter, const char* k, size_t klen);
/* Last key <= k. */
void mmdb_iter_seek_for_prev(mmdb_iterator_t* iter, const char* k, size_t klen);
void mmdb_iter_next(mmdb_iterator_t* iter);
void mmdb_iter_prev(mmdb_iterator_t* iter);
/* The current key / value, valid until the next move; empty when invalid. */
const char* mmdb_iter_key(const mmdb_iterator_t* iter, size_t* klen);
const char* mmdb_iter_value(const mmdb_iterator_t* iter, size_t* vlen);
/* Sets *errptr when the iterator met an error. An exception escaping the
 * C++ side during a move (e.g. out of memory) also ends up here: the
 * iterator then stays invalid, and further moves do nothing. */
void mmdb_iter_get_error(const mmdb_iterator_t* iter, char** errptr);

/* ---- Write batches ----------------------------------------------------- */

mmdb_writebatch_t* mmdb_writebatch_create(void);
void mmdb_writebatch_destroy(mmdb_writebatch_t* batch);
void mmdb_writebatch_clear(mmdb_writebatch_t* batch);
int mmdb_writebatch_count(mmdb_writebatch_t* batch);
void mmdb_writebatch_put(mmdb_writebatch_t* batch, const char* key, size_t klen, const char* val,
                         size_t vlen);
void mmdb_writebatch_delete(mmdb_writebatch_t* batch, const char* key, size_t klen);
void mmdb_writebatch_delete_range(mmdb_writebatch_t* batch, const char* begin, size_t beginlen,
                                  const char* end, size_t endlen);

/* ---- Options ----------------------------------------------------------- */

/* Defaults of mmdb::Options, or one of its presets. */
mmdb_options_t* mmdb_options_create(void);
mmdb_options_t* mmdb_options_create_write_heavy(void);
mmdb_options_t* mmdb_options_create_read_heavy(void);
void mmdb_options_destroy(mmdb_options_t* options);
void mmdb_options_set_create_if_missing(mmdb_options_t* options, unsigned char v);
void mmdb_options_set_error_if_exists(mmdb_options_t* options, unsigned char v);
void mmdb_options_set_paranoid_checks(mmdb_options_t* options, unsigned char v);
void mmdb_options_set_write_buffer_size(mmdb_options_t* options, size_t v);
void mmdb_options_set_max_write_buffer_number(mmdb_options_t* options, int v);
void mmdb_options_set_wal_bytes_per_sync(mmdb_options_t* options, uint64_t v);
void mmdb_options_set_block_size(mmdb_options_t* options, size_t v);
void mmdb_options_set_block_restart_interval(mmdb_options_t* options, int v);
void mmdb_options_set_bloom_bits_per_key(mmdb_options_t* options, int v);
void mmdb_options_set_prefix_length(mmdb_options_t* options, size_t v);
/* One of MMDB_*_COMPRESSION. */
void mmdb_options_set_compression(mmdb_options_t* options, int v);
void mmdb_options_set_block_cache_capacity(mmdb_options_t* options, size_t v);
void mmdb_options_set_max_open_files(mmdb_options_t* options, int v);
void mmdb_options_set_allow_mmap_reads(mmdb_options_t* options, unsigned char v);
void mmdb_options_set_num_levels(mmdb_options_t* options, int v);
void mmdb_options_set_l0_compaction_trigger(mmdb_options_t* options, int v);
void mmdb_options_set_l0_slowdown_writes_trigger(mmdb_options_t* options, int v);
void mmdb_options_set_l0_stop_writes_trigger(mmdb_options_t* options, int v);
void mmdb_options_set_target_file_size_base(mmdb_options_t* options, uint64_t v);
void mmdb_options_set_max_bytes_for_level_base(mmdb_options_t* options, uint64_t v);
void mmdb_options_set_max_bytes_for_level_multiplier(mmdb_options_t* options, double v);
void mmdb_options_set_max_background_compactions(mmdb_options_t* options, int v);
void mmdb_options_set_max_subcompactions(mmdb_options_t* options, int v);
void mmdb_options_set_read_triggered_compaction(mmdb_options_t* options, unsigned char v);
void mmdb_options_set_rate_limit_bytes_per_sec(mmdb_options_t* options, uint64_t v);
void mmdb_options_set_pin_l0_filter_and_index_blocks_in_cache(mmdb_options_t* options,
                                                              unsigned char v);
/* The codec of each level (levels[i] for level i, one of MMDB_*_COMPRESSION;
 * a level past the end uses the last entry). n = 0: `compression` for every
 * level. An unknown value is refused by the open that uses the options. */
void mmdb_options_set_compression_per_level(mmdb_options_t* options, const int* levels, size_t n);
/* A block cache shared with other DBs (overrides block_cache_capacity); NULL
 * = a private cache. The options (and every DB opened with them) hold their
 * own reference, so the cache handle may be destroyed right after. */
void mmdb_options_set_block_cache(mmdb_options_t* options, const mmdb_cache_t* cache);

mmdb_readoptions_t* mmdb_readoptions_create(void);
void mmdb_readoptions_destroy(mmdb_readoptions_t* options);
void mmdb_readoptions_set_verify_checksums(mmdb_readoptions_t* options, unsigned char v);
void mmdb_readoptions_set_fill_cache(mmdb_readoptions_t* options, unsigned char v);
/* NULL = read the latest state. The snapshot must outlive the options' use. */
void mmdb_readoptions_set_snapshot(mmdb_readoptions_t* options, const mmdb_snapshot_t* snapshot);
/* Reads as of sequence number `seq`, given as a number rather than a
 * snapshot handle (replacing any snapshot set before). Versions the DB keeps
 * only for a live snapshot are safe to read this way only while that
 * snapshot is held; reading at a sequence past the last committed one is the
 * caller's mistake (clamp it with mmdb_snapshot_get_sequence_number of a
 * fresh snapshot). An iterator copies the sequence when it is created. */
void mmdb_readoptions_set_snapshot_sequence(mmdb_readoptions_t* options, uint64_t seq);
/* Iteration bounds, copied: keys >= lower and < upper. NULL clears a bound. */
void mmdb_readoptions_set_iterate_lower_bound(mmdb_readoptions_t* options, const char* key,
                                              size_t keylen);
void mmdb_readoptions_set_iterate_upper_bound(mmdb_readoptions_t* options, const char* key,
                                              size_t keylen);

mmdb_writeoptions_t* mmdb_writeoptions_create(void);
void mmdb_writeoptions_destroy(mmdb_writeoptions_t* options);
void mmdb_writeoptions_set_sync(mmdb_writeoptions_t* options, unsigned char v);
void mmdb_writeoptions_set_disable_wal(mmdb_writeoptions_t* options, unsigned char v);
void mmdb_writeoptions_set_no_slowdown(mmdb_writeoptions_t* options, unsigned char v);

/* ---- SST files for ingestion -------------------------------------------- */

mmdb_sstfilewriter_t* mmdb_sstfilewriter_create(const mmdb_options_t* options);
void mmdb_sstfilewriter_destroy(mmdb_sstfilewriter_t* writer);
void mmdb_sstfilewriter_open(mmdb_sstfilewriter_t* writer, const char* path, char** errptr);
/* Keys strictly increasing (see <mmdb/sst_file_writer.h>). */
void mmdb_sstfilewriter_put(mmdb_sstfilewriter_t* writer, const char* key, size_t keylen,
                            const char* val, size_t vallen, char** errptr);
void mmdb_sstfilewriter_delete(mmdb_sstfilewriter_t* writer, const char* key, size_t keylen,
                               char** errptr);
void mmdb_sstfilewriter_delete_range(mmdb_sstfilewriter_t* writer, const char* begin,
                                     size_t beginlen, const char* end, size_t endlen,
                                     char** errptr);
void mmdb_sstfilewriter_finish(mmdb_sstfilewriter_t* writer, char** errptr);

/* ---- Shared block cache ------------------------------------------------- */

/* An LRU block cache of `capacity` bytes (0 = caches nothing) that several
 * DBs may share through mmdb_options_set_block_cache. NULL on failure. */
mmdb_cache_t* mmdb_cache_create_lru(size_t capacity);
/* Drops this handle's reference: the cache lives on in the DBs and options
 * that use it. NULL is ignored. */
void mmdb_cache_destroy(mmdb_cache_t* cache);
size_t mmdb_cache_get_capacity(const mmdb_cache_t* cache);
/* Bytes charged by every entry held now (pinned ones included). */
size_t mmdb_cache_get_usage(const mmdb_cache_t* cache);
/* Bytes charged by pinned entries (a subset of the usage). */
size_t mmdb_cache_get_pinned_usage(const mmdb_cache_t* cache);

/* ---- Memory ------------------------------------------------------------ */

/* Frees memory returned by this API (values, property values, errors). */
void mmdb_free(void* ptr);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MMDB_C_H_ */
