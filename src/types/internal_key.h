// Internal keys: how every entry is named inside the engine and on disk.
//
//   internal_key := user_key ‖ trailer
//   trailer      := big-endian u64 of ~((sequence << 8) | type)
//
// Ordering (CompareInternalKey): user keys ascending bytewise, then trailers
// ascending bytewise — which, because of the NOT, is sequence descending and,
// at one sequence, type descending. Note that comparing whole internal keys
// with memcmp is NOT the same order when one user key is a prefix of another
// ("a"+trailer vs "ab"+trailer); the Rust engine and MMDB both compare the
// user key first (docs/format/sst.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <mmdb/snapshot.h>

#include "util/coding.h"

namespace mmdb {

enum class ValueType : uint8_t {
  kDeletion = 0,
  kValue = 1,
  kRangeDeletion = 2,
};

inline constexpr size_t kTrailerSize = 8;
inline constexpr SequenceNumber kMaxSequenceNumber = (1ull << 56) - 1;
// Type used when seeking: at one sequence, the greatest type sorts first.
inline constexpr ValueType kValueTypeForSeek = ValueType::kRangeDeletion;

// Size limits of FORMAT.md: user key <= 8 MiB; user key + value <= 64 MiB -
// 72 (the Rust engine's MAX_WRITE_ENTRY_SIZE). Writes and table builders
// check the same sum, so an accepted write is always flushable (the 8-byte
// trailer and the block's own bytes fit in the margin below 64 MiB).
inline constexpr size_t kMaxUserKeySize = 8u << 20;
inline constexpr size_t kMaxEntrySize = (64u << 20) - 72;

inline bool IsValidValueType(uint8_t t) { return t <= 2; }

inline uint64_t PackSequenceAndType(SequenceNumber seq, ValueType t) {
  return (seq << 8) | static_cast<uint64_t>(t);
}

// Appends the internal key for (user_key, seq, type) to *dst.
inline void AppendInternalKey(std::string* dst, std::string_view user_key, SequenceNumber seq,
                              ValueType t) {
  dst->append(user_key);
  char buf[kTrailerSize];
  EncodeBigEndian64(buf, ~PackSequenceAndType(seq, t));
  dst->append(buf, kTrailerSize);
}

inline std::string MakeInternalKey(std::string_view user_key, SequenceNumber seq, ValueType t) {
  std::string k;
  k.reserve(user_key.size() + kTrailerSize);
  AppendInternalKey(&k, user_key, seq, t);
  return k;
}

// Accessors. REQUIRES: ikey.size() >= kTrailerSize (see ParseInternalKey for
// bytes not yet validated).
inline std::string_view ExtractUserKey(std::string_view ikey) {
  return ikey.substr(0, ikey.size() - kTrailerSize);
}
inline uint64_t ExtractPackedTrailer(std::string_view ikey) {
  return ~DecodeBigEndian64(ikey.data() + ikey.size() - kTrailerSize);
}
inline SequenceNumber ExtractSequence(std::string_view ikey) {
  return ExtractPackedTrailer(ikey) >> 8;
}
inline ValueType ExtractValueType(std::string_view ikey) {
  return static_cast<ValueType>(ExtractPackedTrailer(ikey) & 0xff);
}

struct ParsedInternalKey {
  std::string_view user_key;
  SequenceNumber sequence = 0;
  ValueType type = ValueType::kValue;
};

// Validates and splits bytes read from disk: false when shorter than the
// trailer or the type byte is unknown.
inline bool ParseInternalKey(std::string_view ikey, ParsedInternalKey* out) {
  if (ikey.size() < kTrailerSize) return false;
  const uint64_t packed = ExtractPackedTrailer(ikey);
  const uint8_t t = static_cast<uint8_t>(packed & 0xff);
  if (!IsValidValueType(t)) return false;
  out->user_key = ExtractUserKey(ikey);
  out->sequence = packed >> 8;
  out->type = static_cast<ValueType>(t);
  return true;
}

// Bytewise comparison of user keys (memcmp, shorter prefix first).
inline int CompareUserKey(std::string_view a, std::string_view b) { return a.compare(b); }

// The internal-key order described at the top of this file. Keys shorter
// than a trailer (only possible from corrupt input) sort first, bytewise.
inline int CompareInternalKey(std::string_view a, std::string_view b) {
  if (a.size() < kTrailerSize || b.size() < kTrailerSize) [[unlikely]] {
    if (a.size() >= kTrailerSize) return 1;
    if (b.size() >= kTrailerSize) return -1;
    return a.compare(b);
  }
  int r = ExtractUserKey(a).compare(ExtractUserKey(b));
  if (r != 0) return r;
  // Smaller trailer bytes = larger packed value = newer: sorts first.
  const uint64_t ta = DecodeBigEndian64(a.data() + a.size() - kTrailerSize);
  const uint64_t tb = DecodeBigEndian64(b.data() + b.size() - kTrailerSize);
  return ta < tb ? -1 : (ta > tb ? 1 : 0);
}

// A lookup key: the internal key (user_key, seq, kValueTypeForSeek), which
// sorts before every entry of user_key with sequence <= seq. Also kept with
// a varint32 length in front (the memtable's entry key format), so a
// memtable lookup needs no re-encoding. Short keys live inline: building
// one allocates nothing.
class LookupKey {
 public:
  LookupKey(std::string_view user_key, SequenceNumber seq);
  LookupKey(const LookupKey&) = delete;
  LookupKey& operator=(const LookupKey&) = delete;
  ~LookupKey() {
    if (start_ != space_) delete[] start_;
  }
  // varint32(internal key length) ‖ internal key
  const char* memtable_key() const { return start_; }
  std::string_view internal_key() const {
    return std::string_view(kstart_, static_cast<size_t>(end_ - kstart_));
  }
  std::string_view user_key() const { return ExtractUserKey(internal_key()); }

 private:
  const char* start_;
  const char* kstart_;
  const char* end_;
  char space_[128];
};

// "key#seq,TYPE" with the user key escaped, for messages, tests and dumps.
std::string InternalKeyDebugString(std::string_view ikey);
// Printable form of arbitrary bytes: printable ASCII as is, others as \xNN.
std::string EscapeBytes(std::string_view bytes);

}  // namespace mmdb
