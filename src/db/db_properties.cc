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
  if (name == "recovery") {
    // What the last Open recovered, dropped and set aside.
    const RecoveryStats& r = db->recovery_stats_;
    *value = "wals-replayed: " + std::to_string(r.wals_replayed) +
             "\nrecords-replayed: " + std::to_string(r.records) +
             "\nrecords-dropped: " + std::to_string(r.skipped_corrupt) +
             "\nbytes-dropped: " + std::to_string(r.dropped_bytes) +
             "\nmemtables-recovered: " + std::to_string(r.memtables_recovered) +
             "\ntables-moved-to-lost: " + std::to_string(r.tables_moved_to_lost) + "\n";
    return true;
  }
  if (name == "levelstats") {
    std::string out = "Level Files Size(MB) Score\n--------------------------\n";
    const std::vector<double> scores = db->picker_.Scores(*v);
    for (int i = 0; i < v->num_levels(); ++i) {
      const double score =
          static_cast<size_t>(i) < scores.size() ? scores[static_cast<size_t>(i)] : 0.0;
      char line[80];
      std::snprintf(line, sizeof(line), "%5d %5zu %8.2f %5.2f\n", i, v->files(i).size(),
                    static_cast<double>(v->NumLevelBytes(i)) / 1048576.0, score);
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
    bool pending = db->running_compactions_ > 0;
    for (double score : db->picker_.Scores(*v)) pending = pending || score >= 1;
    *value = pending ? "1" : "0";
    return true;
  }
  if (name == "num-running-compactions") {
    *value = std::to_string(db->running_compactions_);
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
  if (name == "error-recoveries") {
    // Background errors healed (a full disk), since Open.
    *value = std::to_string(db->recoveries_);
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
    out += "Compactions: " + std::to_string(db->num_compactions_) + ", trivial moves " +
           std::to_string(db->num_trivial_moves_) + ", read " +
           std::to_string(db->compaction_bytes_read_) + " bytes, written " +
           std::to_string(db->compaction_bytes_written_) + " bytes, running " +
           std::to_string(db->running_compactions_) + "\n";
    const double user = static_cast<double>(db->user_bytes_written_);
    const double written = static_cast<double>(db->flush_bytes_ + db->compaction_bytes_written_);
    char wamp[96];
    std::snprintf(wamp, sizeof(wamp), "Write amplification: %.2f (user %llu bytes)\n",
                  user > 0 ? written / user : 0.0,
                  static_cast<unsigned long long>(db->user_bytes_written_));
    out += wamp;
    out += "Write stalls: " + std::to_string(db->stall_micros_) + " micros\n";
    out += "Memtables: active " + std::to_string(db->mem_->ApproximateMemoryUsage()) +
           " bytes, immutable " + std::to_string(db->imm_.size()) + "\n";
    out += "Last sequence: " + std::to_string(db->versions_->LastSequence()) + "\n";
    out += "Background errors: " + std::to_string(db->bg_error_count_) +
           (db->bg_error_.ok() ? "" : " (" + db->bg_error_.ToString() + ")") + ", recovered " +
           std::to_string(db->recoveries_) + "\n";
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
