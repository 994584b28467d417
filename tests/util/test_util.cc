#include "util/test_util.h"

#include <cstdlib>
#include <filesystem>

#include <unistd.h>

namespace mmdb::test {

uint64_t Seed() {
  if (const char* env = std::getenv("MMDB_SEED")) return std::strtoull(env, nullptr, 10);
  int gtest_seed = ::testing::UnitTest::GetInstance()->random_seed();
  return gtest_seed != 0 ? static_cast<uint64_t>(gtest_seed) : 301;
}

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TMPDIR");
  std::string root = base != nullptr ? base : "/tmp";
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = root + "/mmdb_test_" + std::to_string(::getpid()) + "_";
  if (info != nullptr) dir += std::string(info->test_suite_name()) + "_" + info->name() + "_";
  dir += name;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  return dir;
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace mmdb::test
