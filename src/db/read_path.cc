#include "db/read_path.h"

#include <algorithm>
#include <span>

#include "iterator/level_iterator.h"
#include "iterator/merging_iterator.h"

namespace mmdb {

namespace {

void Tick(Statistics* stats, Ticker t, uint64_t n = 1) {
  if (stats != nullptr) stats->RecordTick(t, n);
}

// True when the file's user-key range [smallest, largest] contains user_key.
bool FileContains(const FileMetaData& f, std::string_view user_key) {
  return user_key >= ExtractUserKey(f.smallest) && user_key <= ExtractUserKey(f.largest);
}

// True when the file may hold keys in [lower, upper). A file's range
// tombstones may reach past its largest key, but never before its smallest.
bool FileOverlapsBounds(const FileMetaData& f, const InternalIteratorSpec& spec) {
  if (spec.upper_bound && ExtractUserKey(f.smallest) >= *spec.upper_bound) return false;
  if (spec.lower_bound && !f.has_range_deletions && ExtractUserKey(f.largest) < *spec.lower_bound) {
    return false;
  }
  return true;
}

// The files of a sorted level (L1+) that may hold keys in [lower, upper),
// their range tombstones included: a contiguous run found by binary search.
// It starts at the first file whose effective range may reach `lower` (an
// earlier file's tombstones can reach past later files' keys).
std::span<const std::shared_ptr<FileMetaData>> LevelFilesInBounds(
    const Version& v, int level, const InternalIteratorSpec& spec) {
  const auto& files = v.files(level);
  auto begin = files.begin();
  auto end = files.end();
  if (spec.lower_bound) begin += static_cast<long>(v.FirstFileReaching(level, *spec.lower_bound));
  if (spec.upper_bound) {
    end = std::partition_point(begin, end, [&](const std::shared_ptr<FileMetaData>& f) {
      return ExtractUserKey(f->smallest) < std::string_view(*spec.upper_bound);
    });
  }
  return {begin, end};
}

// True when the file may hold a range tombstone covering user_key.
bool FileMayCover(const FileMetaData& f, std::string_view user_key) {
  return f.has_range_deletions && user_key >= ExtractUserKey(f.smallest) &&
         user_key <= EffectiveLargestUserKey(f);
}

}  // namespace

// The lookup walks the sources newest first (active memtable, immutable
// memtables, L0 files, then one level at a time), keeping `cover`: the
// largest visible sequence of a range tombstone over the key met so far. In
// each source, the source's own tombstones join `cover` first; a point entry
// found there answers unless a tombstone newer than it covers it (sequences
// decide within a source: in a level, a file's tombstones may reach into
// later files holding newer entries). After a source, a nonzero `cover`
// ends the walk with NotFound: every version in an older source is older
// than a tombstone of a newer one (the invariant RangeTombstoneView relies
// on, which the compaction picker keeps), so a covered key costs no
// further I/O.
namespace {

// Counts the files a lookup searched; on the way out, names the first of
// them when there were two or more (LevelDB's rule for "seek" charges).
class SearchedFiles {
 public:
  explicit SearchedFiles(SeekCharge* out) : out_(out) {}
  SearchedFiles(const SearchedFiles&) = delete;
  SearchedFiles& operator=(const SearchedFiles&) = delete;
  ~SearchedFiles() {
    if (out_ != nullptr && count_ >= 2) *out_ = first_;
  }
  void Add(const FileMetaData& f, int level) {
    if (count_++ == 0) first_ = SeekCharge{&f, level};
  }

