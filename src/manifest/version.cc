#include "manifest/version.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "types/internal_key.h"
#include "util/coding.h"
#include "util/invariant.h"

namespace mmdb {

std::shared_ptr<const Version> Version::Empty(int num_levels) {
  return std::shared_ptr<const Version>(new Version(num_levels));
}

size_t Version::TotalFiles() const {
  size_t n = 0;
  for (const auto& level : levels_) n += level.size();
  return n;
}

uint64_t Version::NumLevelBytes(int level) const {
  uint64_t sum = 0;
  for (const auto& f : levels_[level]) sum += f->file_size;
  return sum;
}

size_t Version::FindFile(int level, std::string_view internal_key) const {
  const FileList& files = levels_[level];
  auto it = std::partition_point(files.begin(), files.end(), [&](const auto& f) {
    return CompareInternalKey(f->largest, internal_key) < 0;
  });
  return static_cast<size_t>(it - files.begin());
}

void Version::IndexReach() {
  for (size_t level = 1; level < levels_.size(); ++level) {
    const FileList& files = levels_[level];
    std::vector<uint32_t>& furthest = furthest_[level];
    furthest.assign(files.size(), 0);
    for (size_t i = 1; i < files.size(); ++i) {
      const uint32_t best = furthest[i - 1];
      const bool further = CompareUserKey(EffectiveLargestUserKey(*files[i]),
                                          EffectiveLargestUserKey(*files[best])) > 0;
      furthest[i] = further ? static_cast<uint32_t>(i) : best;
    }
  }
}

size_t Version::FirstFileReaching(int level, std::string_view user_key) const {
  const FileList& files = levels_[level];
  const std::vector<uint32_t>& furthest = furthest_[level];
  MMDB_INVARIANT(furthest.size() == files.size());
  size_t lo = 0, hi = files.size();
  while (lo < hi) {  // first i whose files[0..i] reach user_key
    const size_t mid = lo + (hi - lo) / 2;
    if (CompareUserKey(EffectiveLargestUserKey(*files[furthest[mid]]), user_key) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

const FileMetaData* Version::FirstOfOverlapping(std::string_view user_key, int* level) const {
  const FileMetaData* first = nullptr;
  auto holds = [&](const FileMetaData& f) {
    return CompareUserKey(ExtractUserKey(f.smallest), user_key) <= 0 &&
           CompareUserKey(user_key, ExtractUserKey(f.largest)) <= 0;
  };
  // True when `f` is the second file found.
  auto found = [&](const FileMetaData& f, int l) {
    if (first != nullptr) return true;
    first = &f;
    *level = l;
    return false;
  };
  for (const auto& f : levels_[0]) {
    if (holds(*f) && found(*f, 0)) return first;
  }
  for (int l = 1; l < num_levels(); ++l) {
    const FileList& files = levels_[l];
    auto it = std::partition_point(files.begin(), files.end(), [&](const auto& f) {
      return CompareUserKey(ExtractUserKey(f->largest), user_key) < 0;
    });
    if (it != files.end() && holds(**it) && found(**it, l)) return first;
  }
  return nullptr;
}

Version::FileList Version::OverlappingFiles(int level, std::optional<std::string_view> begin,
                                            std::optional<std::string_view> end) const {
  FileList out;
  const FileList& files = levels_[level];
  auto overlaps = [&](const FileMetaData& f) {
    if (begin && CompareUserKey(EffectiveLargestUserKey(f), *begin) < 0) return false;
    if (end && CompareUserKey(ExtractUserKey(f.smallest), *end) > 0) return false;
    return true;
  };
  size_t i = 0;
  // Sorted: skip the files that, tombstones included, end before `begin`.
  if (level > 0 && begin) i = FirstFileReaching(level, *begin);
  for (; i < files.size(); ++i) {
    if (overlaps(*files[i])) {
      out.push_back(files[i]);
    } else if (level > 0 && end && CompareUserKey(ExtractUserKey(files[i]->smallest), *end) > 0) {
      break;  // every later file starts after `end` too
    }
  }
  return out;
}

std::string Version::LevelSummary() const {
  std::string r = "files[";
  for (const auto& level : levels_) r += " " + std::to_string(level.size());
  r += " ]";
  return r;
}

std::string Version::DebugString() const {
  std::string r;
  char buf[96];
  for (size_t level = 0; level < levels_.size(); ++level) {
    for (const auto& f : levels_[level]) {
      std::snprintf(buf, sizeof(buf), "L%zu #%06" PRIu64 " %" PRIu64 " bytes [", level, f->number,
                    f->file_size);
      r += buf;
      r += ToHex(f->smallest) + " .. " + ToHex(f->largest) + "]\n";
    }
  }
  return r;
}

Status Version::CheckConsistency() const {
  for (size_t level = 0; level < levels_.size(); ++level) {
    const FileList& files = levels_[level];
    for (size_t i = 0; i < files.size(); ++i) {
      const FileMetaData& f = *files[i];
      if (f.smallest.size() < kTrailerSize || f.largest.size() < kTrailerSize ||
          CompareInternalKey(f.smallest, f.largest) > 0) {
        return Status::Corruption("file #" + std::to_string(f.number) + " at level " +
                                  std::to_string(level) + " has an invalid key range");
      }
      if (i == 0) continue;
      const FileMetaData& prev = *files[i - 1];
      if (level == 0) {
        if (prev.number <= f.number) {
          return Status::Corruption("level 0 is not ordered newest first at file #" +
                                    std::to_string(f.number));
        }
      } else if (CompareUserKey(ExtractUserKey(prev.largest), ExtractUserKey(f.smallest)) >= 0) {
        return Status::Corruption("files #" + std::to_string(prev.number) + " and #" +
                                  std::to_string(f.number) + " overlap at level " +
                                  std::to_string(level));
      }
    }
  }
  return Status::OK();
}

}  // namespace mmdb
