// The C API of include/mmdb/c.h: thin wrappers over the C++ API. Every
// entry point that can fail goes through Call(), which turns a non-OK
// Status, or an exception escaping the C++ side (e.g. std::bad_alloc), into
// an *errptr message.
//
// Handles are allocated with new and freed with delete by their destroy
// function: C owns them, so this is the one place outside the allocators
// where MMDB pairs new and delete by hand.
#include "mmdb/c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/cache.h>
#include <mmdb/db.h>
#include <mmdb/sst_file_writer.h>

using mmdb::DB;
using mmdb::Options;
using mmdb::ReadOptions;
using mmdb::Status;
using mmdb::WriteBatch;
using mmdb::WriteOptions;

struct mmdb_t {
  std::unique_ptr<DB> rep;
};
struct mmdb_options_t {
  Options rep;
};
namespace {
// A snapshot named by its sequence number alone (set_snapshot_sequence): it
// pins nothing, the DB only reads its sequence().
class SequenceSnapshot final : public mmdb::Snapshot {
 public:
  explicit SequenceSnapshot(mmdb::SequenceNumber seq) : seq_(seq) {}
  mmdb::SequenceNumber sequence() const override { return seq_; }

 private:
  mmdb::SequenceNumber seq_;
};
}  // namespace

struct mmdb_readoptions_t {
  ReadOptions rep;
  std::unique_ptr<SequenceSnapshot> by_sequence;  // what rep.snapshot may point at
};
struct mmdb_writeoptions_t {
  WriteOptions rep;
};
struct mmdb_writebatch_t {
  WriteBatch rep;
};
struct mmdb_iterator_t {
  std::unique_ptr<mmdb::Iterator> rep;
  Status failed;  // an exception escaped a move: the iterator is dead
};
struct mmdb_snapshot_t {
  std::shared_ptr<const mmdb::Snapshot> rep;
};
struct mmdb_cache_t {
  std::shared_ptr<mmdb::Cache> rep;
};
struct mmdb_sstfilewriter_t {
  explicit mmdb_sstfilewriter_t(const Options& o) : rep(o) {}
  mmdb::SstFileWriter rep;
};

namespace {

char* CopyString(std::string_view s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) return nullptr;
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

// Stores `message` in *errptr (freeing a previous one). Returns true when
// there was an error.
bool SaveError(char** errptr, const Status& s) {
  if (s.ok()) return false;
  if (errptr != nullptr) {
    std::free(*errptr);
    *errptr = CopyString(s.ToString());
  }
  return true;
}

// Runs `fn` (returning Status) and reports its failure, or an exception it
// throws, through errptr.
template <typename Fn>
bool Call(char** errptr, Fn&& fn) {
  try {
    return SaveError(errptr, fn());
  } catch (const std::exception& e) {
    return SaveError(errptr, Status::Aborted(std::string("exception: ") + e.what()));
  } catch (...) {
    return SaveError(errptr, Status::Aborted("unknown exception"));
  }
}

// Runs `fn` (returning a pointer) and returns null if it throws.
template <typename Fn>
auto NoThrow(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    return nullptr;
  }
}

// Runs `fn`, which has no way to report a failure: an exception (only
// std::bad_alloc is possible) terminates the process instead of unwinding
// into a C or Rust caller.
template <typename Fn>
void OrAbort(Fn&& fn) noexcept {
  fn();
}

// Runs an iterator move; an exception kills the iterator (Valid() false,
// reported by mmdb_iter_get_error) instead of crossing the API.
template <typename Fn>
void Move(mmdb_iterator_t* iter, Fn&& fn) {
  if (!iter->failed.ok()) return;
  try {
    fn();
  } catch (const std::exception& e) {
    iter->failed = Status::Aborted(std::string("exception: ") + e.what());
  } catch (...) {
    iter->failed = Status::Aborted("unknown exception");
  }
}

std::string_view View(const char* p, size_t n) { return {p, n}; }

mmdb_t* OpenWith(const mmdb_options_t* options, const char* name, char** errptr, bool read_only) {
  auto db = std::make_unique<mmdb_t>();
  const bool failed = Call(errptr, [&] {
    return read_only ? DB::OpenForReadOnly(options->rep, name, &db->rep)
                     : DB::Open(options->rep, name, &db->rep);
  });
  return failed ? nullptr : db.release();
}

}  // namespace

