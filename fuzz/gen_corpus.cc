// gen_corpus OUTDIR: writes seed inputs for every fuzz target, made by the
// engine's own writers (so the fuzzers start from well-formed files):
//   OUTDIR/wal_reader/    a flag byte + WAL files of random batches (and torn copies)
//   OUTDIR/write_batch/   encoded WriteBatches
//   OUTDIR/sst_reader/    a flag byte + SSTs (codecs, filters, range deletions)
//   OUTDIR/version_edit/  0 + one VersionEdit, or 1 + a MANIFEST file
//   OUTDIR/db_ops/        op sequences for the DB fuzzer
// Deterministic: the same build writes the same files.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <mmdb/write_batch.h>

#include "env/mem_env.h"
#include "manifest/version_edit.h"
#include "sst/table_builder.h"
#include "types/internal_key.h"
#include "types/write_batch_internal.h"
#include "util/random.h"
#include "wal/writer.h"

namespace {

using namespace mmdb;
namespace fs = std::filesystem;

void Save(const fs::path& dir, int n, std::string_view prefix, std::string_view bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / ("seed-" + std::to_string(n)), std::ios::binary);
  out << prefix << bytes;
}

std::string RandomKey(Random* rnd) { return "key" + std::to_string(rnd->Uniform(500)); }

WriteBatch RandomBatch(Random* rnd, SequenceNumber seq) {
  WriteBatch b;
  for (int n = 1 + static_cast<int>(rnd->Uniform(6)); n > 0; --n) {
    const uint64_t kind = rnd->Uniform(5);
    if (kind < 3) {
      b.Put(RandomKey(rnd),
            std::string(rnd->Uniform(80), static_cast<char>('a' + rnd->Uniform(26))));
    } else if (kind == 3) {
      b.Delete(RandomKey(rnd));
    } else {
      b.DeleteRange("key1", "key" + std::to_string(2 + rnd->Uniform(9)));
    }
  }
  WriteBatchInternal::SetSequence(&b, seq);
  return b;
}

// The bytes a wal::Writer leaves after writing `records`.
std::string LogFile(const std::vector<std::string>& records) {
  MemEnv env(MemEnv::Clock::kManual);
  std::unique_ptr<WritableFile> f;
  (void)env.NewWritableFile("/log", &f);
  wal::Writer w(std::move(f));
  for (const std::string& r : records) (void)w.AddRecord(r);
  (void)w.Flush();
  return env.FileContents("/log");
}

std::string Table(Random* rnd, const TableBuilderOptions& options, int entries, bool ranges) {
  MemEnv env(MemEnv::Clock::kManual);
  std::unique_ptr<WritableFile> f;
  (void)env.NewWritableFile("/t.sst", &f);
  TableBuilder b(options, f.get());
  SequenceNumber seq = 1000;
  if (ranges) (void)b.Add(MakeInternalKey("key000", 5, ValueType::kRangeDeletion), "key050");
  for (int i = 0; i < entries; ++i) {
    char k[16];
    std::snprintf(k, sizeof(k), "key%03d", i);
    const ValueType t = rnd->OneIn(5) ? ValueType::kDeletion : ValueType::kValue;
    const std::string v = t == ValueType::kValue ? std::string(rnd->Uniform(60), 'v') : "";
    (void)b.Add(MakeInternalKey(k, seq--, t), v);
  }
  (void)b.Finish();
  return env.FileContents("/t.sst");
}

VersionEdit RandomEdit(Random* rnd, uint64_t* next_file) {
  VersionEdit e;
  if (rnd->OneIn(2)) e.SetLogNumber(rnd->Uniform(100));
  e.SetNextFileNumber(*next_file + 10);
  e.SetLastSequence(rnd->Uniform(100000));
  for (int n = static_cast<int>(rnd->Uniform(4)); n > 0; --n) {
    FileMetaData f;
    f.number = (*next_file)++;
    f.file_size = 1000 + rnd->Uniform(100000);
    const uint64_t lo = rnd->Uniform(1000);
    f.smallest = MakeInternalKey("key" + std::to_string(lo * 10), 50, ValueType::kValue);
    f.largest = MakeInternalKey("key" + std::to_string(lo * 10 + 5), 40, ValueType::kValue);
    f.has_range_deletions = rnd->OneIn(4);
    e.AddFile(0, f);
  }
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  const fs::path out(argv[1]);
  Random rnd(20240601);

  for (int i = 0; i < 24; ++i) {
    std::vector<std::string> records;
    SequenceNumber seq = 1;
    for (int n = 1 + static_cast<int>(rnd.Uniform(i < 20 ? 20 : 400)); n > 0; --n) {
      WriteBatch b = RandomBatch(&rnd, seq);
      seq += b.Count();
      records.emplace_back(WriteBatchInternal::Contents(b));
      if (rnd.OneIn(8)) records.back() += std::string(40000, 'x');  // spans blocks
    }
    std::string log = LogFile(records);
    if (i % 4 == 3 && log.size() > 10) log.resize(log.size() - 1 - rnd.Uniform(10));  // torn
    Save(out / "wal_reader", i, std::string(1, static_cast<char>(i % 2)), log);
    Save(out / "write_batch", i, "", records[0].substr(0, 20000));
  }

  const CompressionType codecs[] = {CompressionType::kNone, CompressionType::kLZ4,
                                    CompressionType::kZstd};
  for (int i = 0; i < 18; ++i) {
    TableBuilderOptions o;
    o.block_size = 64u << (i % 4);
    o.block_restart_interval = 1 + i % 16;
    o.bloom_bits_per_key = i % 3 == 0 ? 0 : 10;
    o.prefix_length = i % 5 == 1 ? 4 : 0;
    o.compression = codecs[i % 3];
    Save(out / "sst_reader", i, std::string(1, '\0'), Table(&rnd, o, 1 + i * 7, i % 2 == 1));
  }

  uint64_t next_file = 10;
  for (int i = 0; i < 16; ++i) {
    std::string rec;
    RandomEdit(&rnd, &next_file).EncodeTo(&rec);
    Save(out / "version_edit", i, std::string(1, '\0'), rec);
  }
  for (int i = 0; i < 8; ++i) {
    std::vector<std::string> records;
    next_file = 10;
    for (int n = 1 + i * 3; n > 0; --n) {
      std::string rec;
      RandomEdit(&rnd, &next_file).EncodeTo(&rec);
      records.push_back(rec);
    }
    Save(out / "version_edit", 100 + i, std::string(1, '\1'), LogFile(records));
  }

  for (int i = 0; i < 16; ++i) {
    std::string ops;
    for (size_t n = 40 + rnd.Uniform(300); n > 0; --n) ops.push_back(static_cast<char>(rnd.Next()));
    Save(out / "db_ops", i, "", ops);
  }
  std::printf("corpus written to %s\n", out.c_str());
  return 0;
}
