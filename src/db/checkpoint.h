// WriteCheckpoint: writes an openable copy of a DB's state into a new
// directory (DB::CreateCheckpoint; docs/checkpoint.md).
//
// The DB captures a CheckpointSource while no write is in progress (the
// Version, its log number and counters, and the live WALs with the bytes
// written so far); this function then does the file work without holding
// anything: it hard-links every SST (copying it when the link fails), copies
// every live WAL up to its captured size, writes a fresh MANIFEST holding one
// snapshot edit of the Version, then CURRENT. The copy, opened as a DB,
// replays those WAL prefixes and holds exactly the writes up to
// last_sequence.
//
// REQUIRES: the files named by the source stay on disk until this returns
// (the DB holds the Version and pins the WALs).
//
// Thread safety: a free function over a value; nothing shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/status.h>

#include "manifest/version.h"

namespace mmdb {

struct CheckpointSource {
  Env* env = nullptr;
  std::string dbname;
  std::shared_ptr<const Version> version;
  uint64_t log_number = 0;        // WALs below this are not needed
  uint64_t next_file_number = 0;  // above every file number in use
  uint64_t last_sequence = 0;
  struct Wal {
    uint64_t number = 0;
    std::optional<uint64_t> size;  // bytes to copy; nullopt = the whole (closed) file
  };
  std::vector<Wal> wals;  // ascending
};

// Creates `dir` (InvalidArgument when it exists) and fills it. On failure
// what was created is removed again (best effort).
Status WriteCheckpoint(const CheckpointSource& source, const std::string& dir);

}  // namespace mmdb
