// CompactionJob: streaming merge of real input SSTs (in a MemEnv) into output
// SSTs, checked by reading the outputs back: every live snapshot and the
// latest state read the same as from the inputs; outputs sorted, disjoint by
// user key (tombstone begins included), within the size bound, no user key
// split; tombstones clipped and still effective; bottommost garbage dropped;
// subcompactions give the same content; rate limiting; faults leave no files.
#include "compaction/compaction_job.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/statistics.h>

#include "env/mem_env.h"
#include "manifest/filename.h"
#include "sst/table_builder.h"
#include "types/internal_key.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

// One entry of the model: a value, a deletion, or a range tombstone
// [key, value) (value = end).
struct Op {
  std::string key;
  SequenceNumber seq = 0;
  ValueType type = ValueType::kValue;
  std::string value;
};

Op Put(std::string k, SequenceNumber s, std::string v) {
  return {std::move(k), s, ValueType::kValue, std::move(v)};
}
Op Del(std::string k, SequenceNumber s) { return {std::move(k), s, ValueType::kDeletion, ""}; }
Op DelRange(std::string b, std::string e, SequenceNumber s) {
  return {std::move(b), s, ValueType::kRangeDeletion, std::move(e)};
}

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%05d", i);
  return buf;
}

// What a read at `read_seq` sees in `ops`: the newest version at or below
// read_seq of each key, unless it is a deletion or a visible tombstone newer
// than it covers it.
std::map<std::string, std::string> VisibleAt(const std::vector<Op>& ops, SequenceNumber read_seq) {
  std::map<std::string, const Op*> newest;
  std::vector<const Op*> tombstones;
  for (const Op& op : ops) {
    if (op.seq > read_seq) continue;
    if (op.type == ValueType::kRangeDeletion) {
      tombstones.push_back(&op);
      continue;
    }
    const Op*& n = newest[op.key];
    if (n == nullptr || n->seq < op.seq) n = &op;
  }
  std::map<std::string, std::string> view;
  for (const auto& [k, op] : newest) {
    if (op->type == ValueType::kDeletion) continue;
    bool covered = false;
    for (const Op* t : tombstones) {
      if (t->seq > op->seq && t->key <= k && k < t->value) covered = true;
    }
    if (!covered) view[k] = op->value;
  }
  return view;
}

// One output file read back.
struct FileContents {
  std::vector<Op> points;      // in file order
  std::vector<Op> tombstones;  // range deletions
};

class CompactionJobTest : public ::testing::Test {
 protected:
  CompactionJobTest() : table_cache_(&env_, kDb, TableReaderOptions(), -1) {
    options_.block_size = 256;
    options_.compression = CompressionType::kNone;
    options_.bloom_bits_per_key = 10;
  }

