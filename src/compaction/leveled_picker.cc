// LeveledPicker: scores, the L0 pick, round-robin L1+ picks, manual range
// picks and deletion-triggered picks (docs/compaction.md, "## Picking").
#include "compaction/leveled_picker.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <utility>

#include "types/internal_key.h"

namespace mmdb {

namespace {

// A file is "dense with deletions" when at least half of its entries are
// deletion markers and it has enough entries for the ratio to mean much.
constexpr uint64_t kMinEntriesForDeletionRatio = 100;

bool AnyBeingCompacted(const Compaction::FileList& files) {
  return std::any_of(files.begin(), files.end(), [](const auto& f) { return f->being_compacted; });
}

// The user-key range [smallest, largest] of some files (largest counts how
// far their range tombstones reach), and whether any of them holds range
// tombstones whose reach is unknown (then anything from smallest on counts).
struct KeyRange {
  std::string smallest;
  std::string largest;
  bool has_range_deletions = false;
};

KeyRange RangeOf(const Compaction::FileList& a, const Compaction::FileList& b) {
  KeyRange r;
  bool first = true;
  for (const auto* list : {&a, &b}) {
    for (const auto& f : *list) {
      const std::string_view small = ExtractUserKey(f->smallest);
      const std::string_view large = EffectiveLargestUserKey(*f);
      if (first || CompareUserKey(small, r.smallest) < 0) r.smallest.assign(small);
      if (first || CompareUserKey(large, r.largest) > 0) r.largest.assign(large);
      r.has_range_deletions |= f->has_range_deletions && f->range_del_end.empty();
      first = false;
    }
  }
  return r;
}

// The end of `r` for an overlap query: its largest key, or unbounded when
// some file's tombstones reach an unknown distance.
std::optional<std::string_view> EndOf(const KeyRange& r) {
  if (r.has_range_deletions) return std::nullopt;
  return std::string_view(r.largest);
}

// `files` (of `level`) widened over every file of the level whose effective
// range meets theirs, transitively.
Compaction::FileList WidenOverReach(const Version& v, int level, Compaction::FileList files) {
  for (;;) {
    const KeyRange r = RangeOf(files, {});
    Compaction::FileList wider = v.OverlappingFiles(level, r.smallest, EndOf(r));
    if (wider.size() == files.size()) return files;
    files = std::move(wider);
  }
}

std::string FormatReason(const char* what, int level, double score) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s L%d score %.2f", what, level, score);
  return buf;
}

}  // namespace

LeveledPicker::LeveledPicker(const Options& options)
    : num_levels_(std::max(options.num_levels, 1)),
      l0_compaction_trigger_(std::max(options.l0_compaction_trigger, 1)),
      target_file_size_base_(options.target_file_size_base),
      max_bytes_for_level_base_(options.max_bytes_for_level_base),
      max_bytes_for_level_multiplier_(options.max_bytes_for_level_multiplier),
      next_key_after_(static_cast<size_t>(num_levels_)) {}

uint64_t LeveledPicker::MaxBytesForLevel(int level) const {
  double bytes = static_cast<double>(max_bytes_for_level_base_);
  for (int l = 2; l <= level; ++l) bytes *= max_bytes_for_level_multiplier_;
  constexpr double kMax = static_cast<double>(std::numeric_limits<uint64_t>::max());
  if (!(bytes < kMax)) return std::numeric_limits<uint64_t>::max();
  return std::max<uint64_t>(static_cast<uint64_t>(bytes), 1);
}

std::vector<double> LeveledPicker::Scores(const Version& v) const {
  const int n = std::min(num_levels_, v.num_levels());
  std::vector<double> scores(static_cast<size_t>(v.num_levels()), 0.0);
  for (int level = 0; level < n - 1; ++level) {  // the last level stays 0
    if (level == 0) {
      size_t files = 0;
      for (const auto& f : v.files(0)) files += f->being_compacted ? 0 : 1;
      scores[0] = static_cast<double>(files) / l0_compaction_trigger_;
    } else {
      uint64_t bytes = 0;
      for (const auto& f : v.files(level)) bytes += f->being_compacted ? 0 : f->file_size;
      scores[level] = static_cast<double>(bytes) / static_cast<double>(MaxBytesForLevel(level));
    }
  }
  return scores;
}

