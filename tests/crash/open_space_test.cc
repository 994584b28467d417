// Open needs free space for one memtable's flush, not for the whole WAL it
// replays (issue 13, point 7): a crash left more WAL than the disk has room
// for in SSTs, and Open still succeeds; the background flushes write the
// replayed memtables one at a time, each freeing its WAL.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/write_batch.h>

#include "crash/crash_workload.h"
#include "env/mem_env.h"
#include "manifest/filename.h"
#include "types/write_batch_internal.h"
#include "util/test_util.h"
#include "wal/writer.h"

namespace mmdb {

namespace {

Options SmallOptions(std::shared_ptr<Env> env) {
  Options o;
  o.env = std::move(env);
  o.write_buffer_size = 32 << 10;
  o.block_size = 512;
  o.block_cache_capacity = 1 << 20;
  o.compression = CompressionType::kNone;  // SSTs as large as the WALs
  return o;
}

// Writes WAL `number` of DB `dbname` holding `batches` batches of `per_batch`
// puts, from sequence *seq on; adds them to *model.
void WriteWal(MemEnv* env, const std::string& dbname, uint64_t number, int batches, int per_batch,
              uint64_t* seq, std::map<std::string, std::string>* model) {
  std::unique_ptr<WritableFile> file;
  ASSERT_OK(env->NewWritableFile(WalFileName(dbname, number), &file));
  wal::Writer writer(std::move(file));
  for (int b = 0; b < batches; ++b) {
    WriteBatch batch;
    for (int i = 0; i < per_batch; ++i) {
      const std::string key =
          "w" + std::to_string(number) + "-" + std::to_string(b * per_batch + i);
      const std::string value(200, static_cast<char>('a' + (b + i) % 26));
      batch.Put(key, value);
      (*model)[key] = value;
    }
    WriteBatchInternal::SetSequence(&batch, *seq);
    *seq += WriteBatchInternal::Count(batch);
    ASSERT_OK(writer.AddRecord(WriteBatchInternal::Contents(batch)));
  }
  ASSERT_OK(writer.Sync());
  ASSERT_OK(writer.Close());
}

}  // namespace

// A crash left five WALs of ~40 KiB each (200 KiB) and the disk has room for
// ~100 KiB more: Open keeps the replayed WALs as memtables and the
// background flushes write them one at a time, each freeing its WAL.
TEST(OpenSpaceTest, ReplaysMoreWalThanFreeSpace) {
  auto env = std::make_shared<MemEnv>();
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(SmallOptions(env), "/db", &db));
  ASSERT_OK(db->Close());
  db.reset();
  std::vector<std::string> children;
  ASSERT_OK(env->GetChildren("/db", &children));
  uint64_t max_number = 0;
  for (const std::string& name : children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type)) max_number = std::max(max_number, number);
  }
  std::map<std::string, std::string> model;
  uint64_t seq = 1;
  uint64_t wal_bytes = 0;
  for (uint64_t n = max_number + 1; n <= max_number + 5; ++n) {
    WriteWal(env.get(), "/db", n, 20, 9, &seq, &model);
    ASSERT_FALSE(HasFatalFailure());
    wal_bytes += env->FileContents(WalFileName("/db", n)).size();
  }
  ASSERT_GT(wal_bytes, 180u << 10);
  const uint64_t budget = 100 << 10;
  env->SetSpaceLimit(env->UsedBytes() + budget);

  const Options o = SmallOptions(env);
  ASSERT_OK(DB::Open(o, "/db", &db));
  ASSERT_OK(db->Flush());  // waits for the replayed memtables to land
  std::string recovery;
  ASSERT_TRUE(db->GetProperty("mmdb.recovery", &recovery));
  EXPECT_NE(recovery.find("memtables-recovered: 5\n"), std::string::npos) << recovery;
  ASSERT_OK(db->Put("after", "open"));
  model["after"] = "open";
  Status s;
  EXPECT_EQ(crashtest::ScanAll(db.get(), &s), model);
  ASSERT_OK(s);
  ASSERT_OK(db->Close());
  db.reset();
  env->SetSpaceLimit(std::nullopt);
  ASSERT_OK(DB::Open(o, "/db", &db));
  EXPECT_EQ(crashtest::ScanAll(db.get(), &s), model);
  ASSERT_OK(s);
}

}  // namespace mmdb
