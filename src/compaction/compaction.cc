// Compaction: the key range of the inputs, trivial-move detection and the
// deletions a finished compaction records.
#include "compaction/compaction.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "types/internal_key.h"

namespace mmdb {

namespace {

// A trivial move is refused when the moved file would overlap more than this
// many output files' worth of grandparent bytes: a later compaction of the
// moved file would then have to rewrite all of them.
constexpr uint64_t kMaxGrandparentOverlapFactor = 10;

uint64_t SumFileBytes(const Compaction::FileList& files) {
  uint64_t sum = 0;
  for (const auto& f : files) sum += f->file_size;
  return sum;
}

}  // namespace

Compaction::Compaction(int level, int output_level, FileList level_inputs,
                       FileList output_level_inputs, FileList grandparents, bool bottommost,
                       uint64_t max_output_file_size, std::string reason)
    : level_(level),
      output_level_(output_level),
      level_inputs_(std::move(level_inputs)),
      output_inputs_(std::move(output_level_inputs)),
      grandparents_(std::move(grandparents)),
      bottommost_(bottommost),
      max_output_file_size_(max_output_file_size),
      reason_(std::move(reason)) {
  bool first = true;
  for (const FileList* list : {&level_inputs_, &output_inputs_}) {
    for (const auto& f : *list) {
      const std::string_view small = ExtractUserKey(f->smallest);
      const std::string_view large = EffectiveLargestUserKey(*f);
      if (first || CompareUserKey(small, smallest_) < 0) smallest_.assign(small);
      if (first || CompareUserKey(large, largest_) > 0) largest_.assign(large);
      first = false;
    }
  }
}

// Several inputs (an L0 pick) move together only when no two of them
// overlap, counting the reach of their range tombstones: then they can sit
// side by side in the output level. Sequential loads hit this case.
bool Compaction::IsTrivialMove() const {
  if (level_ == output_level_ || level_inputs_.empty() || !output_inputs_.empty()) return false;
  if (SumFileBytes(grandparents_) > kMaxGrandparentOverlapFactor * max_output_file_size_) {
    return false;
  }
  if (level_inputs_.size() == 1) return true;
  std::vector<const FileMetaData*> sorted;
  for (const auto& f : level_inputs_) sorted.push_back(f.get());
  std::sort(sorted.begin(), sorted.end(), [](const FileMetaData* a, const FileMetaData* b) {
    return CompareUserKey(ExtractUserKey(a->smallest), ExtractUserKey(b->smallest)) < 0;
  });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (CompareUserKey(EffectiveLargestUserKey(*sorted[i - 1]),
                       ExtractUserKey(sorted[i]->smallest)) >= 0) {
      return false;
    }
  }
  return true;
}

uint64_t Compaction::TotalInputBytes() const {
  return SumFileBytes(level_inputs_) + SumFileBytes(output_inputs_);
}

void Compaction::AddInputDeletions(VersionEdit* edit) const {
  for (const auto& f : level_inputs_) edit->RemoveFile(level_, f->number);
  for (const auto& f : output_inputs_) edit->RemoveFile(output_level_, f->number);
}

}  // namespace mmdb
