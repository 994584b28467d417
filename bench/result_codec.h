// The messages a per-engine child process sends its parent over a pipe
// (mmdb_bench runs each engine in a forked child so peak RSS and bytes
// written are per engine): a framed, versionless binary encoding, since
// both ends are the same binary.
//
//   frame = type (1 byte) + payload length (4 bytes, little-endian) + payload
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bench/workload.h"

namespace mmdb_bench {

enum class MessageType : char {
  kInfo = 'I',    // engine version '\n' settings text
  kStart = 'S',   // the workload about to run (for crash reports)
  kResult = 'R',  // an encoded WorkloadResult
  kError = 'E',   // why the child gave up
};

std::string EncodeResult(const WorkloadResult& r);
// False when `data` is not a whole encoded result.
bool DecodeResult(std::string_view data, WorkloadResult* r);

// Writes one frame to `fd` (retrying short writes); false on error.
bool WriteMessage(int fd, MessageType type, std::string_view payload);
// Reads one frame; false at end of stream or on error.
bool ReadMessage(int fd, MessageType* type, std::string* payload);

}  // namespace mmdb_bench
