// Fuzzes the whole DB: the input is a sequence of operations (puts, deletes,
// delete ranges, batches, gets, scans both ways, seeks, snapshots, flushes,
// compactions, reopens and power cuts) on a DB in a MemEnv with tiny
// buffers, each checked against a std::map model. Every write is synced, so
// a power cut (CrashClone) must keep the model exactly.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mmdb/db.h>

#include "env/mem_env.h"
#include "fuzz/fuzz_util.h"

namespace {

using Model = std::map<std::string, std::string>;

mmdb::Options FuzzOptions(std::shared_ptr<mmdb::Env> env, uint8_t knobs) {
  mmdb::Options o;
  o.env = std::move(env);
  // 4 KiB: nearly every write switches memtables and waits for a flush
  // (thorough but slow); larger: flushes mostly come from Flush ops.
  const size_t buffers[] = {4096, 16384, 65536, 65536};
  o.write_buffer_size = buffers[knobs & 3];
  o.block_size = 128u << ((knobs >> 2) & 3);
  o.l0_compaction_trigger = 2;
  o.target_file_size_base = 4096;
  o.max_bytes_for_level_base = 16384;
  o.max_background_compactions = 1;
  o.bloom_bits_per_key = (knobs & 16) ? 0 : 10;
  o.compression = (knobs & 32) ? mmdb::CompressionType::kLZ4 : mmdb::CompressionType::kNone;
  o.block_cache_capacity = 64 << 10;
  return o;
}

std::string Key(mmdb::fuzz::FuzzInput* in) {
  const uint8_t b = in->Byte();
  return "k" + std::to_string(b % 40);
}

void CheckScan(mmdb::DB* db, const Model& model, const mmdb::Snapshot* snap, bool reverse) {
  mmdb::ReadOptions ro;
  ro.snapshot = snap;
  auto it = db->NewIterator(ro);
  std::vector<std::pair<std::string, std::string>> got;
  if (reverse) {
    for (it->SeekToLast(); it->Valid(); it->Prev()) got.emplace_back(it->key(), it->value());
  } else {
    for (it->SeekToFirst(); it->Valid(); it->Next()) got.emplace_back(it->key(), it->value());
  }
  FUZZ_CHECK(it->status().ok());
  std::vector<std::pair<std::string, std::string>> want(model.begin(), model.end());
  if (reverse) want.assign(model.rbegin(), model.rend());
  FUZZ_CHECK(got == want);
}

void CheckGet(mmdb::DB* db, const Model& model, const mmdb::Snapshot* snap,
              const std::string& key) {
  mmdb::ReadOptions ro;
  ro.snapshot = snap;
  std::string v;
  mmdb::Status s = db->Get(ro, key, &v);
  auto it = model.find(key);
  if (it == model.end()) {
    FUZZ_CHECK(s.IsNotFound());
  } else {
    FUZZ_CHECK(s.ok() && v == it->second);
  }
}

void ApplyRange(Model* m, const std::string& b, const std::string& e) {
  if (b >= e) return;
  m->erase(m->lower_bound(b), m->lower_bound(e));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mmdb;
  fuzz::FuzzInput in(data, size);
  const uint8_t knobs = in.Byte();
  auto env = std::make_shared<MemEnv>(MemEnv::Clock::kManual);
  std::unique_ptr<DB> db;
  FUZZ_CHECK(DB::Open(FuzzOptions(env, knobs), "/db", &db).ok());
  Model model;
  struct Snap {
    std::shared_ptr<const Snapshot> snap;
    Model model;
  };
  std::vector<Snap> snaps;
  WriteOptions wo;
  wo.sync = true;
  for (int steps = 0; !in.empty() && steps < 200; ++steps) {
    switch (in.Byte() % 15) {
      case 0:
      case 1: {
        const std::string k = Key(&in), v = in.Bytes(40);
        FUZZ_CHECK(db->Put(wo, k, v).ok());
        model[k] = v;
        break;
      }
      case 2: {
        const std::string k = Key(&in);
        FUZZ_CHECK(db->Delete(wo, k).ok());
        model.erase(k);
        break;
      }
      case 3: {
        const std::string b = Key(&in), e = Key(&in);
        FUZZ_CHECK(db->DeleteRange(wo, b, e).ok());
        ApplyRange(&model, b, e);
        break;
      }
      case 4: {
        WriteBatch batch;
        Model next = model;
        for (int n = 1 + in.Byte() % 5; n > 0; --n) {
          const uint8_t kind = in.Byte() % 3;
          const std::string k = Key(&in);
          if (kind == 0) {
            const std::string v = in.Bytes(20);
            batch.Put(k, v);
            next[k] = v;
          } else if (kind == 1) {
            batch.Delete(k);
            next.erase(k);
          } else {
            const std::string e = Key(&in);
            batch.DeleteRange(k, e);
            ApplyRange(&next, k, e);
          }
        }
        FUZZ_CHECK(db->Write(wo, &batch).ok());
        model = std::move(next);
        break;
      }
      case 5:
        CheckGet(db.get(), model, nullptr, Key(&in));
        break;
      case 6:
        CheckScan(db.get(), model, nullptr, in.Byte() & 1);
        break;
      case 7: {
        const std::string k = Key(&in);
        auto it = db->NewIterator(ReadOptions());
        it->Seek(k);
        auto m = model.lower_bound(k);
        FUZZ_CHECK(it->Valid() == (m != model.end()));
        if (it->Valid()) FUZZ_CHECK(it->key() == m->first && it->value() == m->second);
        it->SeekForPrev(k);
        auto p = model.upper_bound(k);
        const bool has_prev = p != model.begin();
        FUZZ_CHECK(it->Valid() == has_prev);
        if (has_prev) FUZZ_CHECK(it->key() == std::prev(p)->first);
        FUZZ_CHECK(it->status().ok());
        break;
      }
      case 8:
        FUZZ_CHECK(db->Flush().ok());
        break;
      case 9:
        FUZZ_CHECK(db->CompactRange(std::nullopt, std::nullopt).ok());
        break;
      case 10:
        if (snaps.size() < 4) snaps.push_back({db->GetSnapshot(), model});
        break;
      case 11:
        if (!snaps.empty()) {
          const Snap& s = snaps[in.Byte() % snaps.size()];
          CheckGet(db.get(), s.model, s.snap.get(), Key(&in));
          CheckScan(db.get(), s.model, s.snap.get(), in.Byte() & 1);
        }
        break;
      case 12:
        if (!snaps.empty()) snaps.erase(snaps.begin() + in.Byte() % snaps.size());
        break;
      case 13:  // clean reopen
        snaps.clear();
        FUZZ_CHECK(db->Close().ok());
        db.reset();
        FUZZ_CHECK(DB::Open(FuzzOptions(env, in.Byte()), "/db", &db).ok());
        CheckScan(db.get(), model, nullptr, false);
        break;
      case 14: {  // power cut: every write was synced
        snaps.clear();
        std::shared_ptr<MemEnv> cut = env->CrashClone();
        db.reset();
        env = cut;
        FUZZ_CHECK(DB::Open(FuzzOptions(env, in.Byte()), "/db", &db).ok());
        CheckScan(db.get(), model, nullptr, false);
        break;
      }
    }
  }
  CheckScan(db.get(), model, nullptr, false);
  snaps.clear();
  FUZZ_CHECK(db->Close().ok());
  return 0;
}