  // Writes one input SST holding `ops` (any order) and returns its metadata.
  std::shared_ptr<FileMetaData> MakeFile(std::vector<Op> ops) {
    std::vector<std::pair<std::string, std::string>> entries;
    for (const Op& op : ops)
      entries.emplace_back(MakeInternalKey(op.key, op.seq, op.type), op.value);
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return CompareInternalKey(a.first, b.first) < 0;
    });
    const uint64_t number = next_file_++;
    std::unique_ptr<WritableFile> file;
    EXPECT_OK(env_.NewWritableFile(TableFileName(kDb, number), &file));
    TableBuilderOptions to;
    to.block_size = 256;
    TableBuilder builder(to, file.get());
    for (const auto& [k, v] : entries) EXPECT_OK(builder.Add(k, v));
    Result<TableBuildResult> r = builder.Finish();
    EXPECT_OK(r.status());
    EXPECT_OK(file->Close());
    auto meta = std::make_shared<FileMetaData>();
    meta->number = number;
    meta->file_size = r->file_size;
    meta->smallest = r->smallest_key;
    meta->largest = r->largest_key;
    meta->has_range_deletions = r->has_range_deletions;
    meta->num_entries = r->num_entries;
    input_files_.insert(number);
    model_.insert(model_.end(), ops.begin(), ops.end());
    return meta;
  }

  // Splits `ops` by user key into non-overlapping files at `bounds` (range
  // tombstones clipped to each file's range), as a sorted level holds them.
  Compaction::FileList MakeLevel(const std::vector<Op>& ops,
                                 const std::vector<std::string>& bounds) {
    Compaction::FileList files;
    for (size_t i = 0; i <= bounds.size(); ++i) {
      const std::string lo = i == 0 ? "" : bounds[i - 1];
      const std::string hi = i == bounds.size() ? "\xff\xff" : bounds[i];
      std::vector<Op> part;
      for (const Op& op : ops) {
        if (op.type != ValueType::kRangeDeletion) {
          if (op.key >= lo && op.key < hi) part.push_back(op);
          continue;
        }
        Op t = op;
        t.key = std::max(t.key, lo);
        t.value = std::min(t.value, hi);
        if (t.key < t.value) part.push_back(t);
      }
      if (!part.empty()) files.push_back(MakeFile(std::move(part)));
    }
    return files;
  }

  // Random ops with sequences next_seq_.. over keys [lo, hi).
  std::vector<Op> RandomOps(Random* rnd, int n, int lo, int hi) {
    std::vector<Op> ops;
    for (int i = 0; i < n; ++i) {
      const SequenceNumber seq = next_seq_++;
      const int k = lo + static_cast<int>(rnd->Uniform(static_cast<uint64_t>(hi - lo)));
      const uint64_t what = rnd->Uniform(100);
      if (what < 75) {
        ops.push_back(
            Put(Key(k), seq, "v" + std::to_string(seq) + std::string(rnd->Uniform(40), 'x')));
      } else if (what < 95) {
        ops.push_back(Del(Key(k), seq));
      } else {
        const int len = 1 + static_cast<int>(rnd->Uniform(static_cast<uint64_t>(hi - lo) / 10 + 1));
        ops.push_back(DelRange(Key(k), Key(std::min(k + len, hi)), seq));
        if (ops.back().key >= ops.back().value) ops.pop_back();
      }
    }
    return ops;
  }

  CompactionJobOptions JobOptions(std::vector<SequenceNumber> snapshots = {}) {
    CompactionJobOptions o;
    o.env = &env_;
    o.dbname = kDb;
    o.options = &options_;
    o.table_cache = &table_cache_;
    o.snapshots = std::move(snapshots);
    o.new_file_number = [this] { return next_file_.fetch_add(1); };
    return o;
  }

  FileContents ReadFile(const FileMetaData& f) {
    FileContents c;
    Result<std::shared_ptr<TableReader>> r = table_cache_.Get(f.number, f.file_size);
    EXPECT_OK(r.status());
    if (!r.ok()) return c;
    std::unique_ptr<InternalIterator> it = (*r)->NewIterator(false, true);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ParsedInternalKey p;
      EXPECT_TRUE(ParseInternalKey(it->key(), &p));
      c.points.push_back({std::string(p.user_key), p.sequence, p.type, std::string(it->value())});
    }
    EXPECT_OK(it->status());
    for (const RangeTombstone& t : (*r)->range_tombstones()) {
      c.tombstones.push_back(DelRange(t.begin, t.end, t.sequence));
    }
    return c;
  }

  // Reads every output, checks the structural properties and returns all
  // entries as one model.
  std::vector<Op> CheckOutputs(const CompactionJobResult& result, const Compaction& c) {
    std::vector<Op> all;
    std::string prev_largest;
    uint64_t bytes = 0;
    for (size_t i = 0; i < result.outputs.size(); ++i) {
      const FileMetaData& f = result.outputs[i];
      SCOPED_TRACE("output " + std::to_string(i) + " #" + std::to_string(f.number));
      FileContents fc = ReadFile(f);
      EXPECT_FALSE(fc.points.empty() && fc.tombstones.empty());
      const std::string_view small = ExtractUserKey(f.smallest);
      const std::string_view large = ExtractUserKey(f.largest);
      // Disjoint by user key, in order; nothing below the compaction's range.
      if (i > 0) {
        EXPECT_LT(prev_largest, small);
      }
      EXPECT_GE(small, c.smallest_user_key());
      prev_largest = std::string(large);
      // The metadata matches the contents (tombstone begins included).
      for (const Op& p : fc.points) {
        EXPECT_GE(p.key, small);
        EXPECT_LE(p.key, large);
      }
      for (const Op& t : fc.tombstones) {
        EXPECT_GE(t.key, small);
        EXPECT_LE(t.key, large);
        EXPECT_LT(t.key, t.value);
      }
      EXPECT_EQ(f.has_range_deletions, !fc.tombstones.empty());
      EXPECT_EQ(f.num_entries, fc.points.size() + fc.tombstones.size());
      uint64_t size = 0;
      EXPECT_OK(env_.GetFileSize(TableFileName(kDb, f.number), &size));
      EXPECT_EQ(size, f.file_size);
      bytes += size;
      all.insert(all.end(), fc.points.begin(), fc.points.end());
      all.insert(all.end(), fc.tombstones.begin(), fc.tombstones.end());
    }
    EXPECT_EQ(bytes, result.bytes_written);
    // Exactly the inputs and the outputs are on disk.
    std::vector<std::string> children;
    EXPECT_OK(env_.GetChildren(kDb, &children));
    std::set<uint64_t> expected = input_files_;
    for (const FileMetaData& f : result.outputs) expected.insert(f.number);
    std::set<uint64_t> found;
    for (const std::string& name : children) {
      uint64_t n = 0;
      FileType type;
      if (ParseFileName(name, &n, &type) && type == FileType::kTable) found.insert(n);
    }
    EXPECT_EQ(found, expected);
    return all;
  }

  // Every live snapshot and the latest state read the same from `out` as
  // from the inputs.
  void CheckSameReads(const std::vector<Op>& out, const std::vector<SequenceNumber>& snapshots) {
    std::vector<SequenceNumber> reads = snapshots;
    reads.push_back(kMaxSequenceNumber);
    for (SequenceNumber s : reads) {
      SCOPED_TRACE("read at " + std::to_string(s));
      EXPECT_EQ(VisibleAt(out, s), VisibleAt(model_, s));
    }
  }

  // Above the bottom every tombstone is kept, so within each output's span
  // [its smallest key, the next output's smallest key) the output's own
  // tombstones cover exactly what the inputs' tombstones cover: each file is
  // correct on its own.
  void CheckTombstoneSpans(const CompactionJobResult& result,
                           const std::vector<SequenceNumber>& snapshots, int max_key) {
    auto max_covering = [](const std::vector<Op>& ops, const std::string& k, SequenceNumber s) {
      SequenceNumber best = 0;
      for (const Op& t : ops) {
        if (t.type == ValueType::kRangeDeletion && t.seq <= s && t.key <= k && k < t.value) {
          best = std::max(best, t.seq);
        }
      }
      return best;
    };
    std::vector<SequenceNumber> reads = snapshots;
    reads.push_back(kMaxSequenceNumber);
    for (size_t i = 0; i < result.outputs.size(); ++i) {
      const std::string lo(ExtractUserKey(result.outputs[i].smallest));
      const std::string hi = i + 1 < result.outputs.size()
                                 ? std::string(ExtractUserKey(result.outputs[i + 1].smallest))
                                 : "\xff";
      const std::vector<Op> own = ReadFile(result.outputs[i]).tombstones;
      for (int k = 0; k < max_key; ++k) {
        const std::string key = Key(k);
        if (key < lo || key >= hi) continue;
        for (SequenceNumber s : reads) {
          ASSERT_EQ(max_covering(own, key, s), max_covering(model_, key, s))
              << "output " << i << " key " << key << " read at " << s;
        }
      }
    }
  }

  std::set<uint64_t> input_files_;
  std::vector<Op> model_;  // every input entry

  static constexpr const char* kDb = "/db";
  MemEnv env_;
  TableCache table_cache_;
  Options options_;
  std::atomic<uint64_t> next_file_{10};
  SequenceNumber next_seq_ = 1;
};