std::unique_ptr<Compaction> LeveledPicker::Pick(const Version& v) {
  const std::vector<double> scores = Scores(v);
  std::vector<int> order;
  for (int level = 0; level < static_cast<int>(scores.size()); ++level) {
    if (scores[level] >= 1) order.push_back(level);
  }
  // Highest score first; ties go to the upper level (it feeds the others).
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  for (int level : order) {
    auto c = level == 0 ? PickL0(v, FormatReason("size", 0, scores[0]))
                        : PickRoundRobin(v, level, scores[level]);
    if (c != nullptr) {
      allow_in_place_ = true;
      return c;
    }
  }
  if (auto c = PickReadTriggered(v); c != nullptr) return c;
  return PickDeletionTriggered(v);
}

void LeveledPicker::AddReadCompaction(int level, uint64_t number) {
  if (level < 0 || level >= num_levels_ - 1) return;  // nowhere further down to go
  if (read_requests_.size() >= kMaxReadRequests) return;
  read_requests_.push_back(ReadRequest{level, number});
}

std::unique_ptr<Compaction> LeveledPicker::PickReadTriggered(const Version& v) {
  for (auto it = read_requests_.begin(); it != read_requests_.end();) {
    const ReadRequest r = *it;
    const FileList* files = r.level < v.num_levels() ? &v.files(r.level) : nullptr;
    std::shared_ptr<FileMetaData> file;
    if (files != nullptr) {
      for (const auto& f : *files) {
        if (f->number == r.number) file = f;
      }
    }
    if (file == nullptr) {  // compacted or moved since: the request is moot
      it = read_requests_.erase(it);
      continue;
    }
    const std::string reason =
        "read-triggered L" + std::to_string(r.level) + " #" + std::to_string(r.number);
    std::unique_ptr<Compaction> c;
    if (r.level == 0) {
      // As for size: every L0 file (they overlap) and what they cover in L1.
      c = PickL0(v, reason);
    } else if (!file->being_compacted) {
      FileList inputs, below;
      if (ExpandInputs(v, r.level, r.level + 1, {file}, &inputs, &below)) {
        c = Make(v, r.level, r.level + 1, std::move(inputs), std::move(below), reason);
      }
    }
    if (c == nullptr) {  // an input is busy: try the next request, keep this one
      ++it;
      continue;
    }
    read_requests_.erase(it);
    c->MarkReadTriggered();
    return c;
  }
  return nullptr;
}

std::unique_ptr<Compaction> LeveledPicker::PickL0(const Version& v, std::string reason) {
  const FileList& l0 = v.files(0);
  // One L0 compaction at a time: L0 files overlap each other, so a second
  // one could move newer versions of a key below older ones.
  if (l0.empty()) return nullptr;
  FileList inputs, l1;
  if (!ExpandInputs(v, 0, 1, l0, &inputs, &l1)) return nullptr;
  return Make(v, 0, 1, std::move(inputs), std::move(l1), std::move(reason));
}

std::unique_ptr<Compaction> LeveledPicker::PickRoundRobin(const Version& v, int level,
                                                          double score) {
  const FileList& files = v.files(level);
  const size_t n = files.size();
  if (n == 0) return nullptr;
  size_t start = 0;
  if (const auto& after = next_key_after_[level]; after.has_value()) {
    auto it = std::partition_point(files.begin(), files.end(), [&](const auto& f) {
      return CompareUserKey(ExtractUserKey(f->smallest), *after) <= 0;
    });
    start = static_cast<size_t>(it - files.begin());
    if (start == n) start = 0;  // wrap around to the start of the key space
  }
  for (size_t k = 0; k < n; ++k) {
    const auto& f = files[(start + k) % n];
    if (f->being_compacted) continue;
    FileList inputs, below;
    if (!ExpandInputs(v, level, level + 1, {f}, &inputs, &below)) continue;
    next_key_after_[level] = RangeOf(inputs, {}).largest;
    return Make(v, level, level + 1, std::move(inputs), std::move(below),
                FormatReason("size", level, score));
  }
  return nullptr;
}

