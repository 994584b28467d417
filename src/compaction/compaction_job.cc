// CompactionJob: input iterators, subcompaction slices and their threads, and
// the error path. The output side lives in compaction_output.cc.
#include "compaction/compaction_job.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "compaction/compaction_output.h"
#include "iterator/level_iterator.h"
#include "iterator/merging_iterator.h"
#include "types/internal_key.h"
#include "util/invariant.h"

namespace mmdb {

namespace {

// An output file is cut before it overlaps more than this many output files'
// worth of grandparent bytes, so that compacting it later stays bounded.
constexpr uint64_t kMaxGrandparentOverlapFactor = 10;

// Hides the entries of `child` whose user key is >= `upper`: a slice's
// CompactionIterator never sees (nor filters, nor lazily deletes) keys of the
// next slice.
class UpperBoundIterator final : public InternalIterator {
 public:
  UpperBoundIterator(std::unique_ptr<InternalIterator> child, std::string upper)
      : child_(std::move(child)), upper_(std::move(upper)) {}

  bool Valid() const override {
    return child_->Valid() && CompareUserKey(ExtractUserKey(child_->key()), upper_) < 0;
  }
  void SeekToFirst() override { child_->SeekToFirst(); }
  void SeekToLast() override {
    child_->SeekForPrev(MakeInternalKey(upper_, kMaxSequenceNumber, kValueTypeForSeek));
    while (child_->Valid() && CompareUserKey(ExtractUserKey(child_->key()), upper_) >= 0) {
      child_->Prev();
    }
  }
  void Seek(std::string_view target) override { child_->Seek(target); }
  void SeekForPrev(std::string_view target) override {
    if (CompareUserKey(ExtractUserKey(target), upper_) >= 0) {
      SeekToLast();
    } else {
      child_->SeekForPrev(target);
    }
  }
  void Next() override { child_->Next(); }
  void Prev() override { child_->Prev(); }
  std::string_view key() const override { return child_->key(); }
  std::string_view value() const override { return child_->value(); }
  Status status() const override { return child_->status(); }