TEST_F(CompactionJobTest, MergesL0IntoL1KeepingDeletionsAboveTheBottom) {
  Compaction::FileList l1 = MakeLevel(
      {Put("a", 1, "a1"), Put("c", 2, "c2"), Put("e", 3, "e3"), Put("g", 4, "g4")}, {"d"});
  Compaction::FileList l0 = {MakeFile({Put("a", 10, "a10"), Del("c", 11), Put("f", 12, "f12")}),
                             MakeFile({Put("a", 20, "a20"), Put("b", 21, "b21")})};
  Compaction c(0, 1, l0, l1, {}, /*bottommost=*/false, 1 << 20, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions()).Run(&result));
  ASSERT_EQ(result.outputs.size(), 1u);
  std::vector<Op> out = CheckOutputs(result, c);
  CheckSameReads(out, {});
  // Newest version of each key only; the deletion of c stays (not bottommost).
  FileContents fc = ReadFile(result.outputs[0]);
  std::vector<std::string> keys;
  for (const Op& p : fc.points) keys.push_back(p.key + "@" + std::to_string(p.seq));
  EXPECT_EQ(keys, (std::vector<std::string>{"a@20", "b@21", "c@11", "e@3", "f@12", "g@4"}));
  EXPECT_EQ(result.iter_stats.input_entries, 9u);
  EXPECT_EQ(result.bytes_read, c.TotalInputBytes());
  EXPECT_GT(result.bytes_written, 0u);
}

