#include "types/internal_key.h"

#include <cstdio>

namespace mmdb {

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out.append(buf);
    }
  }
  return out;
}

std::string InternalKeyDebugString(std::string_view ikey) {
  ParsedInternalKey parsed;
  if (!ParseInternalKey(ikey, &parsed)) return "<bad internal key " + EscapeBytes(ikey) + ">";
  static constexpr const char* kNames[] = {"DEL", "PUT", "RANGEDEL"};
  return EscapeBytes(parsed.user_key) + "#" + std::to_string(parsed.sequence) + "," +
         kNames[static_cast<int>(parsed.type)];
}

}  // namespace mmdb
