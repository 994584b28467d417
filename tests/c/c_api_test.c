/* The C API (include/mmdb/c.h), compiled as C: every function is called at
 * least once and its effect checked. Usage: c_api_test SCRATCH_DIR (created;
 * removed by the test's own destroy calls). Exit status 0 = pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mmdb/c.h>

static const char* phase = "";

#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "%s:%d: [%s] check failed: %s\n", __FILE__, __LINE__, phase, #cond); \
      exit(1);                                                                             \
    }                                                                                      \
  } while (0)

#define CHECK_NO_ERROR(err)                                                                    \
  do {                                                                                         \
    if ((err) != NULL) {                                                                       \
      fprintf(stderr, "%s:%d: [%s] unexpected error: %s\n", __FILE__, __LINE__, phase, (err)); \
      exit(1);                                                                                 \
    }                                                                                          \
  } while (0)

/* Expects an error containing `what`, then clears it. */
static void ExpectError(char** err, const char* what, int line) {
  if (*err == NULL || strstr(*err, what) == NULL) {
    fprintf(stderr, "line %d: [%s] expected an error with \"%s\", got %s\n", line, phase, what,
            *err == NULL ? "none" : *err);
    exit(1);
  }
  mmdb_free(*err);
  *err = NULL;
}

/* Checks that the value of `key` is `want` (NULL = absent). */
static void CheckGet(mmdb_t* db, const mmdb_readoptions_t* ro, const char* key, const char* want,
                     int line) {
  char* err = NULL;
  size_t len = 12345;
  char* v = mmdb_get(db, ro, key, strlen(key), &len, &err);
  CHECK_NO_ERROR(err);
  if (want == NULL) {
    if (v != NULL) {
      fprintf(stderr, "line %d: [%s] %s: expected absent\n", line, phase, key);
      exit(1);
    }
    return;
  }
  if (v == NULL || len != strlen(want) || memcmp(v, want, len) != 0) {
    fprintf(stderr, "line %d: [%s] %s: expected %s, got %.*s\n", line, phase, key, want,
            v == NULL ? 6 : (int)len, v == NULL ? "absent" : v);
    exit(1);
  }
  mmdb_free(v);
}

#define CHECK_GET(db, ro, key, want) CheckGet(db, ro, key, want, __LINE__)
#define EXPECT_ERROR(err, what) ExpectError(&(err), what, __LINE__)

/* Checks that the iterator is at `key` with `value`. */
static void CheckIter(mmdb_iterator_t* it, const char* key, const char* value, int line) {
  size_t klen, vlen;
  const char* k;
  const char* v;
  if (!mmdb_iter_valid(it)) {
    fprintf(stderr, "line %d: [%s] iterator invalid, expected %s\n", line, phase, key);
    exit(1);
  }
  k = mmdb_iter_key(it, &klen);
  v = mmdb_iter_value(it, &vlen);
  if (klen != strlen(key) || memcmp(k, key, klen) != 0 || vlen != strlen(value) ||
      memcmp(v, value, vlen) != 0) {
    fprintf(stderr, "line %d: [%s] iterator at %.*s=%.*s, expected %s=%s\n", line, phase, (int)klen,
            k, (int)vlen, v, key, value);
    exit(1);
  }
}
#define CHECK_ITER(it, k, v) CheckIter(it, k, v, __LINE__)