TEST_F(CompactionJobTest, BottommostDropsDeletionsCoveredDataAndTombstones) {
  Compaction::FileList l1 = MakeLevel({Put("a", 1, "a1"), Put("c", 2, "c2"), Put("m", 3, "m3"),
                                       Put("p", 4, "p4"), Put("z", 5, "z5")},
                                      {"n"});
  Compaction::FileList l0 = {MakeFile({Del("a", 10), DelRange("b", "q", 11), Put("d", 12, "d12")})};
  Compaction c(0, 1, l0, l1, {}, /*bottommost=*/true, 1 << 20, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions()).Run(&result));
  std::vector<Op> out = CheckOutputs(result, c);
  CheckSameReads(out, {});
  std::vector<std::string> keys;
  for (const Op& op : out) {
    EXPECT_EQ(op.type, ValueType::kValue);
    keys.push_back(op.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"d", "z"}));
}

TEST_F(CompactionJobTest, BottommostKeepsWhatSnapshotsNeed) {
  Compaction::FileList l1 = MakeLevel({Put("a", 1, "a1"), Put("c", 2, "c2")}, {});
  Compaction::FileList l0 = {MakeFile({Del("a", 10), DelRange("b", "d", 11)})};
  Compaction c(0, 1, l0, l1, {}, /*bottommost=*/true, 1 << 20, "test");
  // Snapshot 5 still sees a1 and c2: the deletion and the tombstone stay.
  const std::vector<SequenceNumber> snaps = {5};
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions(snaps)).Run(&result));
  std::vector<Op> out = CheckOutputs(result, c);
  CheckSameReads(out, snaps);
  int tombstones = 0;
  for (const Op& op : out) tombstones += op.type == ValueType::kRangeDeletion;
  EXPECT_EQ(tombstones, 1);
  EXPECT_EQ(out.size(), 4u);
}