 private:
  const std::unique_ptr<InternalIterator> child_;
  const std::string upper_;
};

void AddStats(const CompactionIteratorStats& from, CompactionIteratorStats* to) {
  to->input_entries += from.input_entries;
  to->dropped_shadowed += from.dropped_shadowed;
  to->dropped_covered += from.dropped_covered;
  to->dropped_deletions += from.dropped_deletions;
  to->filter_removed += from.filter_removed;
  to->filter_changed += from.filter_changed;
  to->lazy_deleted += from.lazy_deleted;
}

}  // namespace

// One key range [lower, upper) of the compaction, merged by one thread.
struct CompactionJob::Slice {
  std::optional<std::string> lower;  // inclusive; nullopt = from the start
  std::optional<std::string> upper;  // exclusive; nullopt = to the end
  Status status;
  bool cancelled = false;  // stopped because another slice failed
  std::unique_ptr<CompactionOutputs> outputs;
  CompactionIteratorStats iter_stats;
};

CompactionJob::CompactionJob(const Compaction& compaction, CompactionJobOptions options)
    : compaction_(compaction), options_(std::move(options)) {}

CompactionJob::~CompactionJob() = default;

std::vector<std::string> CompactionJob::SliceBoundaries() const {
  const int max_slices = options_.options->max_subcompactions;
  if (max_slices <= 1) return {};
  // Candidates: input files' smallest user keys inside the range. Cutting a
  // slice there leaves every file mostly in one slice.
  std::vector<std::string> candidates;
  for (int which = 0; which < 2; ++which) {
    for (const auto& f : compaction_.inputs(which)) {
      const std::string_view k = ExtractUserKey(f->smallest);
      if (CompareUserKey(k, compaction_.smallest_user_key()) > 0) candidates.emplace_back(k);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const size_t m = candidates.size();
  const size_t k = std::min<size_t>(static_cast<size_t>(max_slices), m + 1);
  std::vector<std::string> bounds;
  // k slices need k - 1 of the m candidates, evenly spread (distinct since
  // (m + 1) / k >= 1).
  for (size_t i = 1; i < k; ++i) bounds.push_back(candidates[i * (m + 1) / k - 1]);
  return bounds;
}

Status CompactionJob::NewInputIterator(std::unique_ptr<InternalIterator>* result) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  LevelIteratorOptions level_options;
  level_options.fill_cache = false;  // a compaction reads each block once
  level_options.verify_checksums = true;
  if (compaction_.level() == 0) {
    for (const auto& f : compaction_.inputs(0)) {
      MMDB_ASSIGN_OR_RETURN(std::shared_ptr<TableReader> reader,
                            options_.table_cache->Get(f->number, f->file_size));
      children.push_back(reader->NewIterator(/*fill_cache=*/false, /*verify_checksums=*/true));
    }
  } else if (!compaction_.inputs(0).empty()) {
    children.push_back(
        NewLevelIterator(options_.table_cache, compaction_.inputs(0), level_options));
  }
  if (!compaction_.inputs(1).empty()) {
    children.push_back(
        NewLevelIterator(options_.table_cache, compaction_.inputs(1), level_options));
  }
  *result = NewMergingIterator(std::move(children));
  return Status::OK();
}

Status CompactionJob::RunSlice(Slice* slice) {
  const Options& opts = *options_.options;
  CompactionOutputOptions out;
  out.env = options_.env;
  out.dbname = options_.dbname;
  out.table_options.block_size = opts.block_size;
  out.table_options.block_restart_interval = opts.block_restart_interval;
  out.table_options.bloom_bits_per_key = opts.bloom_bits_per_key;
  out.table_options.prefix_length = opts.prefix_length;
  out.table_options.compression = opts.CompressionForLevel(compaction_.output_level());
  out.new_file_number = &options_.new_file_number;
  out.rate_limiter = options_.rate_limiter;
  out.max_output_file_size = compaction_.max_output_file_size();
  out.grandparents = &sorted_grandparents_;
  out.max_grandparent_overlap_bytes =
      kMaxGrandparentOverlapFactor * compaction_.max_output_file_size();
  out.keep_tombstones_whole = opts.rust_tombstone_layout;

  // The kept tombstones, clipped to the slice (the first slice starts at the
  // compaction's smallest key: no output may begin below it). Kept whole,
  // a tombstone goes to the slice holding its begin key instead.
  const std::string_view floor =
      slice->lower.has_value() ? std::string_view(*slice->lower) : compaction_.smallest_user_key();
  std::vector<RangeTombstone> tombstones;
  for (const RangeTombstone& t : kept_tombstones_) {
    if (opts.rust_tombstone_layout) {
      const bool in_slice = (!slice->lower.has_value() || t.begin >= *slice->lower) &&
                            (!slice->upper.has_value() || t.begin < *slice->upper);
      if (in_slice) tombstones.push_back(t);
      continue;
    }
    RangeTombstone c;
    c.begin = std::string(std::max<std::string_view>(t.begin, floor));
    c.end = slice->upper.has_value() ? std::string(std::min<std::string_view>(t.end, *slice->upper))
                                     : t.end;
    c.sequence = t.sequence;
    if (CompareUserKey(c.begin, c.end) < 0) tombstones.push_back(std::move(c));
  }
  slice->outputs = std::make_unique<CompactionOutputs>(std::move(out), std::move(tombstones));

  std::unique_ptr<InternalIterator> input;
  MMDB_RETURN_IF_ERROR(NewInputIterator(&input));
  if (slice->upper.has_value()) {
    input = std::make_unique<UpperBoundIterator>(std::move(input), *slice->upper);
  }
  CompactionIteratorOptions iter_options;
  iter_options.snapshots = options_.snapshots;
  iter_options.bottommost = compaction_.bottommost();
  iter_options.level = compaction_.level();
  iter_options.filter = opts.compaction_filter.get();
  iter_options.lazy_deletes = options_.lazy_deletes;
  iter_options.tombstones = all_tombstones_;
  CompactionIterator iter(std::move(input), std::move(iter_options));
  if (slice->lower.has_value()) {
    iter.Seek(*slice->lower);
  } else {
    iter.SeekToFirst();
  }
  uint64_t n = 0;
  for (; iter.Valid(); iter.Next()) {
    // Relaxed: a hint to stop early; the thread joins order everything else.
    if ((++n & 1023) == 0 && cancelled_.load(std::memory_order_relaxed)) {
      slice->cancelled = true;
      return Status::Aborted("compaction slice stopped: another slice failed");
    }
    MMDB_RETURN_IF_ERROR(slice->outputs->Add(iter.key(), iter.value()));
  }
  slice->iter_stats = iter.stats();
  MMDB_RETURN_IF_ERROR(iter.status());
  return slice->outputs->Finish();
}

Status CompactionJob::Run(CompactionJobResult* result) {
  *result = CompactionJobResult();
  Env* const env = options_.env;
  const uint64_t start_micros = env->NowMicros();

  // Every input's range tombstones: all of them decide which points the
  // iterator drops; the ones still needed are written to the outputs.
  uint64_t bytes_read = 0;
  SequenceNumber oldest_snapshot = kMaxSequenceNumber;
  for (SequenceNumber s : options_.snapshots) oldest_snapshot = std::min(oldest_snapshot, s);
  for (int which = 0; which < 2; ++which) {
    for (const auto& f : compaction_.inputs(which)) {
      bytes_read += f->file_size;
      MMDB_ASSIGN_OR_RETURN(std::shared_ptr<TableReader> reader,
                            options_.table_cache->Get(f->number, f->file_size));
      const std::vector<RangeTombstone>& list = reader->range_tombstones();
      if (list.empty()) continue;
      all_tombstones_.Add(std::make_shared<const FragmentedRangeTombstones>(list));
      for (const RangeTombstone& t : list) {
        // At the bottom, a tombstone no snapshot needs has done its work: the
        // iterator dropped what it covered, and nothing older lies below.
        const bool droppable = compaction_.bottommost() &&
                               (options_.snapshots.empty() || t.sequence <= oldest_snapshot);
        if (!droppable) kept_tombstones_.push_back(t);
      }
    }
  }
  sorted_grandparents_ = compaction_.grandparents();
  std::sort(sorted_grandparents_.begin(), sorted_grandparents_.end(),
            [](const std::shared_ptr<FileMetaData>& a, const std::shared_ptr<FileMetaData>& b) {
              return CompareInternalKey(a->smallest, b->smallest) < 0;
            });

  const std::vector<std::string> bounds = SliceBoundaries();
  std::vector<Slice> slices(bounds.size() + 1);
  for (size_t i = 0; i < slices.size(); ++i) {
    if (i > 0) slices[i].lower = bounds[i - 1];
    if (i < bounds.size()) slices[i].upper = bounds[i];
  }
  auto run = [this](Slice* slice) {
    slice->status = RunSlice(slice);
    if (!slice->status.ok()) cancelled_.store(true, std::memory_order_relaxed);
  };
  std::vector<std::thread> threads;
  threads.reserve(slices.size() - 1);
  for (size_t i = 1; i < slices.size(); ++i) threads.emplace_back(run, &slices[i]);
  run(&slices[0]);
  for (std::thread& t : threads) t.join();

  // The first real failure, in key order (a slice stopped because of another
  // one's failure only reports Aborted).
  Status failure;
  for (const Slice& slice : slices) {
    if (!slice.status.ok() && !slice.cancelled) {
      failure = slice.status;
      break;
    }
  }
  if (failure.ok()) {
    for (const Slice& slice : slices) {
      if (!slice.status.ok()) {
        failure = slice.status;
        break;
      }
    }
  }
  if (!failure.ok()) {
    for (Slice& slice : slices) {
      if (slice.outputs != nullptr) slice.outputs->RemoveAll();
    }
    return failure;
  }

  for (Slice& slice : slices) {
    for (const FileMetaData& f : slice.outputs->outputs()) {
      MMDB_INVARIANT(result->outputs.empty() ||
                     CompareUserKey(ExtractUserKey(result->outputs.back().largest),
                                    ExtractUserKey(f.smallest)) < 0);
      result->outputs.push_back(f);
    }
    result->bytes_written += slice.outputs->bytes_written();
    AddStats(slice.iter_stats, &result->iter_stats);
  }
  result->bytes_read = bytes_read;
  const uint64_t end_micros = env->NowMicros();
  result->micros = end_micros > start_micros ? end_micros - start_micros : 0;
  if (options_.stats != nullptr) {
    options_.stats->RecordTick(kCompactions);
    options_.stats->RecordTick(kCompactionBytesRead, result->bytes_read);
    options_.stats->RecordTick(kCompactionBytesWritten, result->bytes_written);
    options_.stats->MeasureTime(kCompactionMicros, result->micros);
  }
  return Status::OK();
}

}  // namespace mmdb