 private:
  SeekCharge* const out_;
  SeekCharge first_;
  int count_ = 0;
};

}  // namespace

Status PointLookup(const ReadContext& ctx, const SuperVersion& sv, const ReadOptions& options,
                   std::string_view user_key, SequenceNumber read_seq, std::string* value,
                   SeekCharge* charge) {
  const LookupKey lkey(user_key, read_seq);
  SearchedFiles searched(charge);
  SequenceNumber cover = 0;
  auto add_list = [&](const FragmentedRangeTombstones* list) {
    if (list != nullptr) cover = std::max(cover, list->MaxCoveringSeq(user_key, read_seq));
  };

  // Memtables.
  auto from_mem = [&](const std::shared_ptr<MemTable>& mem, Status* s) {
    if (mem->num_range_deletions() > 0) {
      auto lists = ctx.tombstones->ForMemTable(mem);
      if (lists != nullptr) {
        for (const auto& l : *lists) add_list(l.get());
      }
    }
    SequenceNumber found_seq = 0;
    if (mem->Get(lkey, value, s, &found_seq)) {
      if (found_seq < cover) *s = Status::NotFound();
      return true;
    }
    if (cover > 0) {
      *s = Status::NotFound();
      return true;
    }
    return false;
  };
  Status s;
  if (from_mem(sv.mem, &s)) {
    Tick(ctx.stats, kMemtableHit);
    return s;
  }
  for (const auto& m : sv.imm) {
    if (from_mem(m, &s)) {
      Tick(ctx.stats, kMemtableHit);
      return s;
    }
  }
  Tick(ctx.stats, kMemtableMiss);

  // SSTs. A file joins with its tombstones when its effective range (which
  // may reach past its largest key) holds the key, and with a point lookup
  // when `point` (its key range holds the key); the table is opened once for
  // both. True when the file answered (*out set).
  auto visit = [&](const FileMetaData& f, int level, bool point, Status* out) -> bool {
    const bool tombstones = FileMayCover(f, user_key);
    if (!tombstones && !point) return false;
    auto table = ctx.table_cache->Get(f.number, f.file_size);
    if (!table.ok()) {
      *out = std::move(table).status();
      return true;
    }
    const TableReader& reader = **table;
    if (tombstones) add_list(ctx.tombstones->ForTable(f.number, reader).get());
    if (!point) return false;
    TableGetResult r;
    Status gs = reader.Get(lkey.internal_key(), options.fill_cache, &r);
    if (ctx.stats != nullptr && reader.has_bloom_filter()) {
      Tick(ctx.stats, kBloomChecked);
      if (r.filtered_by_bloom) Tick(ctx.stats, kBloomUseful);
    }
    if (!r.filtered_by_bloom) searched.Add(f, level);
    if (!gs.ok()) {
      *out = gs;
      return true;
    }
    if (r.kind == TableGetResult::Kind::kAbsent) return false;
    if (r.kind == TableGetResult::Kind::kDeletion || r.sequence < cover) {
      *out = Status::NotFound();
    } else {
      value->assign(r.value);
      *out = Status::OK();
    }
    return true;
  };
  const Version& v = *sv.version;
  for (const auto& f : v.files(0)) {
    if (visit(*f, 0, FileContains(*f, user_key), &s)) return s;
    if (cover > 0) return Status::NotFound();
  }
  for (int level = 1; level < v.num_levels(); ++level) {
    const auto& files = v.files(level);
    if (files.empty()) continue;
    const size_t i = v.FindFile(level, lkey.internal_key());
    // Files before i end below the key, but their tombstones may reach
    // past their largest keys, across later files, up to the key.
    for (size_t j = v.FirstFileReaching(level, user_key); j < i; ++j) {
      if (visit(*files[j], level, /*point=*/false, &s)) return s;
    }
    if (i < files.size() &&
        visit(*files[i], level, user_key >= ExtractUserKey(files[i]->smallest), &s)) {
      return s;
    }
    if (cover > 0) return Status::NotFound();
  }
  return Status::NotFound();
}

namespace {

// The smallest key greater than every key starting with `prefix`, or nullopt
// when there is none (the prefix is empty or all 0xff bytes).
std::optional<std::string> PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && static_cast<uint8_t>(s.back()) == 0xff) s.pop_back();
  if (s.empty()) return std::nullopt;
  s.back() = static_cast<char>(static_cast<uint8_t>(s.back()) + 1);
  return s;
}

}  // namespace

InternalIteratorSpec IteratorSpecFor(const ReadOptions& options,
                                     std::optional<std::string_view> prefix, size_t prefix_length) {
  InternalIteratorSpec spec;
  spec.lower_bound = options.iterate_lower_bound;
  spec.upper_bound = options.iterate_upper_bound;
  spec.fill_cache = options.fill_cache;
  spec.verify_checksums = options.verify_checksums;
  if (prefix) {
    if (!spec.lower_bound || *spec.lower_bound < *prefix) spec.lower_bound = std::string(*prefix);
    std::optional<std::string> succ = PrefixSuccessor(*prefix);
    if (succ && (!spec.upper_bound || *succ < *spec.upper_bound)) spec.upper_bound = succ;
    if (prefix_length > 0 && prefix->size() >= prefix_length) {
      spec.prefix = std::string(prefix->substr(0, prefix_length));
    }
  }
  return spec;
}