TEST_F(CompactionJobTest, TombstonesOnlyMakeOneOutput) {
  Compaction::FileList l0 = {MakeFile({DelRange("b", "f", 7)}), MakeFile({DelRange("d", "k", 9)})};
  Compaction c(0, 1, l0, {}, {}, /*bottommost=*/false, 1 << 20, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions()).Run(&result));
  ASSERT_EQ(result.outputs.size(), 1u);
  FileContents fc = ReadFile(result.outputs[0]);
  EXPECT_TRUE(fc.points.empty());
  ASSERT_EQ(fc.tombstones.size(), 2u);
  EXPECT_EQ(ExtractUserKey(result.outputs[0].smallest), "b");
  CheckOutputs(result, c);

  // At the bottom with no snapshot nothing at all is left.
  Compaction bottom(0, 1, l0, {}, {}, /*bottommost=*/true, 1 << 20, "test");
  CompactionJobResult empty;
  ASSERT_OK(CompactionJob(bottom, JobOptions()).Run(&empty));
  EXPECT_TRUE(empty.outputs.empty());
}

TEST_F(CompactionJobTest, CutsAtSizeAndClipsTombstonesAcrossOutputs) {
  // 400 keys of ~100 bytes, a tombstone over most of them protected by a
  // snapshot (so everything stays), 2 KiB outputs.
  std::vector<Op> old;
  for (int i = 0; i < 400; ++i) old.push_back(Put(Key(i), next_seq_++, std::string(90, 'o')));
  Compaction::FileList l1 = MakeLevel(old, {Key(200)});
  const SequenceNumber snap = next_seq_ - 1;
  std::vector<Op> fresh = {DelRange(Key(0), Key(1), next_seq_++)};  // before the first point
  fresh.push_back(DelRange(Key(50), Key(390), next_seq_++));
  for (int i = 100; i < 110; ++i) fresh.push_back(Put(Key(i), next_seq_++, "new"));
  Compaction::FileList l0 = {MakeFile(fresh)};
  const uint64_t max_size = 2048;
  Compaction c(0, 1, l0, l1, {}, /*bottommost=*/false, max_size, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions({snap})).Run(&result));
  ASSERT_GT(result.outputs.size(), 10u);
  std::vector<Op> out = CheckOutputs(result, c);
  CheckSameReads(out, {snap});
  CheckTombstoneSpans(result, {snap}, 400);
  for (const FileMetaData& f : result.outputs) {
    // Size bound: the cut is checked before each new key, so a file exceeds
    // the target by at most one block plus its metadata blocks.
    EXPECT_LE(f.file_size, max_size + options_.block_size + 1024) << f.number;
  }
  // Every output whose keys lie in [key50, key390) carries a piece of the big
  // tombstone beginning at or before its first key: a read of the output
  // alone still sees the deletion.
  for (const FileMetaData& f : result.outputs) {
    const std::string small(ExtractUserKey(f.smallest));
    if (small < Key(51) || small >= Key(390)) continue;
    FileContents fc = ReadFile(f);
    bool covered = false;
    for (const Op& t : fc.tombstones) {
      const std::string large(ExtractUserKey(f.largest));
      if (t.key == small && (t.value > large || t.value == Key(390))) covered = true;
    }
    EXPECT_TRUE(covered) << "output #" << f.number << " starting at " << small;
  }
  // The first output starts at the tombstone before the first point.
  EXPECT_EQ(ExtractUserKey(result.outputs.front().smallest), Key(0));
}

TEST_F(CompactionJobTest, NeverSplitsOneUserKey) {
  // 300 versions of one key, each kept by a snapshot, between small keys.
  std::vector<Op> ops = {Put("a", next_seq_++, "a")};
  std::vector<SequenceNumber> snaps;
  for (int i = 0; i < 300; ++i) {
    ops.push_back(Put("k", next_seq_, std::string(50, 'k')));
    snaps.push_back(next_seq_++);
  }
  ops.push_back(Put("z", next_seq_++, "z"));
  Compaction::FileList l0 = {MakeFile(ops)};
  Compaction c(0, 1, l0, {}, {}, /*bottommost=*/false, 1024, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions(snaps)).Run(&result));
  std::vector<Op> out = CheckOutputs(result, c);
  CheckSameReads(out, snaps);
  int files_with_k = 0;
  for (const FileMetaData& f : result.outputs) {
    FileContents fc = ReadFile(f);
    bool has_k = false;
    for (const Op& p : fc.points) has_k |= p.key == "k";
    files_with_k += has_k;
  }
  EXPECT_EQ(files_with_k, 1);
  EXPECT_EQ(out.size(), 302u);
}

