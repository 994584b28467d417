// Fuzzes the SST reader: the input is an SST file (served from a MemEnv).
// Open parses the footer, metaindex, index, bloom / prefix filters and the
// range-deletion block; when it succeeds, full scans in both directions,
// seeks, point lookups and filter checks run over whatever the file holds.
// Every failure must be a Status; with checksums verified, keys a scan
// returns must be ordered.
#include <memory>
#include <string>

#include "env/mem_env.h"
#include "fuzz/fuzz_util.h"
#include "sst/table_reader.h"
#include "types/internal_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mmdb;
  if (size == 0) return 0;
  const bool verify = (data[0] & 1) == 0;
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);
  MemEnv env(MemEnv::Clock::kManual);
  {
    std::unique_ptr<WritableFile> w;
    FUZZ_CHECK(env.NewWritableFile("/db/000007.sst", &w).ok());
    FUZZ_CHECK(w->Append(file).ok());
  }
  std::unique_ptr<RandomAccessFile> f;
  FUZZ_CHECK(env.NewRandomAccessFile("/db/000007.sst", &f).ok());
  TableReaderOptions options;
  options.verify_checksums = verify;
  auto opened = TableReader::Open(options, std::move(f), file.size(), 7);
  if (!opened.ok()) return 0;
  std::shared_ptr<TableReader> table = std::move(opened).value();

  std::vector<std::string> keys;
  auto it = table->NewIterator(/*fill_cache=*/false, verify);
  for (it->SeekToFirst(); it->Valid() && keys.size() < 100000; it->Next()) {
    std::string k(it->key());
    (void)it->value();
    // Order holds for checksummed blocks; with verification off a damaged
    // block may hold keys in any order (that must not crash, nothing more).
    if (verify && !keys.empty() && it->status().ok()) {
      FUZZ_CHECK(CompareInternalKey(keys.back(), k) < 0);
    }
    keys.push_back(std::move(k));
  }
  size_t back = 0;
  for (it->SeekToLast(); it->Valid() && back < 100000; it->Prev()) {
    (void)it->value();
    ++back;
  }
  // Seeks and lookups at the keys found and at a few made-up ones.
  std::vector<std::string> probes = keys;
  probes.push_back(MakeInternalKey("", kMaxSequenceNumber, kValueTypeForSeek));
  probes.push_back(MakeInternalKey("zzzz", 1, kValueTypeForSeek));
  size_t n = 0;
  for (const std::string& k : probes) {
    if (++n > 64) break;
    if (k.size() < kTrailerSize) continue;  // not an internal key
    it->Seek(k);
    if (it->Valid()) (void)it->value();
    it->SeekForPrev(k);
    if (it->Valid()) (void)it->value();
    const std::string_view user = ExtractUserKey(k);
    TableGetResult r;
    (void)table->Get(MakeInternalKey(user, kMaxSequenceNumber, kValueTypeForSeek), false, &r);
    (void)table->KeyMayMatch(user);
    (void)table->PrefixMayMatch(user);
    (void)table->ApproximateOffsetOf(k);
  }
  for (const RangeTombstone& t : table->range_tombstones()) {
    FUZZ_CHECK(CompareUserKey(t.begin, t.end) < 0);
  }
  return 0;
}
