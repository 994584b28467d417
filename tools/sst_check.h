// CheckSst: reads every block of one SST and checks it (mmdb verify).
#pragma once

#include <cstdint>
#include <string>

#include <mmdb/env.h>
#include <mmdb/status.h>

namespace mmdb::tools {

struct SstCheckResult {
  uint64_t data_blocks = 0;
  uint64_t entries = 0;
  uint64_t range_deletions = 0;
};

// Opens the table at `path` (footer, metaindex, index, filters and
// range-deletion block, all checksummed), then reads every data block with
// its checksum verified and checks that its entries are well formed and in
// order, across blocks too. Corruption names the block's offset.
Status CheckSst(Env* env, const std::string& path, uint64_t file_number, SstCheckResult* result);

}  // namespace mmdb::tools