extern "C" {

// ---- DB -------------------------------------------------------------------

mmdb_t* mmdb_open(const mmdb_options_t* options, const char* name, char** errptr) {
  return OpenWith(options, name, errptr, /*read_only=*/false);
}

mmdb_t* mmdb_open_for_read_only(const mmdb_options_t* options, const char* name, char** errptr) {
  return OpenWith(options, name, errptr, /*read_only=*/true);
}

void mmdb_close(mmdb_t* db) {
  char* ignored = nullptr;  // the caller chose not to see close errors
  mmdb_close_with_error(db, &ignored);
  std::free(ignored);
}

void mmdb_close_with_error(mmdb_t* db, char** errptr) {
  if (db == nullptr) return;
  Call(errptr, [&] { return db->rep->Close(); });
  delete db;
}

void mmdb_destroy_db(const mmdb_options_t* options, const char* name, char** errptr) {
  Call(errptr, [&] { return mmdb::DestroyDB(name, options->rep); });
}

void mmdb_put(mmdb_t* db, const mmdb_writeoptions_t* options, const char* key, size_t keylen,
              const char* val, size_t vallen, char** errptr) {
  Call(errptr, [&] { return db->rep->Put(options->rep, View(key, keylen), View(val, vallen)); });
}

void mmdb_delete(mmdb_t* db, const mmdb_writeoptions_t* options, const char* key, size_t keylen,
                 char** errptr) {
  Call(errptr, [&] { return db->rep->Delete(options->rep, View(key, keylen)); });
}

void mmdb_delete_range(mmdb_t* db, const mmdb_writeoptions_t* options, const char* begin,
                       size_t beginlen, const char* end, size_t endlen, char** errptr) {
  Call(errptr, [&] {
    return db->rep->DeleteRange(options->rep, View(begin, beginlen), View(end, endlen));
  });
}

void mmdb_write(mmdb_t* db, const mmdb_writeoptions_t* options, mmdb_writebatch_t* batch,
                char** errptr) {
  Call(errptr, [&] { return db->rep->Write(options->rep, &batch->rep); });
}

char* mmdb_get(mmdb_t* db, const mmdb_readoptions_t* options, const char* key, size_t keylen,
               size_t* vallen, char** errptr) {
  char* result = nullptr;
  *vallen = 0;
  Call(errptr, [&] {
    std::string value;
    Status s = db->rep->Get(options->rep, View(key, keylen), &value);
    if (s.IsNotFound()) return Status::OK();  // NULL result, no error
    if (!s.ok()) return s;
    result = CopyString(value);
    if (result == nullptr) return Status::Aborted("out of memory");
    *vallen = value.size();
    return Status::OK();
  });
  return result;
}

void mmdb_flush(mmdb_t* db, char** errptr) {
  Call(errptr, [&] { return db->rep->Flush(); });
}

void mmdb_compact_range(mmdb_t* db, const char* start, size_t startlen, const char* limit,
                        size_t limitlen, char** errptr) {
  std::optional<std::string_view> begin, end;
  if (start != nullptr) begin = View(start, startlen);
  if (limit != nullptr) end = View(limit, limitlen);
  Call(errptr, [&] { return db->rep->CompactRange(begin, end); });
}

char* mmdb_property_value(mmdb_t* db, const char* propname) {
  return NoThrow([&]() -> char* {
    std::string value;
    if (!db->rep->GetProperty(propname, &value)) return nullptr;
    return CopyString(value);
  });
}

void mmdb_create_checkpoint(mmdb_t* db, const char* dir, char** errptr) {
  Call(errptr, [&] { return db->rep->CreateCheckpoint(dir); });
}

void mmdb_ingest_external_file(mmdb_t* db, const char* const* paths, size_t npaths, char** errptr) {
  Call(errptr, [&] {
    std::vector<std::string> files(paths, paths + npaths);
    return db->rep->IngestExternalFile(files);
  });
}

void mmdb_lazy_delete(mmdb_t* db, const char* key, size_t keylen) {
  OrAbort([&] { db->rep->LazyDelete(View(key, keylen)); });
}

void mmdb_lazy_delete_batch(mmdb_t* db, const char* const* keys, const size_t* keylens, size_t n) {
  OrAbort([&] {
    std::vector<std::string> batch;
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) batch.emplace_back(keys[i], keylens[i]);
    db->rep->LazyDeleteBatch(batch);
  });
}

size_t mmdb_dead_key_count(mmdb_t* db) { return db->rep->DeadKeyCount(); }

void mmdb_clear_dead_keys(mmdb_t* db) {
  OrAbort([&] { db->rep->ClearDeadKeys(); });
}

