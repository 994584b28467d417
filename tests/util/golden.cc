#include "util/golden.h"

#include <filesystem>
#include <fstream>

#include "util/test_util.h"

namespace mmdb::test {

std::string CompatDir() {
  // tests/util/golden.cc -> <repo>/tests/data/compat
  std::filesystem::path here(__FILE__);
  std::filesystem::path dir = here.parent_path().parent_path() / "data" / "compat";
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return dir.string();
  return "";
}

std::string FromHex(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

bool LoadExpectedTsv(const std::string& path, std::map<std::string, std::string>* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) return false;
    (*out)[FromHex(line.substr(0, tab))] = FromHex(line.substr(tab + 1));
  }
  return true;
}

std::string CopyToTemp(const std::string& src, const std::string& name) {
  std::string dst = TempDir(name);
  for (const auto& e : std::filesystem::directory_iterator(src)) {
    if (e.is_regular_file()) {
      std::filesystem::copy_file(e.path(), std::filesystem::path(dst) / e.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
  return dst;
}

}  // namespace mmdb::test
