/* The same kind of program through the C API, built with pkg-config:
 *   cc c_example.c $(pkg-config --cflags --libs mmdb) -o c_example
 * Usage: c_example DB_DIR (the DB is destroyed at the end). */
#include <stdio.h>
#include <string.h>

#include <mmdb/c.h>

int main(int argc, char** argv) {
  char* err = NULL;
  mmdb_options_t* options;
  mmdb_writeoptions_t* wo;
  mmdb_readoptions_t* ro;
  mmdb_t* db;
  char* value;
  size_t len = 0;
  int ok;

  if (argc != 2) {
    fprintf(stderr, "usage: %s DB_DIR\n", argv[0]);
    return 2;
  }
  options = mmdb_options_create();
  mmdb_options_set_block_cache_capacity(options, 1 << 20);
  wo = mmdb_writeoptions_create();
  ro = mmdb_readoptions_create();
  db = mmdb_open(options, argv[1], &err);
  if (err != NULL) {
    fprintf(stderr, "open: %s\n", err);
    mmdb_free(err);
    return 1;
  }
  mmdb_put(db, wo, "greeting", 8, "hello from C", 12, &err);
  value = err == NULL ? mmdb_get(db, ro, "greeting", 8, &len, &err) : NULL;
  ok = err == NULL && value != NULL && len == 12 && memcmp(value, "hello from C", 12) == 0;
  if (ok) printf("c example: greeting = %.*s\n", (int)len, value);
  if (err != NULL) fprintf(stderr, "error: %s\n", err);
  mmdb_free(value);
  mmdb_free(err);
  err = NULL;
  mmdb_close(db);
  mmdb_destroy_db(options, argv[1], &err);
  mmdb_free(err);
  mmdb_readoptions_destroy(ro);
  mmdb_writeoptions_destroy(wo);
  mmdb_options_destroy(options);
  return ok ? 0 : 1;
}
