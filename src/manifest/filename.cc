#include "manifest/filename.h"

#include <cinttypes>
#include <cstdio>

namespace mmdb {

namespace {

// Parses a non-empty run of decimal digits without overflow.
bool ParseDecimal(std::string_view digits, uint64_t* out) {
  if (digits.empty() || digits.size() > 20) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// Digits exactly as FormatFileNumber prints them.
bool ParseCanonical(std::string_view digits, uint64_t* out) {
  uint64_t v;
  if (!ParseDecimal(digits, &v) || FormatFileNumber(v) != digits) return false;
  *out = v;
  return true;
}

}  // namespace

std::string FormatFileNumber(uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06" PRIu64, number);
  return buf;
}

std::string CurrentFileName(const std::string& dbname) { return dbname + "/CURRENT"; }

std::string TempCurrentFileName(const std::string& dbname, uint64_t number) {
  return dbname + "/CURRENT.tmp." + std::to_string(number);
}

std::string LockFileName(const std::string& dbname) { return dbname + "/LOCK"; }

std::string ManifestFileName(const std::string& dbname, uint64_t number) {
  return dbname + "/MANIFEST-" + FormatFileNumber(number);
}

std::string WalFileName(const std::string& dbname, uint64_t number) {
  return dbname + "/" + FormatFileNumber(number) + ".wal";
}

std::string TableFileName(const std::string& dbname, uint64_t number) {
  return dbname + "/" + FormatFileNumber(number) + ".sst";
}

bool ParseFileName(std::string_view name, uint64_t* number, FileType* type) {
  if (name == "CURRENT") {
    *number = 0;
    *type = FileType::kCurrent;
    return true;
  }
  if (name == "LOCK") {
    *number = 0;
    *type = FileType::kLock;
    return true;
  }
  constexpr std::string_view kTmp = "CURRENT.tmp.";
  if (name.starts_with(kTmp)) {
    std::string_view digits = name.substr(kTmp.size());
    uint64_t v;
    if (!ParseDecimal(digits, &v) || std::to_string(v) != digits) return false;
    *number = v;
    *type = FileType::kTempCurrent;
    return true;
  }
  constexpr std::string_view kManifest = "MANIFEST-";
  if (name.starts_with(kManifest)) {
    if (!ParseCanonical(name.substr(kManifest.size()), number)) return false;
    *type = FileType::kManifest;
    return true;
  }
  if (name.ends_with(".wal") || name.ends_with(".sst")) {
    if (!ParseCanonical(name.substr(0, name.size() - 4), number)) return false;
    *type = name.ends_with(".wal") ? FileType::kWal : FileType::kTable;
    return true;
  }
  return false;
}

bool ParseCurrentContents(std::string_view contents, uint64_t* manifest_number) {
  constexpr std::string_view kPrefix = "MANIFEST-";
  if (!contents.starts_with(kPrefix) || !contents.ends_with('\n')) return false;
  std::string_view digits = contents.substr(kPrefix.size(), contents.size() - kPrefix.size() - 1);
  return ParseCanonical(digits, manifest_number);
}

}  // namespace mmdb
