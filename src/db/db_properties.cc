#include "db/db_properties.h"

#include <charconv>
#include <cstdio>

#include "db/db_impl.h"

namespace mmdb {

namespace {

constexpr std::string_view kPrefix = "mmdb.";

bool ParseLevelSuffix(std::string_view name, std::string_view stem, int* level) {
  if (name.substr(0, stem.size()) != stem) return false;
  std::string_view digits = name.substr(stem.size());
  if (digits.empty()) return false;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *level);
  return ec == std::errc() && p == digits.data() + digits.size();
}

}  // namespace

bool DBProperties::Get(DBImpl* db, std::string_view name, std::string* value) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return false;
  name.remove_prefix(kPrefix.size());
  value->clear();
  MutexLock l(&db->mu_);
  if (db->versions_ == nullptr) return false;
  const std::shared_ptr<const Version> v = db->versions_->current();
  int level = 0;
  if (ParseLevelSuffix(name, "num-files-at-level", &level)) {
    if (level < 0 || level >= v->num_levels()) return false;
    *value = std::to_string(v->files(level).size());
    return true;
  }
  if (name == "levelstats") {
    std::string out = "Level Files Size(MB)\n--------------------\n";
    for (int i = 0; i < v->num_levels(); ++i) {
      char line[80];
      std::snprintf(line, sizeof(line), "%5d %5zu %8.2f\n", i, v->files(i).size(),
                    static_cast<double>(v->NumLevelBytes(i)) / 1048576.0);
      out += line;
    }
    *value = out;
    return true;
  }
  if (name == "sstables") {
    std::string out;
    for (int i = 0; i < v->num_levels(); ++i) {
      if (v->files(i).empty()) continue;
      out += "--- level " + std::to_string(i) + " ---\n";
      for (const auto& f : v->files(i)) {
        out += std::to_string(f->number) + ":" + std::to_string(f->file_size) + "[" +
               InternalKeyDebugString(f->smallest) + " .. " + InternalKeyDebugString(f->largest) +
               "]\n";
      }
    }
    *value = out;
    return true;
  }
  if (name == "total-sst-files-size") {
    uint64_t total = 0;
    for (int i = 0; i < v->num_levels(); ++i) total += v->NumLevelBytes(i);
    *value = std::to_string(total);
    return true;
  }
  if (name == "estimate-num-keys") {
    uint64_t n = db->mem_->num_entries();
    for (const auto& m : db->imm_) n += m.mem->num_entries();
    for (int i = 0; i < v->num_levels(); ++i) {
      for (const auto& f : v->files(i)) n += f->num_entries;
    }
    *value = std::to_string(n);
    return true;
  }
  if (name == "cur-size-all-mem-tables") {
    size_t n = db->mem_->ApproximateMemoryUsage();
    for (const auto& m : db->imm_) n += m.mem->ApproximateMemoryUsage();
    *value = std::to_string(n);
    return true;
  }
  if (name == "num-immutable-mem-table") {
    *value = std::to_string(db->imm_.size());
    return true;
  }
  if (name == "block-cache-usage") {
    *value = std::to_string(db->block_cache_->GetUsage());
    return true;
  }
  if (name == "block-cache-pinned-usage") {
    *value = std::to_string(db->block_cache_->GetPinnedUsage());
    return true;
  }
  if (name == "compaction-pending") {
    // Leveled compaction arrives with issue #4; nothing is ever pending yet.
    *value = "0";
    return true;
  }
  if (name == "num-snapshots") {
    *value = std::to_string(db->snapshots_->size());
    return true;
  }
  if (name == "background-errors") {
    *value = std::to_string(db->bg_error_count_);
    return true;
  }
  if (name == "last-sequence") {
    *value = std::to_string(db->versions_->LastSequence());
    return true;
  }
  if (name == "stats") {
    std::string out = "** DB Stats **\n";
    out += "Flushes: " + std::to_string(db->num_flushes_) +
           ", flushed bytes: " + std::to_string(db->flush_bytes_) + "\n";
    out += "Memtables: active " + std::to_string(db->mem_->ApproximateMemoryUsage()) +
           " bytes, immutable " + std::to_string(db->imm_.size()) + "\n";
    out += "Last sequence: " + std::to_string(db->versions_->LastSequence()) + "\n";
    out += "Background errors: " + std::to_string(db->bg_error_count_) +
           (db->bg_error_.ok() ? "" : " (" + db->bg_error_.ToString() + ")") + "\n";
    out += "Block cache: usage " + std::to_string(db->block_cache_->GetUsage()) + " / " +
           std::to_string(db->block_cache_->GetCapacity()) + ", hits " +
           std::to_string(db->block_cache_->hits()) + ", misses " +
           std::to_string(db->block_cache_->misses()) + "\n";
    out += "** Levels **\n" + v->LevelSummary() + "\n";
    if (db->stats_ != nullptr) out += "** Statistics **\n" + db->stats_->ToString();
    *value = out;
    return true;
  }
  return false;
}

bool DBImpl::GetProperty(std::string_view name, std::string* value) {
  if (closed_.load(std::memory_order_acquire)) return false;
  return DBProperties::Get(this, name, value);
}

}  // namespace mmdb