TEST_F(CompactionJobTest, CutsBeforeTooMuchGrandparentOverlap) {
  std::vector<Op> ops;
  for (int i = 0; i < 1000; ++i) ops.push_back(Put(Key(i), next_seq_++, "v"));
  Compaction::FileList l1 = MakeLevel(ops, {Key(500)});
  // 100 grandparents of 1 MiB each, 10 keys apiece (metadata only: never read).
  const uint64_t max_size = 1 << 20;
  Compaction::FileList gps;
  for (int i = 0; i < 100; ++i) {
    auto f = std::make_shared<FileMetaData>();
    f->number = 5000 + static_cast<uint64_t>(i);
    f->file_size = max_size;
    f->smallest = MakeInternalKey(Key(i * 10), 1, ValueType::kValue);
    f->largest = MakeInternalKey(Key(i * 10 + 9), 1, ValueType::kValue);
    gps.push_back(f);
  }
  std::reverse(gps.begin(), gps.end());  // the job sorts them
  Compaction c(1, 2, l1, {}, gps, /*bottommost=*/false, max_size, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions()).Run(&result));
  CheckSameReads(CheckOutputs(result, c), {});
  // Each output overlaps at most 10 grandparents (10 × max_size bytes).
  EXPECT_GE(result.outputs.size(), 10u);
  for (const FileMetaData& f : result.outputs) {
    int overlapping = 0;
    for (const auto& g : gps) {
      if (ExtractUserKey(g->smallest) <= ExtractUserKey(f.largest) &&
          ExtractUserKey(g->largest) >= ExtractUserKey(f.smallest)) {
        ++overlapping;
      }
    }
    EXPECT_LE(overlapping, 10) << f.number;
  }
}

// Random L0 -> L1 and L1 -> L2 compactions with several snapshots, both at
// and above the bottom, with 1 and 4 subcompactions: the outputs read like
// the inputs, and the slices give the same content as one pass.
class CompactionJobRandomTest : public CompactionJobTest,
                                public ::testing::WithParamInterface<std::tuple<int, bool>> {};

TEST_P(CompactionJobRandomTest, ReadsLikeTheInputs) {
  const auto [level, bottommost] = GetParam();
  const uint64_t seed = test::Seed();
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round));
    Random rnd(seed + static_cast<uint64_t>(round) * 7919);
    model_.clear();
    input_files_.clear();
    next_seq_ = 1;
    // Older data in the output level, newer in the input level.
    std::vector<Op> lower = RandomOps(&rnd, 1500, 0, 600);
    std::vector<std::string> lower_bounds;
    for (int b = 60; b < 600; b += 60) lower_bounds.push_back(Key(b));
    Compaction::FileList inputs1 = MakeLevel(lower, lower_bounds);
    Compaction::FileList inputs0;
    if (level == 0) {
      for (int f = 0; f < 4; ++f) {
        const int lo = static_cast<int>(rnd.Uniform(300));
        inputs0.push_back(MakeFile(RandomOps(&rnd, 300, lo, lo + 300)));
      }
    } else {
      inputs0 = MakeLevel(RandomOps(&rnd, 1200, 50, 550), {Key(150), Key(250), Key(400)});
    }
    std::vector<SequenceNumber> snaps;
    for (int i = 0; i < 4; ++i) snaps.push_back(1 + rnd.Uniform(next_seq_ - 1));
    std::sort(snaps.begin(), snaps.end());
    snaps.erase(std::unique(snaps.begin(), snaps.end()), snaps.end());
    if (round == 2) snaps.clear();

    std::vector<std::map<std::string, std::string>> reads[2];
    for (int sub : {1, 4}) {
      SCOPED_TRACE("max_subcompactions " + std::to_string(sub));
      options_.max_subcompactions = sub;
      Compaction c(level, level + 1, inputs0, inputs1, {}, bottommost, 2048, "test");
      CompactionJobResult result;
      ASSERT_OK(CompactionJob(c, JobOptions(snaps)).Run(&result));
      std::vector<Op> out = CheckOutputs(result, c);
      CheckSameReads(out, snaps);
      if (!bottommost) CheckTombstoneSpans(result, snaps, 600);
      if (bottommost && snaps.empty()) {
        std::set<std::string> seen;
        for (const Op& op : out) {
          EXPECT_EQ(op.type, ValueType::kValue) << op.key;
          EXPECT_TRUE(seen.insert(op.key).second) << op.key;
        }
      }
      for (SequenceNumber s : snaps) reads[sub == 4].push_back(VisibleAt(out, s));
      reads[sub == 4].push_back(VisibleAt(out, kMaxSequenceNumber));
      // Remove this run's outputs so that the next run sees only the inputs.
      for (const FileMetaData& f : result.outputs) {
        ASSERT_OK(env_.RemoveFile(TableFileName(kDb, f.number)));
        table_cache_.Evict(f.number);
      }
    }
    EXPECT_EQ(reads[0], reads[1]);
    for (uint64_t n : input_files_) ASSERT_OK(env_.RemoveFile(TableFileName(kDb, n)));
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, CompactionJobRandomTest,
                         ::testing::Combine(::testing::Values(0, 1), ::testing::Bool()));

