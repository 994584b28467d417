// "Deletes must not make reads slow": reads before and after many range
// deletes, and a queue (insert at the tail, delete at the head, seek to the
// head). Every read is checked against what must be there.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "bench/keys.h"
#include "bench/workload_util.h"

namespace mmdb_bench {
namespace {

// Key numbers [0, key_count) with, in each of `ranges` equal strides, the
// first half deleted.
class DeletedRanges {
 public:
  DeletedRanges(uint64_t key_count, uint64_t ranges)
      : key_count_(key_count),
        ranges_(std::clamp<uint64_t>(ranges, 1, std::max<uint64_t>(1, key_count / 2))),
        stride_(std::max<uint64_t>(2, key_count / ranges_)),
        length_(stride_ / 2) {}
  uint64_t ranges() const { return ranges_; }
  uint64_t begin(uint64_t j) const { return j * stride_; }
  uint64_t end(uint64_t j) const { return j * stride_ + length_; }
  bool active = false;
  bool Deleted(uint64_t n) const {
    return active && n / stride_ < ranges_ && n % stride_ < length_;
  }
  // The first key number >= n that is present; key_count when none.
  uint64_t NextPresent(uint64_t n) const {
    while (n < key_count_ && Deleted(n)) n = (n / stride_) * stride_ + length_;
    return std::min(n, key_count_);
  }