// ---- Snapshots ------------------------------------------------------------

const mmdb_snapshot_t* mmdb_create_snapshot(mmdb_t* db) {
  return NoThrow([&] { return new mmdb_snapshot_t{db->rep->GetSnapshot()}; });
}

void mmdb_release_snapshot(mmdb_t* db, const mmdb_snapshot_t* snapshot) { delete snapshot; }

uint64_t mmdb_snapshot_get_sequence_number(const mmdb_snapshot_t* snapshot) {
  return snapshot->rep->sequence();
}

// ---- Iterators ------------------------------------------------------------

mmdb_iterator_t* mmdb_create_iterator(mmdb_t* db, const mmdb_readoptions_t* options) {
  return NoThrow([&] { return new mmdb_iterator_t{db->rep->NewIterator(options->rep), Status()}; });
}

mmdb_iterator_t* mmdb_create_prefix_iterator(mmdb_t* db, const mmdb_readoptions_t* options,
                                             const char* prefix, size_t prefixlen) {
  return NoThrow([&] {
    return new mmdb_iterator_t{db->rep->NewPrefixIterator(options->rep, View(prefix, prefixlen)),
                               Status()};
  });
}

void mmdb_iter_destroy(mmdb_iterator_t* iter) { delete iter; }
unsigned char mmdb_iter_valid(const mmdb_iterator_t* iter) {
  return iter->failed.ok() && iter->rep->Valid();
}
void mmdb_iter_seek_to_first(mmdb_iterator_t* iter) {
  Move(iter, [&] { iter->rep->SeekToFirst(); });
}
void mmdb_iter_seek_to_last(mmdb_iterator_t* iter) {
  Move(iter, [&] { iter->rep->SeekToLast(); });
}
void mmdb_iter_seek(mmdb_iterator_t* iter, const char* k, size_t klen) {
  Move(iter, [&] { iter->rep->Seek(View(k, klen)); });
}
void mmdb_iter_seek_for_prev(mmdb_iterator_t* iter, const char* k, size_t klen) {
  Move(iter, [&] { iter->rep->SeekForPrev(View(k, klen)); });
}
void mmdb_iter_next(mmdb_iterator_t* iter) {
  Move(iter, [&] { iter->rep->Next(); });
}
void mmdb_iter_prev(mmdb_iterator_t* iter) {
  Move(iter, [&] { iter->rep->Prev(); });
}

const char* mmdb_iter_key(const mmdb_iterator_t* iter, size_t* klen) {
  const std::string_view k = iter->failed.ok() ? iter->rep->key() : std::string_view();
  *klen = k.size();
  return k.data();
}

const char* mmdb_iter_value(const mmdb_iterator_t* iter, size_t* vlen) {
  const std::string_view v = iter->failed.ok() ? iter->rep->value() : std::string_view();
  *vlen = v.size();
  return v.data();
}

void mmdb_iter_get_error(const mmdb_iterator_t* iter, char** errptr) {
  SaveError(errptr, iter->failed.ok() ? iter->rep->status() : iter->failed);
}

// ---- Write batches --------------------------------------------------------

mmdb_writebatch_t* mmdb_writebatch_create(void) {
  return NoThrow([] { return new mmdb_writebatch_t; });
}
void mmdb_writebatch_destroy(mmdb_writebatch_t* batch) { delete batch; }
void mmdb_writebatch_clear(mmdb_writebatch_t* batch) {
  OrAbort([&] { batch->rep.Clear(); });
}
int mmdb_writebatch_count(mmdb_writebatch_t* batch) { return static_cast<int>(batch->rep.Count()); }
void mmdb_writebatch_put(mmdb_writebatch_t* batch, const char* key, size_t klen, const char* val,
                         size_t vlen) {
  OrAbort([&] { batch->rep.Put(View(key, klen), View(val, vlen)); });
}
void mmdb_writebatch_delete(mmdb_writebatch_t* batch, const char* key, size_t klen) {
  OrAbort([&] { batch->rep.Delete(View(key, klen)); });
}
void mmdb_writebatch_delete_range(mmdb_writebatch_t* batch, const char* begin, size_t beginlen,
                                  const char* end, size_t endlen) {
  OrAbort([&] { batch->rep.DeleteRange(View(begin, beginlen), View(end, endlen)); });
}

// ---- Options --------------------------------------------------------------