bool LeveledPicker::HasOverlapBelow(const Version& v, int level, const FileMetaData& file) const {
  const std::string_view small = ExtractUserKey(file.smallest);
  std::optional<std::string_view> large;
  if (!file.has_range_deletions || !file.range_del_end.empty()) {
    large = EffectiveLargestUserKey(file);
  }
  for (int l = level + 1; l < v.num_levels(); ++l) {
    if (!v.OverlappingFiles(l, small, large).empty()) return true;
  }
  return false;
}

std::unique_ptr<Compaction> LeveledPicker::PickDeletionTriggered(const Version& v) {
  const int last = v.num_levels() - 1;
  for (int level = 1; level <= last; ++level) {
    const bool in_place = level == last;
    if (in_place && !allow_in_place_) continue;
    for (const auto& f : v.files(level)) {
      if (f->being_compacted) continue;
      const bool dense =
          f->num_entries >= kMinEntriesForDeletionRatio && f->num_deletions * 2 >= f->num_entries;
      const bool covers_below = f->has_range_deletions && HasOverlapBelow(v, level, *f);
      if (!dense && !covers_below) continue;
      const int output_level = in_place ? level : level + 1;
      FileList inputs, below;
      if (!ExpandInputs(v, level, output_level, {f}, &inputs, &below)) continue;
      if (in_place) allow_in_place_ = false;
      return Make(v, level, output_level, std::move(inputs), std::move(below),
                  "deletion-triggered");
    }
  }
  return nullptr;
}

std::unique_ptr<Compaction> LeveledPicker::PickRange(const Version& v, int level,
                                                     std::optional<std::string_view> begin,
                                                     std::optional<std::string_view> end,
                                                     int bottom_level) {
  if (bottom_level < 0) bottom_level = v.num_levels() - 1;
  FileList seed = v.OverlappingFiles(level, begin, end);
  if (seed.empty()) return nullptr;
  const int output_level = level >= bottom_level ? level : level + 1;
  FileList inputs, below;
  if (!ExpandInputs(v, level, output_level, std::move(seed), &inputs, &below)) return nullptr;
  return Make(v, level, output_level, std::move(inputs), std::move(below), "manual");
}

// Why widen. L0 files overlap one another: a left-out older L0 file could
// keep a version older than one moved down. At L1+, a left-out file whose
// range tombstones reach into the inputs' range may be older than entries
// there; once those move below it, its tombstones would hide them (readers
// trust that an upper level is newer). And a left-out file that an input's
// tombstone reaches into may hold entries that tombstone hides; a
// bottommost compaction would drop the tombstone and bring them back.
// Taking every file whose effective range meets the inputs' (until none is
// left out), at both levels, keeps a tombstone and the entries it reaches
// in one merge, where sequence numbers decide.
bool LeveledPicker::ExpandInputs(const Version& v, int level, int output_level, FileList seed,
                                 FileList* inputs, FileList* below) const {
  *inputs = WidenOverReach(v, level, std::move(seed));
  below->clear();
  if (output_level != level) {
    const KeyRange r = RangeOf(*inputs, {});
    FileList overlap = v.OverlappingFiles(output_level, r.smallest, r.largest);
    if (!overlap.empty()) *below = WidenOverReach(v, output_level, std::move(overlap));
  }
  return !AnyBeingCompacted(*inputs) && !AnyBeingCompacted(*below);
}

std::unique_ptr<Compaction> LeveledPicker::Make(const Version& v, int level, int output_level,
                                                FileList level_inputs, FileList output_inputs,
                                                std::string reason) const {
  const KeyRange r = RangeOf(level_inputs, output_inputs);
  FileList grandparents;
  if (output_level + 1 < v.num_levels()) {
    grandparents = v.OverlappingFiles(output_level + 1, r.smallest, r.largest);
  }
  // An input whose tombstones reach an unknown distance past its largest key
  // makes anything below from its smallest key on count as overlapping.
  std::optional<std::string_view> end;
  if (!r.has_range_deletions) end = r.largest;
  bool bottommost = true;
  for (int l = output_level + 1; l < v.num_levels() && bottommost; ++l) {
    bottommost = v.OverlappingFiles(l, r.smallest, end).empty();
  }
  return std::make_unique<Compaction>(level, output_level, std::move(level_inputs),
                                      std::move(output_inputs), std::move(grandparents), bottommost,
                                      target_file_size_base_, std::move(reason));
}

}  // namespace mmdb
