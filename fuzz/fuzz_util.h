// Helpers shared by the libFuzzer targets (fuzz/*_fuzzer.cc).
//
// FUZZ_CHECK(cond) aborts with a message: libFuzzer reports the abort as a
// crash and saves the input. FuzzInput hands out the fuzzer's bytes as small
// integers and strings, returning zeros once they run out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace mmdb::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t Uniform(uint32_t n) {  // in [0, n), n > 0
    const uint32_t v = (uint32_t{Byte()} << 8) | Byte();
    return v % n;
  }
  // Up to max_len bytes (length from one byte).
  std::string Bytes(size_t max_len) {
    size_t len = Byte() % (max_len + 1);
    std::string out;
    while (len-- > 0 && pos_ < size_) out.push_back(static_cast<char>(data_[pos_++]));
    return out;
  }
  // Everything not consumed yet.
  std::string_view Rest() {
    std::string_view r(reinterpret_cast<const char*>(data_) + pos_, size_ - pos_);
    pos_ = size_;
    return r;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace mmdb::fuzz