mmdb_options_t* mmdb_options_create(void) {
  return NoThrow([] { return new mmdb_options_t; });
}
mmdb_options_t* mmdb_options_create_write_heavy(void) {
  return NoThrow([] { return new mmdb_options_t{Options::WriteHeavy()}; });
}
mmdb_options_t* mmdb_options_create_read_heavy(void) {
  return NoThrow([] { return new mmdb_options_t{Options::ReadHeavy()}; });
}
void mmdb_options_destroy(mmdb_options_t* options) { delete options; }

#define MMDB_C_OPTION_SETTER(name, type, field) \
  void mmdb_options_set_##name(mmdb_options_t* options, type v) { options->rep.field = v; }
MMDB_C_OPTION_SETTER(create_if_missing, unsigned char, create_if_missing)
MMDB_C_OPTION_SETTER(error_if_exists, unsigned char, error_if_exists)
MMDB_C_OPTION_SETTER(paranoid_checks, unsigned char, paranoid_checks)
MMDB_C_OPTION_SETTER(write_buffer_size, size_t, write_buffer_size)
MMDB_C_OPTION_SETTER(max_write_buffer_number, int, max_write_buffer_number)
MMDB_C_OPTION_SETTER(wal_bytes_per_sync, uint64_t, wal_bytes_per_sync)
MMDB_C_OPTION_SETTER(block_size, size_t, block_size)
MMDB_C_OPTION_SETTER(block_restart_interval, int, block_restart_interval)
MMDB_C_OPTION_SETTER(bloom_bits_per_key, int, bloom_bits_per_key)
MMDB_C_OPTION_SETTER(prefix_length, size_t, prefix_length)
MMDB_C_OPTION_SETTER(block_cache_capacity, size_t, block_cache_capacity)
MMDB_C_OPTION_SETTER(max_open_files, int, max_open_files)
MMDB_C_OPTION_SETTER(allow_mmap_reads, unsigned char, allow_mmap_reads)
MMDB_C_OPTION_SETTER(num_levels, int, num_levels)
MMDB_C_OPTION_SETTER(l0_compaction_trigger, int, l0_compaction_trigger)
MMDB_C_OPTION_SETTER(l0_slowdown_writes_trigger, int, l0_slowdown_writes_trigger)
MMDB_C_OPTION_SETTER(l0_stop_writes_trigger, int, l0_stop_writes_trigger)
MMDB_C_OPTION_SETTER(target_file_size_base, uint64_t, target_file_size_base)
MMDB_C_OPTION_SETTER(max_bytes_for_level_base, uint64_t, max_bytes_for_level_base)
MMDB_C_OPTION_SETTER(max_bytes_for_level_multiplier, double, max_bytes_for_level_multiplier)
MMDB_C_OPTION_SETTER(max_background_compactions, int, max_background_compactions)
MMDB_C_OPTION_SETTER(max_subcompactions, int, max_subcompactions)
MMDB_C_OPTION_SETTER(read_triggered_compaction, unsigned char, read_triggered_compaction)
MMDB_C_OPTION_SETTER(rate_limit_bytes_per_sec, uint64_t, rate_limit_bytes_per_sec)
#undef MMDB_C_OPTION_SETTER

// An unknown codec value is stored as is; Options::Validate (at open)
// rejects it with InvalidArgument.
void mmdb_options_set_compression(mmdb_options_t* options, int v) {
  options->rep.compression = static_cast<mmdb::CompressionType>(v);
}

void mmdb_options_set_pin_l0_filter_and_index_blocks_in_cache(mmdb_options_t* options,
                                                              unsigned char v) {
  options->rep.pin_l0_filter_and_index_blocks_in_cache = v;
}

void mmdb_options_set_compression_per_level(mmdb_options_t* options, const int* levels, size_t n) {
  OrAbort([&] {
    options->rep.compression_per_level.clear();
    for (size_t i = 0; i < n; ++i) {
      options->rep.compression_per_level.push_back(static_cast<mmdb::CompressionType>(levels[i]));
    }
  });
}

void mmdb_options_set_block_cache(mmdb_options_t* options, const mmdb_cache_t* cache) {
  options->rep.block_cache = cache != nullptr ? cache->rep : nullptr;
}

