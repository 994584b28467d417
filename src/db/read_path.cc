#include "db/read_path.h"

#include <algorithm>

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

// True when the file may hold a range tombstone covering user_key.
bool FileMayCover(const FileMetaData& f, std::string_view user_key) {
  return f.has_range_deletions && user_key >= ExtractUserKey(f.smallest) &&
         user_key <= EffectiveLargestUserKey(f);
}

// Range tombstones of every source that can cover user_key, as the largest
// covering sequence visible at read_seq. Only files whose effective key range
// holds the key are asked: every L0 file, and per deeper level the file found
// by binary search and its left neighbour (whose tombstones may reach past
// its largest key; effective ranges within a level do not overlap).
Result<SequenceNumber> MaxCoveringTombstone(const ReadContext& ctx, const SuperVersion& sv,
                                            std::string_view user_key, SequenceNumber read_seq,
                                            std::string_view internal_key) {
  SequenceNumber best = 0;
  auto consider = [&](const std::shared_ptr<const FragmentedRangeTombstones>& list) {
    if (list != nullptr) best = std::max(best, list->MaxCoveringSeq(user_key, read_seq));
  };
  auto consider_mem = [&](const std::shared_ptr<MemTable>& mem) {
    auto lists = ctx.tombstones->ForMemTable(mem);
    if (lists != nullptr) {
      for (const auto& list : *lists) consider(list);
    }
  };
  consider_mem(sv.mem);
  for (const auto& m : sv.imm) consider_mem(m);
  auto consider_file = [&](const FileMetaData& f) -> Status {
    if (!FileMayCover(f, user_key)) return Status::OK();
    auto table = ctx.table_cache->Get(f.number, f.file_size);
    if (!table.ok()) return std::move(table).status();
    consider(ctx.tombstones->ForTable(f.number, **table));
    return Status::OK();
  };
  const Version& v = *sv.version;
  for (const auto& f : v.files(0)) MMDB_RETURN_IF_ERROR(consider_file(*f));
  for (int level = 1; level < v.num_levels(); ++level) {
    const auto& files = v.files(level);
    if (files.empty()) continue;
    const size_t i = v.FindFile(level, internal_key);
    if (i < files.size()) MMDB_RETURN_IF_ERROR(consider_file(*files[i]));
    if (i > 0) MMDB_RETURN_IF_ERROR(consider_file(*files[i - 1]));
  }
  return best;
}

}  // namespace

Status PointLookup(const ReadContext& ctx, const SuperVersion& sv, const ReadOptions& options,
                   std::string_view user_key, SequenceNumber read_seq, std::string* value) {
  const LookupKey lkey(user_key, read_seq);
  MMDB_ASSIGN_OR_RETURN(const SequenceNumber tombstone_seq,
                        MaxCoveringTombstone(ctx, sv, user_key, read_seq, lkey.internal_key()));

  // Memtables.
  auto from_mem = [&](const MemTable& mem, Status* s) {
    SequenceNumber found_seq = 0;
    if (!mem.Get(lkey, value, s, &found_seq)) return false;
    if (found_seq < tombstone_seq) *s = Status::NotFound();
    return true;
  };
  Status s;
  if (from_mem(*sv.mem, &s)) {
    Tick(ctx.stats, kMemtableHit);
    return s;
  }
  for (const auto& m : sv.imm) {
    if (from_mem(*m, &s)) {
      Tick(ctx.stats, kMemtableHit);
      return s;
    }
  }
  Tick(ctx.stats, kMemtableMiss);

  // SSTs: every L0 file that may contain the key (newest first), then at most
  // one file per level below.
  auto from_table = [&](const FileMetaData& f, Status* out) -> bool {
    auto table = ctx.table_cache->Get(f.number, f.file_size);
    if (!table.ok()) {
      *out = std::move(table).status();
      return true;
    }
    TableGetResult r;
    Status gs = (*table)->Get(lkey.internal_key(), options.fill_cache, &r);
    if (ctx.stats != nullptr && (*table)->has_bloom_filter()) {
      Tick(ctx.stats, kBloomChecked);
      if (r.filtered_by_bloom) Tick(ctx.stats, kBloomUseful);
    }
    if (!gs.ok()) {
      *out = gs;
      return true;
    }
    if (r.kind == TableGetResult::Kind::kAbsent) return false;
    if (r.kind == TableGetResult::Kind::kDeletion || r.sequence < tombstone_seq) {
      *out = Status::NotFound();
    } else {
      value->assign(r.value);
      *out = Status::OK();
    }
    return true;
  };
  const Version& v = *sv.version;
  for (const auto& f : v.files(0)) {
    if (FileContains(*f, user_key) && from_table(*f, &s)) return s;
  }
  for (int level = 1; level < v.num_levels(); ++level) {
    const auto& files = v.files(level);
    const size_t i = v.FindFile(level, lkey.internal_key());
    if (i < files.size() && user_key >= ExtractUserKey(files[i]->smallest) &&
        from_table(*files[i], &s)) {
      return s;
    }
  }
  return Status::NotFound();
}

std::unique_ptr<SourceMergingIterator> NewMergedIterator(const ReadContext& ctx,
                                                         const SuperVersion& sv,
                                                         const InternalIteratorSpec& spec,
                                                         RangeTombstoneView* tombstones) {
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
    std::vector<std::shared_ptr<FileMetaData>> files;
    for (const auto& f : v.files(level)) {
      if (FileOverlapsBounds(*f, spec)) files.push_back(f);
    }
    if (files.empty()) continue;
    if (level == 0) {
      for (const auto& f : files) {
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
    children.push_back(NewLevelIterator(ctx.table_cache, std::move(files), std::move(lo)));
  }
  return NewSourceMergingIterator(std::move(children));
}

}  // namespace mmdb
