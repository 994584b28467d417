// Log framing shared by the WAL and the MANIFEST (docs/format/wal.md).
//
// A log file is a sequence of 32 KiB blocks. A block holds fragments:
//
//   fragment := crc:fixed32 length:fixed16 type:uint8 payload[length]
//   crc      := CRC-32 (IEEE, unmasked) of type byte ‖ payload
//   type     := 0 zero/padding | 1 FULL | 2 FIRST | 3 MIDDLE | 4 LAST
//
// A fragment never crosses a block boundary. When fewer than kHeaderSize bytes
// remain in a block, they are zero-filled and the next fragment starts at the
// next block. A record that does not fit in the rest of a block is split into
// FIRST, zero or more MIDDLE, and LAST fragments.
//
// Owner: wal. Constants only; no state, so thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mmdb::wal {

enum class RecordType : uint8_t {
  // Preallocated or padding bytes; skipped by readers.
  kZero = 0,
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
};
inline constexpr uint8_t kMaxRecordType = 4;

inline constexpr size_t kBlockSize = 32768;
// crc (4) + length (2) + type (1).
inline constexpr size_t kHeaderSize = 4 + 2 + 1;
// The largest payload one fragment can carry (a fragment filling a block).
inline constexpr size_t kMaxFragmentPayload = kBlockSize - kHeaderSize;

}  // namespace mmdb::wal