int main(int argc, char** argv) {
  char dbname[512], ckptname[600], sstname[600], roname[600];
  char* err = NULL;
  mmdb_options_t* options;
  mmdb_readoptions_t* ro;
  mmdb_writeoptions_t* wo;
  mmdb_t* db;

  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  mkdir(argv[1], 0755);
  snprintf(dbname, sizeof(dbname), "%s/db", argv[1]);
  snprintf(ckptname, sizeof(ckptname), "%s/ckpt", argv[1]);
  snprintf(sstname, sizeof(sstname), "%s/ingest.sst", argv[1]);
  snprintf(roname, sizeof(roname), "%s/missing", argv[1]);

  phase = "options";
  options = mmdb_options_create();
  mmdb_destroy_db(options, dbname, &err); /* leftovers of an earlier run */
  CHECK_NO_ERROR(err);
  mmdb_destroy_db(options, ckptname, &err);
  CHECK_NO_ERROR(err);
  mmdb_options_set_create_if_missing(options, 0);
  db = mmdb_open(options, dbname, &err);
  CHECK(db == NULL);
  EXPECT_ERROR(err, "does not exist");
  mmdb_options_set_create_if_missing(options, 1);
  mmdb_options_set_error_if_exists(options, 0);
  mmdb_options_set_paranoid_checks(options, 1);
  mmdb_options_set_write_buffer_size(options, 64 << 10);
  mmdb_options_set_max_write_buffer_number(options, 2);
  mmdb_options_set_block_size(options, 1024);
  mmdb_options_set_block_restart_interval(options, 8);
  mmdb_options_set_bloom_bits_per_key(options, 10);
  mmdb_options_set_prefix_length(options, 0);
  mmdb_options_set_compression(options, MMDB_ZSTD_COMPRESSION);
  mmdb_options_set_block_cache_capacity(options, 1 << 20);
  mmdb_options_set_max_open_files(options, 100);
  mmdb_options_set_num_levels(options, 5);
  mmdb_options_set_l0_compaction_trigger(options, 4);
  mmdb_options_set_l0_slowdown_writes_trigger(options, 20);
  mmdb_options_set_l0_stop_writes_trigger(options, 36);
  mmdb_options_set_target_file_size_base(options, 1 << 20);
  mmdb_options_set_max_bytes_for_level_base(options, 4 << 20);
  mmdb_options_set_max_bytes_for_level_multiplier(options, 10);
  mmdb_options_set_max_background_compactions(options, 2);
  mmdb_options_set_max_subcompactions(options, 1);
  mmdb_options_set_rate_limit_bytes_per_sec(options, 0);
  mmdb_options_set_pin_l0_filter_and_index_blocks_in_cache(options, 1);
  {
    const int bad_levels[2] = {MMDB_LZ4_COMPRESSION, 7};
    const int levels[3] = {MMDB_NO_COMPRESSION, MMDB_LZ4_COMPRESSION, MMDB_ZSTD_COMPRESSION};
    mmdb_options_set_compression_per_level(options, bad_levels, 2);
    db = mmdb_open(options, dbname, &err);
    CHECK(db == NULL);
    EXPECT_ERROR(err, "InvalidArgument");
    mmdb_options_set_compression_per_level(options, levels, 3);
  }
  mmdb_options_set_num_levels(options, 1); /* invalid: open must refuse it */
  db = mmdb_open(options, dbname, &err);
  CHECK(db == NULL);
  EXPECT_ERROR(err, "num_levels");
  mmdb_options_set_num_levels(options, 5);
  {
    /* The presets are valid Options: open and close a DB with each. */
    mmdb_options_t* heavy[2];
    int i;
    heavy[0] = mmdb_options_create_write_heavy();
    heavy[1] = mmdb_options_create_read_heavy();
    for (i = 0; i < 2; ++i) {
      mmdb_options_set_block_cache_capacity(heavy[i], 1 << 20);
      db = mmdb_open(heavy[i], dbname, &err);
      CHECK_NO_ERROR(err);
      mmdb_close(db);
      mmdb_destroy_db(heavy[i], dbname, &err);
      CHECK_NO_ERROR(err);
      mmdb_options_destroy(heavy[i]);
    }
  }

  phase = "open";
  db = mmdb_open(options, dbname, &err);
  CHECK_NO_ERROR(err);
  CHECK(db != NULL);
  ro = mmdb_readoptions_create();
  mmdb_readoptions_set_verify_checksums(ro, 1);
  mmdb_readoptions_set_fill_cache(ro, 1);
  wo = mmdb_writeoptions_create();
  mmdb_writeoptions_set_sync(wo, 0);
  mmdb_writeoptions_set_disable_wal(wo, 0);
  mmdb_writeoptions_set_no_slowdown(wo, 0);

  phase = "put/get/delete";
  mmdb_put(db, wo, "foo", 3, "hello", 5, &err);
  CHECK_NO_ERROR(err);
  CHECK_GET(db, ro, "foo", "hello");
  CHECK_GET(db, ro, "bar", NULL);
  mmdb_put(db, wo, "bin\0key", 7, "v\0v", 3, &err); /* bytes, not C strings */
  CHECK_NO_ERROR(err);
  {
    size_t len = 0;
    char* v = mmdb_get(db, ro, "bin\0key", 7, &len, &err);
    CHECK_NO_ERROR(err);
    CHECK(v != NULL && len == 3 && memcmp(v, "v\0v", 3) == 0);
    mmdb_free(v);
  }
  mmdb_writeoptions_set_sync(wo, 1);
  mmdb_delete(db, wo, "foo", 3, &err);
  CHECK_NO_ERROR(err);
  CHECK_GET(db, ro, "foo", NULL);
  mmdb_writeoptions_set_sync(wo, 0);

  phase = "writebatch";
  {
    mmdb_writebatch_t* wb = mmdb_writebatch_create();
    mmdb_writebatch_put(wb, "a", 1, "1", 1);
    mmdb_writebatch_put(wb, "b", 1, "2", 1);
    mmdb_writebatch_put(wb, "c", 1, "3", 1);
    mmdb_writebatch_put(wb, "d", 1, "4", 1);
    mmdb_writebatch_put(wb, "e", 1, "5", 1);
    mmdb_writebatch_delete(wb, "b", 1);
    mmdb_writebatch_delete_range(wb, "c", 1, "e", 1);
    CHECK(mmdb_writebatch_count(wb) == 7);
    mmdb_write(db, wo, wb, &err);
    CHECK_NO_ERROR(err);
    mmdb_writebatch_clear(wb);
    CHECK(mmdb_writebatch_count(wb) == 0);
    mmdb_writebatch_destroy(wb);
  }
  CHECK_GET(db, ro, "a", "1");
  CHECK_GET(db, ro, "b", NULL);
  CHECK_GET(db, ro, "c", NULL);
  CHECK_GET(db, ro, "d", NULL);
  CHECK_GET(db, ro, "e", "5");
  mmdb_put(db, wo, "k1", 2, "x", 1, &err);
  mmdb_put(db, wo, "k2", 2, "y", 1, &err);
  mmdb_put(db, wo, "k3", 2, "z", 1, &err);
  CHECK_NO_ERROR(err);
  mmdb_delete_range(db, wo, "k2", 2, "k3", 2, &err);
  CHECK_NO_ERROR(err);
  CHECK_GET(db, ro, "k2", NULL);
  CHECK_GET(db, ro, "k3", "z");

  phase = "snapshot";
  {
    const mmdb_snapshot_t* snap = mmdb_create_snapshot(db);
    mmdb_readoptions_t* snap_ro = mmdb_readoptions_create();
    CHECK(mmdb_snapshot_get_sequence_number(snap) > 0);
    mmdb_put(db, wo, "a", 1, "changed", 7, &err);
    CHECK_NO_ERROR(err);
    mmdb_readoptions_set_snapshot(snap_ro, snap);
    CHECK_GET(db, snap_ro, "a", "1");
    CHECK_GET(db, ro, "a", "changed");
    mmdb_readoptions_set_snapshot(snap_ro, NULL);
    CHECK_GET(db, snap_ro, "a", "changed");
    /* The same point named by its number: gets and iterators read there. */
    mmdb_readoptions_set_snapshot_sequence(snap_ro, mmdb_snapshot_get_sequence_number(snap));
    CHECK_GET(db, snap_ro, "a", "1");
    {
      mmdb_iterator_t* it = mmdb_create_iterator(db, snap_ro);
      mmdb_readoptions_destroy(snap_ro); /* the iterator copied the sequence */
      mmdb_iter_seek_to_first(it);
      CHECK_ITER(it, "a", "1");
      mmdb_iter_destroy(it);
    }
    mmdb_release_snapshot(db, snap);
  }

  phase = "lazy delete";
  CHECK(mmdb_dead_key_count(db) == 0);
  mmdb_lazy_delete(db, "a", 1);
  {
    const char* keys[2] = {"x1", "x\0y"};
    const size_t lens[2] = {2, 3};
    mmdb_lazy_delete_batch(db, keys, lens, 2);
  }
  CHECK(mmdb_dead_key_count(db) == 3);
  CHECK_GET(db, ro, "a", "changed"); /* still readable until a compaction */
  mmdb_clear_dead_keys(db);
  CHECK(mmdb_dead_key_count(db) == 0);

  phase = "flush/compact/property";
  mmdb_flush(db, &err);
  CHECK_NO_ERROR(err);
  {
    char* v = mmdb_property_value(db, "mmdb.num-files-at-level0");
    CHECK(v != NULL && strcmp(v, "1") == 0);
    mmdb_free(v);
    mmdb_compact_range(db, NULL, 0, NULL, 0, &err);
    CHECK_NO_ERROR(err);
    mmdb_compact_range(db, "a", 1, "z", 1, &err);
    CHECK_NO_ERROR(err);
    v = mmdb_property_value(db, "mmdb.num-files-at-level0");
    CHECK(v != NULL && strcmp(v, "0") == 0);
    mmdb_free(v);
    v = mmdb_property_value(db, "mmdb.stats");
    CHECK(v != NULL && strstr(v, "Compactions") != NULL);
    mmdb_free(v);
    CHECK(mmdb_property_value(db, "mmdb.no-such-property") == NULL);
  }
  CHECK_GET(db, ro, "a", "changed");
  CHECK_GET(db, ro, "k3", "z");

  phase = "iterator";
  {
    mmdb_iterator_t* it = mmdb_create_iterator(db, ro);
    size_t klen = 0, vlen = 0;
    const char* k;
    const char* v;
    CHECK(!mmdb_iter_valid(it));
    mmdb_iter_seek_to_first(it);
    CHECK_ITER(it, "a", "changed");
    mmdb_iter_next(it);
    k = mmdb_iter_key(it, &klen);
    v = mmdb_iter_value(it, &vlen);
    CHECK(klen == 7 && memcmp(k, "bin\0key", 7) == 0);
    CHECK(vlen == 3 && memcmp(v, "v\0v", 3) == 0);
    mmdb_iter_destroy(it);
  }
  phase = "iterator moves";
  {
    /* Keys now: a, bin\0key, e, k1, k3. */
    mmdb_iterator_t* it = mmdb_create_iterator(db, ro);
    char* iter_err = NULL;
    size_t klen = 0;
    mmdb_iter_seek_to_last(it);
    CHECK_ITER(it, "k3", "z");
    mmdb_iter_prev(it);
    CHECK_ITER(it, "k1", "x");
    mmdb_iter_seek(it, "c", 1);
    CHECK_ITER(it, "e", "5");
    mmdb_iter_seek_for_prev(it, "j", 1);
    CHECK_ITER(it, "e", "5");
    mmdb_iter_prev(it);
    CHECK(mmdb_iter_valid(it));
    CHECK(mmdb_iter_key(it, &klen) != NULL && klen == 7);
    mmdb_iter_next(it);
    mmdb_iter_next(it);
    CHECK_ITER(it, "k1", "x");
    mmdb_iter_seek(it, "z", 1);
    CHECK(!mmdb_iter_valid(it));
    CHECK(mmdb_iter_key(it, &klen) != NULL || klen == 0);
    mmdb_iter_get_error(it, &iter_err);
    CHECK_NO_ERROR(iter_err);
    mmdb_iter_destroy(it);
  }
  phase = "iterator bounds and prefix";
  {
    mmdb_readoptions_t* bro = mmdb_readoptions_create();
    mmdb_iterator_t* it;
    mmdb_readoptions_set_iterate_lower_bound(bro, "b", 1);
    mmdb_readoptions_set_iterate_upper_bound(bro, "k2", 2);
    it = mmdb_create_iterator(db, bro);
    mmdb_iter_seek_to_last(it);
    CHECK_ITER(it, "k1", "x");
    mmdb_iter_seek_to_first(it);
    mmdb_iter_next(it);
    CHECK_ITER(it, "e", "5");
    mmdb_iter_destroy(it);
    mmdb_readoptions_set_iterate_lower_bound(bro, NULL, 0);
    mmdb_readoptions_set_iterate_upper_bound(bro, NULL, 0);
    it = mmdb_create_prefix_iterator(db, bro, "k", 1);
    mmdb_iter_seek_to_first(it);
    CHECK_ITER(it, "k1", "x");
    mmdb_iter_next(it);
    CHECK_ITER(it, "k3", "z");
    mmdb_iter_next(it);
    CHECK(!mmdb_iter_valid(it));
    mmdb_iter_destroy(it);
    mmdb_readoptions_destroy(bro);
  }

  phase = "sst writer + ingestion";
  {
    mmdb_sstfilewriter_t* w = mmdb_sstfilewriter_create(options);
    const char* paths[1];
    mmdb_sstfilewriter_put(w, "x", 1, "1", 1, &err);
    EXPECT_ERROR(err, "no file is open");
    mmdb_sstfilewriter_open(w, sstname, &err);
    CHECK_NO_ERROR(err);
    mmdb_sstfilewriter_delete_range(w, "k0", 2, "k2", 2, &err);
    CHECK_NO_ERROR(err);
    mmdb_sstfilewriter_delete(w, "k3", 2, &err);
    CHECK_NO_ERROR(err);
    mmdb_sstfilewriter_put(w, "m", 1, "ingested", 8, &err);
    CHECK_NO_ERROR(err);
    mmdb_sstfilewriter_put(w, "l", 1, "unsorted", 8, &err);
    EXPECT_ERROR(err, "strictly increasing");
    mmdb_sstfilewriter_finish(w, &err);
    CHECK_NO_ERROR(err);
    mmdb_sstfilewriter_destroy(w);
    paths[0] = sstname;
    mmdb_ingest_external_file(db, paths, 1, &err);
    CHECK_NO_ERROR(err);
    CHECK_GET(db, ro, "k1", NULL);
    CHECK_GET(db, ro, "k3", NULL);
    CHECK_GET(db, ro, "m", "ingested");
    paths[0] = roname;
    mmdb_ingest_external_file(db, paths, 1, &err);
    EXPECT_ERROR(err, "InvalidArgument");
  }

  phase = "checkpoint";
  mmdb_create_checkpoint(db, ckptname, &err);
  CHECK_NO_ERROR(err);
  mmdb_create_checkpoint(db, ckptname, &err);
  EXPECT_ERROR(err, "already exists");
  mmdb_put(db, wo, "after", 5, "ckpt", 4, &err);
  CHECK_NO_ERROR(err);
  {
    mmdb_t* copy = mmdb_open(options, ckptname, &err);
    CHECK_NO_ERROR(err);
    CHECK_GET(copy, ro, "m", "ingested");
    CHECK_GET(copy, ro, "after", NULL);
    mmdb_close_with_error(copy, &err);
    CHECK_NO_ERROR(err);
  }

  phase = "read-only";
  {
    mmdb_t* ro_db = mmdb_open_for_read_only(options, dbname, &err); /* beside the writer */
    CHECK_NO_ERROR(err);
    CHECK_GET(ro_db, ro, "after", "ckpt");
    mmdb_put(ro_db, wo, "x", 1, "y", 1, &err);
    EXPECT_ERROR(err, "NotSupported");
    mmdb_close(ro_db);
    CHECK(mmdb_open_for_read_only(options, roname, &err) == NULL);
    EXPECT_ERROR(err, "no DB here");
  }

  phase = "close and destroy";
  mmdb_destroy_db(options, dbname, &err);
  EXPECT_ERROR(err, "Busy"); /* still open: locked */
  {
    /* A snapshot and an iterator may outlive their DB. */
    const mmdb_snapshot_t* snap = mmdb_create_snapshot(db);
    mmdb_iterator_t* it = mmdb_create_iterator(db, ro);
    mmdb_close(db);
    mmdb_iter_seek(it, "m", 1);
    CHECK_ITER(it, "m", "ingested");
    mmdb_iter_destroy(it);
    mmdb_release_snapshot(NULL, snap);
  }
  mmdb_close(NULL);
  {
    /* Reopen (data is durable) with a shared cache that the options keep. */
    mmdb_cache_t* cache = mmdb_cache_create_lru(1 << 20);
    CHECK(cache != NULL && mmdb_cache_get_capacity(cache) == (1 << 20));
    mmdb_options_set_block_cache(options, cache);
    db = mmdb_open(options, dbname, &err);
    CHECK_NO_ERROR(err);
    CHECK_GET(db, ro, "m", "ingested");
    CHECK(mmdb_cache_get_usage(cache) > 0);
    CHECK(mmdb_cache_get_pinned_usage(cache) <= mmdb_cache_get_usage(cache));
    mmdb_cache_destroy(cache);
    mmdb_cache_destroy(NULL);
    mmdb_options_set_block_cache(options, NULL);
  }
  mmdb_close_with_error(db, &err);
  CHECK_NO_ERROR(err);
  mmdb_destroy_db(options, dbname, &err);
  CHECK_NO_ERROR(err);
  mmdb_destroy_db(options, ckptname, &err);
  CHECK_NO_ERROR(err);
  remove(sstname);
  remove(argv[1]);

  mmdb_readoptions_destroy(ro);
  mmdb_writeoptions_destroy(wo);
  mmdb_options_destroy(options);
  printf("c_api_test: PASS\n");
  return 0;
}
