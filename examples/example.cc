// A small MMDB program: writes, reads, scans a prefix, uses a snapshot and
// a write batch. Usage: mmdb_example DB_DIR (the DB is destroyed at the end).
#include <cstdio>
#include <memory>
#include <string>

#include <mmdb/db.h>
#include <mmdb/version.h>

namespace {

int Fail(const char* what, const mmdb::Status& s) {
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DB_DIR\n", argv[0]);
    return 2;
  }
  mmdb::Options options;
  options.block_cache_capacity = 1 << 20;
  std::unique_ptr<mmdb::DB> db;
  mmdb::Status s = mmdb::DB::Open(options, argv[1], &db);
  if (!s.ok()) return Fail("open", s);

  for (int i = 0; i < 10; ++i) {
    s = db->Put("user:" + std::to_string(i), "name-" + std::to_string(i));
    if (!s.ok()) return Fail("put", s);
  }
  auto before = db->GetSnapshot();
  mmdb::WriteBatch batch;
  batch.DeleteRange("user:3", "user:6");
  batch.Put("user:9", "renamed");
  s = db->Write(mmdb::WriteOptions{.sync = true}, &batch);
  if (!s.ok()) return Fail("write", s);

  int users = 0;
  auto it = db->NewPrefixIterator(mmdb::ReadOptions(), "user:");
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++users;
  if (!it->status().ok()) return Fail("scan", it->status());
  it.reset();

  std::string now, then;
  mmdb::ReadOptions at_before;
  at_before.snapshot = before.get();
  s = db->Get("user:9", &now);
  if (s.ok()) s = db->Get(at_before, "user:9", &then);
  if (!s.ok()) return Fail("get", s);
  before.reset();

  s = db->Close();
  if (!s.ok()) return Fail("close", s);
  db.reset();
  s = mmdb::DestroyDB(argv[1], options);
  if (!s.ok()) return Fail("destroy", s);

  std::printf("mmdb %s: %d users, user:9 = %s (was %s)\n", MMDB_VERSION_STRING, users, now.c_str(),
              then.c_str());
  return users == 7 && now == "renamed" && then == "name-9" ? 0 : 1;
}
