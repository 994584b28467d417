#include "types/internal_key.h"

#include <cstdio>
#include <cstring>

namespace mmdb {

LookupKey::LookupKey(std::string_view user_key, SequenceNumber seq) {
  const size_t ikey_len = user_key.size() + kTrailerSize;
  const size_t needed = ikey_len + 5;  // a varint32 takes at most 5 bytes
  char* dst = needed <= sizeof(space_) ? space_ : new char[needed];
  start_ = dst;
  dst = EncodeVarint32(dst, static_cast<uint32_t>(ikey_len));
  kstart_ = dst;
  if (!user_key.empty()) std::memcpy(dst, user_key.data(), user_key.size());
  dst += user_key.size();
  EncodeBigEndian64(dst, ~PackSequenceAndType(seq, kValueTypeForSeek));
  end_ = dst + kTrailerSize;
}

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
