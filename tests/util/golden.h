// Access to the golden data directories written by the Rust engine
// (tests/data/compat, see its README.md).
#pragma once

#include <map>
#include <string>

namespace mmdb::test {

// The tests/data/compat directory, or "" when it is missing (a test that
// needs it then fails: the data lives in the repository).
std::string CompatDir();
// Parses "<hex key>\t<hex value>\n" lines into a map.
bool LoadExpectedTsv(const std::string& path, std::map<std::string, std::string>* out);
// Copies a directory's regular files into a fresh temp dir and returns it.
std::string CopyToTemp(const std::string& src, const std::string& name);
// Bytes from lowercase hex.
std::string FromHex(const std::string& hex);

}  // namespace mmdb::test
