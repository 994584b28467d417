// Commands on an open DB: get, put, delete, delete-range, scan, count,
// compact, flush, stats, property, checkpoint, ingest. Reading commands open
// the DB read-only, so they work beside a process that has it open.
#include <cstdio>
#include <memory>

#include <mmdb/db.h>

#include "tools/commands.h"

namespace mmdb::tools {

namespace {

// Closes the DB and returns the first error of `s` and the close.
Status Finish(std::unique_ptr<DB>* db, Status s) {
  Status c = (*db)->Close();
  db->reset();
  return s.ok() ? c : s;
}

// An iterator over `range` (prefix or bounds).
std::unique_ptr<Iterator> RangeIterator(DB* db, const RangeArgs& range) {
  ReadOptions ro;
  ro.fill_cache = false;  // one pass over the data: do not churn the cache
  ro.iterate_lower_bound = range.from;
  ro.iterate_upper_bound = range.to;
  if (!range.prefix.empty()) return db->NewPrefixIterator(ro, range.prefix);
  return db->NewIterator(ro);
}

}  // namespace

Status GetKey(const GlobalArgs& g, const std::string& key) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadOnly(g, &db));
  std::string value;
  Status s = db->Get(ReadOptions(), key, &value);
  if (s.ok()) PrintLine(FormatBytes(value, g.hex));
  if (s.IsNotFound()) s = Status::NotFound("key " + FormatBytes(key, g.hex));
  return Finish(&db, s);
}

Status PutKey(const GlobalArgs& g, const std::string& key, const std::string& value) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadWrite(g, /*create=*/true, &db));
  return Finish(&db, db->Put(WriteOptions{.sync = true}, key, value));
}

Status DeleteKey(const GlobalArgs& g, const std::string& key) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadWrite(g, /*create=*/false, &db));
  return Finish(&db, db->Delete(WriteOptions{.sync = true}, key));
}

Status DeleteRange(const GlobalArgs& g, const std::string& begin, const std::string& end) {
  if (begin > end) {
    return Status::InvalidArgument("delete-range: begin " + FormatBytes(begin, g.hex) +
                                   " is after end " + FormatBytes(end, g.hex));
  }
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadWrite(g, /*create=*/false, &db));
  return Finish(&db, db->DeleteRange(WriteOptions{.sync = true}, begin, end));
}

Status Scan(const GlobalArgs& g, const ScanArgs& args) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadOnly(g, &db));
  auto it = RangeIterator(db.get(), args.range);
  uint64_t n = 0;
  std::string line;
  if (args.reverse) {
    it->SeekToLast();
  } else {
    it->SeekToFirst();
  }
  for (; it->Valid() && n < args.limit; ++n) {
    line = FormatBytes(it->key(), g.hex);
    if (!args.keys_only) line += "\t" + FormatBytes(it->value(), g.hex);
    PrintLine(line);
    if (args.reverse) {
      it->Prev();
    } else {
      it->Next();
    }
  }
  Status s = it->status();
  it.reset();
  return Finish(&db, s);
}

Status Count(const GlobalArgs& g, const RangeArgs& range) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadOnly(g, &db));
  auto it = RangeIterator(db.get(), range);
  uint64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  Status s = it->status();
  it.reset();
  if (s.ok()) std::printf("%llu\n", static_cast<unsigned long long>(n));
  return Finish(&db, s);
}

Status Compact(const GlobalArgs& g, const RangeArgs& range) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadWrite(g, /*create=*/false, &db));
  std::optional<std::string_view> begin, end;
  if (range.from) begin = *range.from;
  if (range.to) end = *range.to;
  Status s = db->CompactRange(begin, end);
  std::string levels;
  if (s.ok() && db->GetProperty("mmdb.levelstats", &levels)) std::printf("%s", levels.c_str());
  return Finish(&db, s);
}

Status FlushDB(const GlobalArgs& g) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadWrite(g, /*create=*/false, &db));
  return Finish(&db, db->Flush());
}

Status Repair(const GlobalArgs& g) {
  Options o;
  o.block_cache_capacity = 8u << 20;
  RepairSummary r;
  MMDB_RETURN_IF_ERROR(RepairDB(g.db, o, &r));
  std::printf(
      "repaired %s: %llu tables kept, %llu WALs replayed (%llu records; %llu lost to damage), "
      "%llu files moved to %s/lost\n",
      g.db.c_str(), static_cast<unsigned long long>(r.tables_kept),
      static_cast<unsigned long long>(r.wals_converted),
      static_cast<unsigned long long>(r.records_recovered),
      static_cast<unsigned long long>(r.records_dropped),
      static_cast<unsigned long long>(r.files_moved_to_lost), g.db.c_str());
  return Status::OK();
}

Status PrintStats(const GlobalArgs& g) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadOnly(g, &db));
  std::string out;
  if (db->GetProperty("mmdb.levelstats", &out)) std::printf("%s\n", out.c_str());
  if (db->GetProperty("mmdb.stats", &out)) std::printf("%s\n", out.c_str());
  return Finish(&db, Status::OK());
}

Status PrintProperty(const GlobalArgs& g, const std::string& name) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadOnly(g, &db));
  std::string value;
  Status s;
  if (db->GetProperty(name, &value)) {
    std::printf("%s%s", value.c_str(), !value.empty() && value.back() == '\n' ? "" : "\n");
  } else {
    s = Status::InvalidArgument("unknown property \"" + name + "\"");
  }
  return Finish(&db, s);
}

Status Checkpoint(const GlobalArgs& g, const std::string& dest) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadWrite(g, /*create=*/false, &db));
  std::shared_ptr<const Snapshot> at;
  Status s = db->CreateCheckpoint(dest, &at);
  if (s.ok()) {
    std::printf("checkpoint of %s at sequence %llu in %s\n", g.db.c_str(),
                static_cast<unsigned long long>(at->sequence()), dest.c_str());
  }
  at.reset();
  return Finish(&db, s);
}

Status Ingest(const GlobalArgs& g, const std::vector<std::string>& files) {
  std::unique_ptr<DB> db;
  MMDB_RETURN_IF_ERROR(OpenReadWrite(g, /*create=*/true, &db));
  Status s = db->IngestExternalFile(files);
  if (s.ok()) std::printf("ingested %zu file(s)\n", files.size());
  return Finish(&db, s);
}

}  // namespace mmdb::tools
