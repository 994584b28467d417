// The mmdb tool's commands, one function each.
#pragma once

#include <cstdint>
#include <string>

#include <mmdb/status.h>

namespace mmdb::tools {

struct BenchArgs {
  uint64_t num = 200000;
  size_t value_size = 100;
  uint64_t seed = 301;
};

Status RunBench(const std::string& db_path, const BenchArgs& args);
Status PrintStats(const std::string& db_path);
Status GetKey(const std::string& db_path, const std::string& key);
Status PutKey(const std::string& db_path, const std::string& key, const std::string& value);
Status DeleteKey(const std::string& db_path, const std::string& key);
Status Scan(const std::string& db_path, const std::string& prefix, size_t limit);

}  // namespace mmdb::tools