 private:
  uint64_t key_count_;
  uint64_t ranges_;
  uint64_t stride_;
  uint64_t length_;
};

// `reads` point reads or Seeks (+ the key found) of uniform keys, checked
// against `deleted`.
bool CheckedReads(std::string_view label, bool seek, const BenchConfig& c, uint64_t reads,
                  Engine* e, uint64_t key_count, const DeletedRanges& deleted, WorkloadResult* r,
                  std::string* error) {
  auto reader = [&](int t, ThreadStats* st) {
    KeyFormatter keys(c.key_size);
    KeyFormatter expected_keys(c.key_size);
    BenchRandom rnd(SeedFor(c, label, t));  // same sequence before and after
    std::unique_ptr<EngineIterator> it;
    std::string value;
    auto last = Clock::now();
    for (uint64_t i = 0; i < reads; ++i) {
      uint64_t n = rnd.Uniform(key_count);
      std::string_view key = keys.Key(n);
      if (seek) {
        it = e->NewIterator();  // a fresh view each time, as a reader would
        it->Seek(key);
        uint64_t want = deleted.NextPresent(n);
        bool ok =
            want >= key_count ? !it->Valid() : it->Valid() && it->key() == expected_keys.Key(want);
        if (!ok) {
          st->error =
              "Seek(" + std::string(key) + ") gave " +
              (it->Valid() ? std::string(it->key()) : std::string("end")) + ", expected " +
              (want >= key_count ? std::string("end") : std::string(expected_keys.Key(want)));
          return;
        }
        if (it->Valid()) {
          ++st->found;
          st->bytes += it->key().size() + it->value().size();
        }
      } else {
        EngineStatus s = e->Get(key, &value);
        if (s.ok() == deleted.Deleted(n) || (!s.ok() && !s.IsNotFound())) {
          st->error = "Get(" + std::string(key) + ") gave " +
                      (s.ok()           ? std::string("a value")
                       : s.IsNotFound() ? "NotFound"
                                        : s.message) +
                      (deleted.Deleted(n) ? " for a deleted key" : " for a present key");
          return;
        }
        if (s.ok()) {
          ++st->found;
          st->bytes += key.size() + value.size();
        }
      }
      auto now = Clock::now();
      st->latency.Add(NanosBetween(last, now));
      last = now;
    }
    st->ops = reads;
  };
  r->has_latency = true;
  return RunReaders(c.threads, reader, r, error);
}

// Reads before and after DeleteRanges over half the keys; the result is the
// "after" phase, with the before/after ratio as a metric.
bool ReadsAroundDeleteRanges(std::string_view w, bool seek, const BenchConfig& c, EngineRun* run,
                             WorkloadResult* r, std::string* error) {
  if (!run->keys_intact) run->content = EngineRun::Content::kNone;  // the checks need every key
  if (!EnsureKeys(c, run, r, error)) return false;
  BeginMeasure();
  std::string note = std::move(r->note);
  Engine* e = run->engine();
  const uint64_t key_count = run->key_count;
  DeletedRanges deleted(key_count,
                        c.range_deletes > 0 ? c.range_deletes : std::max<uint64_t>(1, c.num / 200));
  const uint64_t reads = std::max<uint64_t>(1, c.reads / 4);
  // An untimed warm-up (other keys), so "before" is not measured cold.
  WorkloadResult warmup;
  if (!CheckedReads(std::string(w) + "-warmup", seek, c, std::max<uint64_t>(1, reads / 4), e,
                    key_count, deleted, &warmup, error)) {
    return false;
  }
  WorkloadResult before;
  if (!CheckedReads(w, seek, c, reads, e, key_count, deleted, &before, error)) return false;

  bool emulated = false;
  KeyFormatter begin_key(c.key_size);
  KeyFormatter end_key(c.key_size);
  auto start = Clock::now();
  for (uint64_t j = 0; j < deleted.ranges(); ++j) {
    EngineStatus s =
        e->DeleteRange(begin_key.Key(deleted.begin(j)), end_key.Key(deleted.end(j)), &emulated);
    if (!s.ok()) return Fail(error, "delete range", s);
  }
  double delete_seconds = SecondsBetween(start, Clock::now());
  deleted.active = true;
  run->content = EngineRun::Content::kOther;  // half the keys are gone

  if (!CheckedReads(w, seek, c, reads, e, key_count, deleted, r, error)) return false;
  const double ratio = before.OpsPerSec() > 0 ? r->OpsPerSec() / before.OpsPerSec() : 0;
  r->SetMetric("before_ops_per_sec", before.OpsPerSec());
  r->SetMetric("after_vs_before", ratio);
  r->SetMetric("deleterange_ops_per_sec",
               delete_seconds > 0 ? static_cast<double>(deleted.ranges()) / delete_seconds : 0);
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "%s after %llu DeleteRanges over half the keys%s: %.2fx of the %.0f ops/s "
                "before; checked",
                seek ? "new iterator + Seek" : "Get",
                static_cast<unsigned long long>(deleted.ranges()),
                emulated ? " (EMULATED: point deletes)" : "", ratio, before.OpsPerSec());
  r->note = note.empty() ? buf : note + "; " + buf;
  return true;
}

// A queue: queue_length entries, then per op Put at the tail, Delete at the
// head and Seek from the queue's start, which must land on the new head.
bool SeekQueue(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  if (!run->Reset(error)) return false;
  run->content = EngineRun::Content::kOther;
  Engine* e = run->engine();
  const std::string prefix = "queue/";
  KeyFormatter tail_key(16);
  KeyFormatter head_key(16);
  auto key = [&](KeyFormatter& f, uint64_t n) { return prefix + std::string(f.Key(n)); };
  ValuePool values(c.value_size, c.compression_ratio, c.seed);
  for (uint64_t n = 0; n < c.queue_length; ++n) {
    EngineStatus s = e->Put(key(tail_key, n), values.Value(n), false);
    if (!s.ok()) return Fail(error, "put", s);
  }
  BeginMeasure();
  const uint64_t ops = c.queue_ops > 0 ? c.queue_ops : std::max<uint64_t>(10, c.num / 20);
  const uint64_t decile = std::max<uint64_t>(1, ops / 10);
  Progress progress(c, ProgressLabel(*run, "seek_queue"), ops);
  uint64_t head = 0;
  uint64_t tail = c.queue_length;
  double first_decile = 0;
  double last_decile = 0;
  auto start = Clock::now();
  auto last = start;
  auto decile_start = start;
  for (uint64_t i = 0; i < ops; ++i) {
    EngineStatus s = e->Put(key(tail_key, tail), values.Value(tail), false);
    if (!s.ok()) return Fail(error, "put", s);
    ++tail;
    s = e->Delete(key(head_key, head), false);
    if (!s.ok()) return Fail(error, "delete", s);
    ++head;
    std::unique_ptr<EngineIterator> it = e->NewIterator();
    it->Seek(prefix);
    std::string want = key(head_key, head);
    if (!it->Valid() || it->key() != want) {
      *error = "seek_queue: Seek(\"" + prefix + "\") gave " +
               (it->Valid() ? std::string(it->key()) : std::string("end")) + ", expected " + want +
               " (op " + std::to_string(i) + ")";
      return false;
    }
    r->bytes += it->key().size() + it->value().size();
    auto now = Clock::now();
    r->latency.Add(NanosBetween(last, now));
    last = now;
    if ((i + 1) % decile == 0) {
      double rate = static_cast<double>(decile) / SecondsBetween(decile_start, now);
      if (i + 1 == decile) first_decile = rate;
      last_decile = rate;
      decile_start = now;
    }
    progress.Update(i);
  }
  r->seconds = SecondsBetween(start, last);
  r->ops = ops;
  r->found = ops;
  r->has_latency = true;
  const double ratio = first_decile > 0 ? last_decile / first_decile : 0;
  r->SetMetric("before_ops_per_sec", first_decile);
  r->SetMetric("after_vs_before", ratio);
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "op = Put tail + Delete head + new iterator Seek to head (%llu long); last "
                "tenth %.2fx the speed of the first; checked",
                static_cast<unsigned long long>(c.queue_length), ratio);
  r->note = buf;
  return true;
}

}  // namespace

bool RunDeleteWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                       std::string* error) {
  if (w == "seek_after_deleterange") return ReadsAroundDeleteRanges(w, true, c, run, r, error);
  if (w == "get_after_deleterange") return ReadsAroundDeleteRanges(w, false, c, run, r, error);
  if (w == "seek_queue") return SeekQueue(c, run, r, error);
  *error = "unknown workload '" + std::string(w) + "'";
  return false;
}

}  // namespace mmdb_bench
