#include "tools/cli_util.h"

#include <cstdio>

#include "types/internal_key.h"
#include "util/coding.h"

namespace mmdb::tools {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Status ParseBytes(std::string_view arg, bool hex, std::string_view what, std::string* out) {
  out->clear();
  const std::string where = std::string(what) + " \"" + std::string(arg) + "\": ";
  if (hex) {
    if (arg.size() % 2 != 0) return Status::InvalidArgument(where + "odd number of hex digits");
    for (size_t i = 0; i < arg.size(); i += 2) {
      const int hi = HexDigit(arg[i]), lo = HexDigit(arg[i + 1]);
      if (hi < 0 || lo < 0) return Status::InvalidArgument(where + "not hex");
      out->push_back(static_cast<char>(hi * 16 + lo));
    }
    return Status::OK();
  }
  for (size_t i = 0; i < arg.size(); ++i) {
    if (arg[i] != '\\') {
      out->push_back(arg[i]);
      continue;
    }
    if (i + 1 < arg.size() && arg[i + 1] == '\\') {
      out->push_back('\\');
      ++i;
      continue;
    }
    if (i + 3 < arg.size() && arg[i + 1] == 'x' && HexDigit(arg[i + 2]) >= 0 &&
        HexDigit(arg[i + 3]) >= 0) {
      out->push_back(static_cast<char>(HexDigit(arg[i + 2]) * 16 + HexDigit(arg[i + 3])));
      i += 3;
      continue;
    }
    return Status::InvalidArgument(where + "bad escape at offset " + std::to_string(i) +
                                   " (use \\xNN or \\\\)");
  }
  return Status::OK();
}

std::string FormatBytes(std::string_view bytes, bool hex) {
  return hex ? ToHex(bytes) : EscapeBytes(bytes);
}

Status OpenReadOnly(const GlobalArgs& args, std::unique_ptr<DB>* db) {
  Options o;
  o.block_cache_capacity = 8u << 20;  // one-off reads: keep the tool small
  return DB::OpenForReadOnly(o, args.db, db);
}

Status OpenReadWrite(const GlobalArgs& args, bool create, std::unique_ptr<DB>* db) {
  Options o;
  o.create_if_missing = create;
  o.block_cache_capacity = 8u << 20;
  Status s = DB::Open(o, args.db, db);
  if (s.IsInvalidArgument() && !create &&
      s.ToString().find("does not exist") != std::string::npos) {
    return Status::InvalidArgument(args.db + ": no DB here");
  }
  return s;
}

void PrintLine(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace mmdb::tools