MergedIterator NewMergedIterator(const ReadContext& ctx, const SuperVersion& sv,
                                 const InternalIteratorSpec& spec, RangeTombstoneView* tombstones) {
  // Sources in newest-first order; each source's tombstones carry its child
  // index. A file skipped by its prefix bloom still contributes tombstones,
  // tagged with the index the next source gets (sharing an index only makes
  // the re-seek optimisation more conservative).
  std::vector<std::unique_ptr<InternalIterator>> children;
  auto add_mem = [&](const std::shared_ptr<MemTable>& mem) {
    auto lists = ctx.tombstones->ForMemTable(mem);
    if (lists != nullptr) {
      for (const auto& list : *lists) tombstones->Add(list, children.size());
    }
  };
  add_mem(sv.mem);
  children.push_back(sv.mem->NewIterator());
  for (const auto& m : sv.imm) {
    add_mem(m);
    children.push_back(m->NewIterator());
  }

  auto prefix_excludes = [&](const TableReader& t) {
    if (!spec.prefix.has_value()) return false;
    Tick(ctx.stats, kPrefixBloomChecked);
    return !t.PrefixMayMatch(*spec.prefix);
  };
  const Version& v = *sv.version;
  for (int level = 0; level < v.num_levels(); ++level) {
    if (level == 0) {
      for (const auto& f : v.files(0)) {
        if (!FileOverlapsBounds(*f, spec)) continue;
        auto table = ctx.table_cache->Get(f->number, f->file_size);
        if (!table.ok()) {
          children.push_back(NewEmptyInternalIterator(std::move(table).status()));
          continue;
        }
        if (f->has_range_deletions) {
          tombstones->Add(ctx.tombstones->ForTable(f->number, **table), children.size());
        }
        if (prefix_excludes(**table)) {
          Tick(ctx.stats, kPrefixBloomUseful);
          continue;
        }
        std::shared_ptr<TableReader> reader = std::move(table).value();
        auto it = reader->NewIterator(spec.fill_cache, spec.verify_checksums);
        children.push_back(NewOwningIterator(std::move(reader), std::move(it)));
      }
      continue;
    }
    // One source per deeper level: the tombstones of every file met.
    const std::span<const std::shared_ptr<FileMetaData>> files = LevelFilesInBounds(v, level, spec);
    if (files.empty()) continue;
    const size_t source = children.size();
    bool failed = false;
    for (const auto& f : files) {
      if (!f->has_range_deletions) continue;
      auto table = ctx.table_cache->Get(f->number, f->file_size);
      if (!table.ok()) {
        children.push_back(NewEmptyInternalIterator(std::move(table).status()));
        failed = true;
        break;
      }
      tombstones->Add(ctx.tombstones->ForTable(f->number, **table), source);
    }
    if (failed) continue;
    LevelIteratorOptions lo;
    lo.fill_cache = spec.fill_cache;
    lo.verify_checksums = spec.verify_checksums;
    if (spec.prefix) {
      TableCache* cache = ctx.table_cache;
      Statistics* stats = ctx.stats;
      std::string prefix = *spec.prefix;
      lo.file_filter = [cache, stats, prefix](const FileMetaData& f) {
        auto table = cache->Get(f.number, f.file_size);
        if (!table.ok()) return true;  // let the open error surface when read
        if (stats != nullptr) stats->RecordTick(kPrefixBloomChecked);
        const bool keep = (*table)->PrefixMayMatch(prefix);
        if (!keep && stats != nullptr) stats->RecordTick(kPrefixBloomUseful);
        return keep;
      };
    }
    children.push_back(NewLevelIterator(ctx.table_cache, files, std::move(lo)));
  }
  MergedIterator out;
  if (children.size() == 1) {
    out.iter = std::move(children[0]);
  } else {
    auto merged = NewSourceMergingIterator(std::move(children));
    out.merger = merged.get();
    out.iter = std::move(merged);
  }
  return out;
}

std::shared_ptr<const void> PinIteratorState(std::shared_ptr<const SuperVersion> sv,
                                             std::shared_ptr<const ReadResources> resources) {
  struct Pins {
    std::shared_ptr<const ReadResources> resources;  // destroyed last
    std::shared_ptr<const SuperVersion> sv;
  };
  return std::make_shared<const Pins>(Pins{std::move(resources), std::move(sv)});
}

}  // namespace mmdb
