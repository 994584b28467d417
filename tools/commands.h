// The mmdb tool's commands, one function each (tools/main.cc parses the
// command line and calls them). Each prints its result to stdout and
// returns the Status that decides the exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <mmdb/status.h>

#include "tools/cli_util.h"
#include "util/result.h"

namespace mmdb::tools {

// The key range of scan, count and compact: --prefix, or [--from, --to).
struct RangeArgs {
  std::string prefix;
  std::optional<std::string> from;
  std::optional<std::string> to;
};

struct ScanArgs {
  RangeArgs range;
  bool reverse = false;
  uint64_t limit = UINT64_MAX;
  bool keys_only = false;
};

struct BenchArgs {
  uint64_t num = 200000;
  size_t value_size = 100;
  uint64_t seed = 301;
};

// db_commands.cc: commands on an open DB.
Status GetKey(const GlobalArgs& g, const std::string& key);
Status PutKey(const GlobalArgs& g, const std::string& key, const std::string& value);
Status DeleteKey(const GlobalArgs& g, const std::string& key);
Status DeleteRange(const GlobalArgs& g, const std::string& begin, const std::string& end);
Status Scan(const GlobalArgs& g, const ScanArgs& args);
Status Count(const GlobalArgs& g, const RangeArgs& range);
Status Compact(const GlobalArgs& g, const RangeArgs& range);
Status FlushDB(const GlobalArgs& g);
Status PrintStats(const GlobalArgs& g);
Status PrintProperty(const GlobalArgs& g, const std::string& name);
Status Checkpoint(const GlobalArgs& g, const std::string& dest);
Status Ingest(const GlobalArgs& g, const std::vector<std::string>& files);

// verify.cc: reads every block of every file of the DB and checks its checksum.
Status Verify(const GlobalArgs& g);

// db_commands.cc: RepairDB (include/mmdb/db.h) with a summary of what it did.
Status Repair(const GlobalArgs& g);

// dump.cc: decode one file for humans.
Status DumpSst(const GlobalArgs& g, const std::string& file);
Status DumpWal(const GlobalArgs& g, const std::string& file);
// `file` empty: the MANIFEST named by --db's CURRENT.
Status DumpManifest(const GlobalArgs& g, const std::string& file);

// bench.cc: a quick fillrandom / readrandom / readseq run on --db.
Status RunBench(const GlobalArgs& g, const BenchArgs& args);

}  // namespace mmdb::tools
