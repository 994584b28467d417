// Engine helpers shared by the adapters: names, the factory dispatch, du.
#include "bench/engine.h"

#include <filesystem>
#include <system_error>

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

std::unique_ptr<Engine> OpenEngine(std::string_view name, const EngineSettings& settings,
                                   const std::string& dir, std::string* error) {
  if (name == "mmdb") return OpenMmdbEngine(settings, dir, error);
  if (name == "rocksdb") return OpenRocksDbEngine(settings, dir, error);
  if (name == "leveldb") return OpenLevelDbEngine(settings, dir, error);
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

}  // namespace mmdb_bench