mmdb_readoptions_t* mmdb_readoptions_create(void) {
  return NoThrow([] { return new mmdb_readoptions_t; });
}
void mmdb_readoptions_destroy(mmdb_readoptions_t* options) { delete options; }
void mmdb_readoptions_set_verify_checksums(mmdb_readoptions_t* options, unsigned char v) {
  options->rep.verify_checksums = v;
}
void mmdb_readoptions_set_fill_cache(mmdb_readoptions_t* options, unsigned char v) {
  options->rep.fill_cache = v;
}
void mmdb_readoptions_set_snapshot(mmdb_readoptions_t* options, const mmdb_snapshot_t* snapshot) {
  options->rep.snapshot = snapshot != nullptr ? snapshot->rep.get() : nullptr;
}
void mmdb_readoptions_set_snapshot_sequence(mmdb_readoptions_t* options, uint64_t seq) {
  OrAbort([&] {
    options->by_sequence = std::make_unique<SequenceSnapshot>(seq);
    options->rep.snapshot = options->by_sequence.get();
  });
}
void mmdb_readoptions_set_iterate_lower_bound(mmdb_readoptions_t* options, const char* key,
                                              size_t keylen) {
  OrAbort([&] {
    if (key == nullptr) {
      options->rep.iterate_lower_bound.reset();
    } else {
      options->rep.iterate_lower_bound = std::string(key, keylen);
    }
  });
}
void mmdb_readoptions_set_iterate_upper_bound(mmdb_readoptions_t* options, const char* key,
                                              size_t keylen) {
  OrAbort([&] {
    if (key == nullptr) {
      options->rep.iterate_upper_bound.reset();
    } else {
      options->rep.iterate_upper_bound = std::string(key, keylen);
    }
  });
}

mmdb_writeoptions_t* mmdb_writeoptions_create(void) {
  return NoThrow([] { return new mmdb_writeoptions_t; });
}
void mmdb_writeoptions_destroy(mmdb_writeoptions_t* options) { delete options; }
void mmdb_writeoptions_set_sync(mmdb_writeoptions_t* options, unsigned char v) {
  options->rep.sync = v;
}
void mmdb_writeoptions_set_disable_wal(mmdb_writeoptions_t* options, unsigned char v) {
  options->rep.disable_wal = v;
}
void mmdb_writeoptions_set_no_slowdown(mmdb_writeoptions_t* options, unsigned char v) {
  options->rep.no_slowdown = v;
}

// ---- SST files ------------------------------------------------------------

mmdb_sstfilewriter_t* mmdb_sstfilewriter_create(const mmdb_options_t* options) {
  return NoThrow([&] { return new mmdb_sstfilewriter_t(options->rep); });
}
void mmdb_sstfilewriter_destroy(mmdb_sstfilewriter_t* writer) { delete writer; }
void mmdb_sstfilewriter_open(mmdb_sstfilewriter_t* writer, const char* path, char** errptr) {
  Call(errptr, [&] { return writer->rep.Open(path); });
}
void mmdb_sstfilewriter_put(mmdb_sstfilewriter_t* writer, const char* key, size_t keylen,
                            const char* val, size_t vallen, char** errptr) {
  Call(errptr, [&] { return writer->rep.Put(View(key, keylen), View(val, vallen)); });
}
void mmdb_sstfilewriter_delete(mmdb_sstfilewriter_t* writer, const char* key, size_t keylen,
                               char** errptr) {
  Call(errptr, [&] { return writer->rep.Delete(View(key, keylen)); });
}
void mmdb_sstfilewriter_delete_range(mmdb_sstfilewriter_t* writer, const char* begin,
                                     size_t beginlen, const char* end, size_t endlen,
                                     char** errptr) {
  Call(errptr, [&] { return writer->rep.DeleteRange(View(begin, beginlen), View(end, endlen)); });
}
void mmdb_sstfilewriter_finish(mmdb_sstfilewriter_t* writer, char** errptr) {
  Call(errptr, [&] { return writer->rep.Finish(); });
}

// ---- Shared block cache ---------------------------------------------------

mmdb_cache_t* mmdb_cache_create_lru(size_t capacity) {
  return NoThrow([&] { return new mmdb_cache_t{mmdb::NewBlockCache(capacity)}; });
}
void mmdb_cache_destroy(mmdb_cache_t* cache) { delete cache; }
size_t mmdb_cache_get_capacity(const mmdb_cache_t* cache) { return cache->rep->GetCapacity(); }
size_t mmdb_cache_get_usage(const mmdb_cache_t* cache) { return cache->rep->GetUsage(); }
size_t mmdb_cache_get_pinned_usage(const mmdb_cache_t* cache) {
  return cache->rep->GetPinnedUsage();
}

// ---- Memory ---------------------------------------------------------------

void mmdb_free(void* ptr) { std::free(ptr); }

}  // extern "C"