TEST_F(CompactionJobTest, SubcompactionsSplitTheRangeAcrossThreads) {
  std::vector<Op> ops;
  for (int i = 0; i < 800; ++i) ops.push_back(Put(Key(i), next_seq_++, std::string(30, 'v')));
  ops.push_back(DelRange(Key(100), Key(700), next_seq_++));  // crosses every slice
  const SequenceNumber snap = next_seq_ - 2;
  Compaction::FileList l2 = MakeLevel(ops, {Key(200), Key(400), Key(600)});
  std::vector<Op> fresh;
  for (int i = 0; i < 800; i += 7) fresh.push_back(Put(Key(i), next_seq_++, "new"));
  Compaction::FileList l1 = MakeLevel(fresh, {Key(300), Key(500)});
  options_.max_subcompactions = 4;
  Compaction c(1, 2, l1, l2, {}, /*bottommost=*/false, 1 << 20, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions({snap})).Run(&result));
  // 4 slices, each with its own output (1 MiB target: one file per slice).
  EXPECT_EQ(result.outputs.size(), 4u);
  std::vector<Op> out = CheckOutputs(result, c);
  CheckSameReads(out, {snap});
  CheckTombstoneSpans(result, {snap}, 800);
  // The tombstone is clipped to each slice it crosses.
  int pieces = 0;
  for (const Op& op : out) pieces += op.type == ValueType::kRangeDeletion;
  // Input pieces [100,200) [200,400) [400,600) [600,700) cut by the slices
  // at key200, key400, key500: [100,200) [200,400) [400,500) [500,600) [600,700).
  EXPECT_EQ(pieces, 5);
}

TEST_F(CompactionJobTest, RateLimitedOutputsAreCorrectAndCharged) {
  MemEnv clock(MemEnv::Clock::kManual);
  RateLimiter limiter(1 << 20, &clock);
  std::vector<Op> ops;
  for (int i = 0; i < 500; ++i) ops.push_back(Put(Key(i), next_seq_++, std::string(100, 'r')));
  Compaction::FileList l0 = {MakeFile(ops)};
  Compaction c(0, 1, l0, {}, {}, /*bottommost=*/true, 16 << 10, "test");
  CompactionJobOptions jo = JobOptions();
  jo.rate_limiter = &limiter;
  auto stats = CreateDBStatistics();
  jo.stats = stats.get();
  const uint64_t t0 = clock.NowMicros();
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, std::move(jo)).Run(&result));
  CheckSameReads(CheckOutputs(result, c), {});
  EXPECT_GT(result.outputs.size(), 1u);
  EXPECT_EQ(limiter.total_bytes_granted(), result.bytes_written);
  // The manual clock advanced by the time the bytes cost at 1 MiB/s.
  const uint64_t elapsed = clock.NowMicros() - t0;
  EXPECT_GE(elapsed * (1 << 20) / 1'000'000, result.bytes_written - (1 << 20) / 100);
  EXPECT_EQ(stats->GetTickerCount(kCompactions), 1u);
  EXPECT_EQ(stats->GetTickerCount(kCompactionBytesRead), result.bytes_read);
  EXPECT_EQ(stats->GetTickerCount(kCompactionBytesWritten), result.bytes_written);
  EXPECT_EQ(stats->GetHistogramData(kCompactionMicros).count, 1u);
}

