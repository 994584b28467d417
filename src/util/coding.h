// Byte encodings used by every MMDB file format: fixed-width little-endian
// integers (the format's default), big-endian u64 (internal-key trailers) and
// LevelDB varint32/varint64 (block entries).
//
// Decoders take a string_view cursor and return false (never read past the
// end) when the input is too short or malformed; callers turn that into a
// Corruption status naming the file and offset.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mmdb {

inline void EncodeFixed16(char* dst, uint16_t v) {
  dst[0] = static_cast<char>(v);
  dst[1] = static_cast<char>(v >> 8);
}
inline void EncodeFixed32(char* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst[i] = static_cast<char>(v >> (8 * i));
}
inline void EncodeFixed64(char* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>(v >> (8 * i));
}
inline void EncodeBigEndian64(char* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>(v >> (56 - 8 * i));
}

inline uint16_t DecodeFixed16(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint16_t>(u[0] | (u[1] << 8));
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));  // x86-64 and aarch64 are little-endian
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline uint64_t DecodeBigEndian64(const char* p) { return __builtin_bswap64(DecodeFixed64(p)); }

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "MMDB assumes a little-endian host");

inline void PutFixed16(std::string* dst, uint16_t v) {
  char buf[2];
  EncodeFixed16(buf, v);
  dst->append(buf, 2);
}
inline void PutFixed32(std::string* dst, uint32_t v) {
  char buf[4];
  EncodeFixed32(buf, v);
  dst->append(buf, 4);
}
inline void PutFixed64(std::string* dst, uint64_t v) {
  char buf[8];
  EncodeFixed64(buf, v);
  dst->append(buf, 8);
}

// Varints: 7 bits per byte, low groups first, high bit = "more follows".
char* EncodeVarint32(char* dst, uint32_t v);
char* EncodeVarint64(char* dst, uint64_t v);
void PutVarint32(std::string* dst, uint32_t v);
void PutVarint64(std::string* dst, uint64_t v);
int VarintLength(uint64_t v);

// Parses a varint from [p, limit). Returns the byte after it, or nullptr when
// the input ends early or the varint is longer than its type allows.
// GetVarint32Ptr decodes the common one-byte case inline (block entries,
// memtable entries: lengths under 128) and calls the general decoder
// otherwise.
const char* GetVarint32PtrFallback(const char* p, const char* limit, uint32_t* v);
inline const char* GetVarint32Ptr(const char* p, const char* limit, uint32_t* v) {
  if (p < limit) {
    const uint32_t byte = static_cast<uint8_t>(*p);
    if ((byte & 0x80) == 0) {
      *v = byte;
      return p + 1;
    }
  }
  return GetVarint32PtrFallback(p, limit, v);
}
const char* GetVarint64Ptr(const char* p, const char* limit, uint64_t* v);

// Cursor-style decoders: consume from the front of *input on success.
bool GetFixed16(std::string_view* input, uint16_t* v);
bool GetFixed32(std::string_view* input, uint32_t* v);
bool GetFixed64(std::string_view* input, uint64_t* v);
bool GetVarint32(std::string_view* input, uint32_t* v);
bool GetVarint64(std::string_view* input, uint64_t* v);
// Takes exactly n bytes.
bool GetBytes(std::string_view* input, size_t n, std::string_view* out);
// u32 LE length then that many bytes (the WAL / MANIFEST length-prefixed form).
bool GetLengthPrefixed32(std::string_view* input, std::string_view* out);
void PutLengthPrefixed32(std::string* dst, std::string_view value);

// Lowercase hex of bytes, for messages and tools.
std::string ToHex(std::string_view bytes);

}  // namespace mmdb
