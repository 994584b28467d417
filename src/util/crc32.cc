#include "util/crc32.h"

#include <libdeflate.h>

namespace mmdb::crc32 {

uint32_t Value(const char* data, size_t n) { return libdeflate_crc32(0, data, n); }

uint32_t Extend(uint32_t crc, const char* data, size_t n) { return libdeflate_crc32(crc, data, n); }

}  // namespace mmdb::crc32