TEST_F(CompactionJobTest, WriteOrSyncFailureRemovesEveryOutput) {
  std::vector<Op> ops;
  for (int i = 0; i < 600; ++i) ops.push_back(Put(Key(i), next_seq_++, std::string(60, 'f')));
  ops.push_back(DelRange(Key(10), Key(20), next_seq_++));
  Compaction::FileList l2 = MakeLevel(ops, {Key(150), Key(300), Key(450)});
  std::vector<Op> fresh;
  for (int i = 0; i < 600; i += 3) fresh.push_back(Put(Key(i), next_seq_++, "n"));
  Compaction::FileList l1 = MakeLevel(fresh, {Key(200), Key(400)});
  struct Case {
    MemEnv::Op op;
    int nth;
    int subcompactions;
  };
  for (const Case& k : {Case{MemEnv::Op::kWrite, 1, 1}, Case{MemEnv::Op::kWrite, 7, 1},
                        Case{MemEnv::Op::kWrite, 40, 1}, Case{MemEnv::Op::kSync, 1, 1},
                        Case{MemEnv::Op::kSync, 3, 1}, Case{MemEnv::Op::kWrite, 9, 4},
                        Case{MemEnv::Op::kSync, 2, 4}}) {
    SCOPED_TRACE("op " + std::to_string(static_cast<int>(k.op)) + " nth " + std::to_string(k.nth) +
                 " slices " + std::to_string(k.subcompactions));
    options_.max_subcompactions = k.subcompactions;
    Compaction c(1, 2, l1, l2, {}, /*bottommost=*/false, 2048, "test");
    env_.FailNth(k.op, k.nth, Status::IOError("injected"));
    CompactionJobResult result;
    Status s = CompactionJob(c, JobOptions()).Run(&result);
    EXPECT_TRUE(env_.injected());
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_TRUE(result.outputs.empty());
    env_.ClearFaults();
    // Nothing but the inputs is left behind.
    CheckOutputs(result, c);
  }
  // Without faults the same compaction succeeds.
  options_.max_subcompactions = 1;
  Compaction c(1, 2, l1, l2, {}, /*bottommost=*/false, 2048, "test");
  CompactionJobResult result;
  ASSERT_OK(CompactionJob(c, JobOptions()).Run(&result));
  CheckSameReads(CheckOutputs(result, c), {});
}

TEST_F(CompactionJobTest, ReadErrorIsReturned) {
  std::vector<Op> ops;
  for (int i = 0; i < 300; ++i) ops.push_back(Put(Key(i), next_seq_++, std::string(60, 'f')));
  Compaction::FileList l1 = MakeLevel(ops, {Key(100), Key(200)});
  Compaction c(1, 2, l1, {}, {}, /*bottommost=*/false, 1024, "test");
  // Open the readers first (their metadata reads are not what this tests).
  for (const auto& f : l1) ASSERT_OK(table_cache_.Get(f->number, f->file_size).status());
  env_.FailNth(MemEnv::Op::kRead, 5, Status::IOError("injected read"));
  CompactionJobResult result;
  Status s = CompactionJob(c, JobOptions()).Run(&result);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  env_.ClearFaults();
  CheckOutputs(result, c);
}

}  // namespace
}  // namespace mmdb
