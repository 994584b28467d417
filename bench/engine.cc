// Engine helpers shared by the adapters: names, the factory dispatch, du.
#include "bench/engine.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace mmdb_bench {

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "?";
}

bool ParseCompression(std::string_view name, Compression* out) {
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    if (name == CompressionName(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

Compression CompressionAt(const EngineSettings& settings, int level) {
  const auto& per_level = settings.compression_per_level;
  if (per_level.empty()) return settings.compression;
  size_t i = std::min(static_cast<size_t>(level), per_level.size() - 1);
  return per_level[i];
}

std::string CompressionText(const EngineSettings& settings) {
  const auto& per_level = settings.compression_per_level;
  if (per_level.empty()) return CompressionName(settings.compression);
  // Runs of equal codecs: "L0-L1 lz4, L2+ zstd".
  std::string out;
  size_t start = 0;
  for (size_t i = 1; i <= per_level.size(); ++i) {
    if (i < per_level.size() && per_level[i] == per_level[start]) continue;
    if (!out.empty()) out += ", ";
    out += "L" + std::to_string(start);
    if (i == per_level.size()) {
      out += "+";
    } else if (i - 1 > start) {
      out += "-L" + std::to_string(i - 1);
    }
    out += std::string(" ") + CompressionName(per_level[start]);
    start = i;
  }
  return out;
}

std::unique_ptr<Engine> OpenEngine(std::string_view name, const EngineSettings& settings,
                                   const std::string& dir, bool fresh, std::string* error) {
  if (name == "mmdb") return OpenMmdbEngine(settings, dir, fresh, error);
  if (name == "rocksdb") return OpenRocksDbEngine(settings, dir, fresh, error);
  if (name == "leveldb") return OpenLevelDbEngine(settings, dir, fresh, error);
  *error = "unknown engine '" + std::string(name) + "' (mmdb, rocksdb, leveldb)";
  return nullptr;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

uint64_t DirectoryBytes(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t total = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

bool DropDirectoryFromPageCache(const std::string& dir, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *error = "open " + it->path().string() + ": " + std::strerror(errno);
      return false;
    }
    // Dirty pages cannot be dropped: write them back first. Errors of either
    // call only make the cache less cold, so they are not fatal.
    (void)::fsync(fd);
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
  if (ec) {
    *error = "list " + dir + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace mmdb_bench
