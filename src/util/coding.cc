#include "util/coding.h"

namespace mmdb {

char* EncodeVarint32(char* dst, uint32_t v) { return EncodeVarint64(dst, v); }

char* EncodeVarint64(char* dst, uint64_t v) {
  auto* p = reinterpret_cast<uint8_t*>(dst);
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return reinterpret_cast<char*>(p);
}

void PutVarint32(std::string* dst, uint32_t v) {
  char buf[5];
  char* end = EncodeVarint32(buf, v);
  dst->append(buf, static_cast<size_t>(end - buf));
}

void PutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  char* end = EncodeVarint64(buf, v);
  dst->append(buf, static_cast<size_t>(end - buf));
}

int VarintLength(uint64_t v) {
  int len = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++len;
  }
  return len;
}

const char* GetVarint32PtrFallback(const char* p, const char* limit, uint32_t* v) {
  uint32_t result = 0;
  for (uint32_t shift = 0; shift <= 28 && p < limit; shift += 7) {
    uint32_t byte = static_cast<uint8_t>(*p++);
    if (shift == 28 && byte > 0x0f) return nullptr;  // would overflow 32 bits
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

const char* GetVarint64Ptr(const char* p, const char* limit, uint64_t* v) {
  uint64_t result = 0;
  for (uint32_t shift = 0; shift <= 63 && p < limit; shift += 7) {
    uint64_t byte = static_cast<uint8_t>(*p++);
    if (shift == 63 && byte > 1) return nullptr;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

bool GetFixed16(std::string_view* input, uint16_t* v) {
  if (input->size() < 2) return false;
  *v = DecodeFixed16(input->data());
  input->remove_prefix(2);
  return true;
}

bool GetFixed32(std::string_view* input, uint32_t* v) {
  if (input->size() < 4) return false;
  *v = DecodeFixed32(input->data());
  input->remove_prefix(4);
  return true;
}

bool GetFixed64(std::string_view* input, uint64_t* v) {
  if (input->size() < 8) return false;
  *v = DecodeFixed64(input->data());
  input->remove_prefix(8);
  return true;
}

bool GetVarint32(std::string_view* input, uint32_t* v) {
  const char* end = input->data() + input->size();
  const char* q = GetVarint32Ptr(input->data(), end, v);
  if (q == nullptr) return false;
  input->remove_prefix(static_cast<size_t>(q - input->data()));
  return true;
}

bool GetVarint64(std::string_view* input, uint64_t* v) {
  const char* end = input->data() + input->size();
  const char* q = GetVarint64Ptr(input->data(), end, v);
  if (q == nullptr) return false;
  input->remove_prefix(static_cast<size_t>(q - input->data()));
  return true;
}

bool GetBytes(std::string_view* input, size_t n, std::string_view* out) {
  if (input->size() < n) return false;
  *out = input->substr(0, n);
  input->remove_prefix(n);
  return true;
}

bool GetLengthPrefixed32(std::string_view* input, std::string_view* out) {
  std::string_view copy = *input;
  uint32_t len;
  if (!GetFixed32(&copy, &len) || !GetBytes(&copy, len, out)) return false;
  *input = copy;
  return true;
}

void PutLengthPrefixed32(std::string* dst, std::string_view value) {
  PutFixed32(dst, static_cast<uint32_t>(value.size()));
  dst->append(value);
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

}  // namespace mmdb
