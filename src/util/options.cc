#include <sstream>

#include <mmdb/options.h>

#include "util/compression.h"

namespace mmdb {

Options Options::WriteHeavy() {
  Options o;
  o.write_buffer_size = 128u << 20;
  o.max_write_buffer_number = 4;
  o.max_background_compactions = 4;
  o.compression = CompressionType::kLZ4;
  o.l0_compaction_trigger = 8;
  return o;
}

Options Options::ReadHeavy() {
  Options o;
  o.block_cache_capacity = 1ull << 30;
  o.bloom_bits_per_key = 14;
  return o;
}

CompressionType Options::CompressionForLevel(int level) const {
  if (compression_per_level.empty()) return compression;
  if (level < 0) level = 0;
  const size_t i = static_cast<size_t>(level);
  return i < compression_per_level.size() ? compression_per_level[i] : compression_per_level.back();
}

Status Options::Validate() const {
  auto bad = [](const std::string& what) { return Status::InvalidArgument("options: " + what); };
  if (write_buffer_size < (4u << 10)) return bad("write_buffer_size must be >= 4096");
  if (max_write_buffer_number < 2) return bad("max_write_buffer_number must be >= 2");
  if (block_size < 64 || block_size > (32u << 20)) return bad("block_size must be in [64, 32 MiB]");
  if (block_restart_interval < 1) return bad("block_restart_interval must be >= 1");
  if (bloom_bits_per_key < 0 || bloom_bits_per_key > 64) {
    return bad("bloom_bits_per_key must be in [0, 64]");
  }
  if (num_levels < 2 || num_levels > 64) return bad("num_levels must be in [2, 64]");
  if (l0_compaction_trigger < 1) return bad("l0_compaction_trigger must be >= 1");
  if (l0_slowdown_writes_trigger < l0_compaction_trigger) {
    return bad("l0_slowdown_writes_trigger must be >= l0_compaction_trigger");
  }
  if (l0_stop_writes_trigger < l0_slowdown_writes_trigger) {
    return bad("l0_stop_writes_trigger must be >= l0_slowdown_writes_trigger");
  }
  if (target_file_size_base < (4u << 10)) return bad("target_file_size_base must be >= 4096");
  if (max_bytes_for_level_multiplier < 1) return bad("max_bytes_for_level_multiplier must be >= 1");
  if (max_background_compactions < 1) return bad("max_background_compactions must be >= 1");
  if (max_subcompactions < 1) return bad("max_subcompactions must be >= 1");
  for (CompressionType c : compression_per_level) {
    if (!IsKnownCompressionType(static_cast<uint8_t>(c))) return bad("unknown compression type");
  }
  if (!IsKnownCompressionType(static_cast<uint8_t>(compression))) {
    return bad("unknown compression type");
  }
  return Status::OK();
}

std::string Options::ToString() const {
  std::ostringstream o;
  o << "create_if_missing: " << create_if_missing << "\n"
    << "error_if_exists: " << error_if_exists << "\n"
    << "paranoid_checks: " << paranoid_checks << "\n"
    << "write_buffer_size: " << write_buffer_size << "\n"
    << "max_write_buffer_number: " << max_write_buffer_number << "\n"
    << "wal_bytes_per_sync: " << wal_bytes_per_sync << "\n"
    << "block_size: " << block_size << "\n"
    << "block_restart_interval: " << block_restart_interval << "\n"
    << "bloom_bits_per_key: " << bloom_bits_per_key << "\n"
    << "prefix_length: " << prefix_length << "\n"
    << "compression: " << CompressionTypeName(compression) << "\n"
    << "compression_per_level:";
  for (CompressionType c : compression_per_level) o << " " << CompressionTypeName(c);
  o << "\n"
    << "block_cache_capacity: " << block_cache_capacity << "\n"
    << "block_cache: " << (block_cache ? "shared" : "private") << "\n"
    << "max_open_files: " << max_open_files << "\n"
    << "pin_l0_filter_and_index_blocks_in_cache: " << pin_l0_filter_and_index_blocks_in_cache
    << "\n"
    << "allow_mmap_reads: " << (allow_mmap_reads ? "true" : "false") << "\n"
    << "num_levels: " << num_levels << "\n"
    << "l0_compaction_trigger: " << l0_compaction_trigger << "\n"
    << "l0_slowdown_writes_trigger: " << l0_slowdown_writes_trigger << "\n"
    << "l0_stop_writes_trigger: " << l0_stop_writes_trigger << "\n"
    << "target_file_size_base: " << target_file_size_base << "\n"
    << "max_bytes_for_level_base: " << max_bytes_for_level_base << "\n"
    << "max_bytes_for_level_multiplier: " << max_bytes_for_level_multiplier << "\n"
    << "max_background_compactions: " << max_background_compactions << "\n"
    << "max_subcompactions: " << max_subcompactions << "\n"
    << "read_triggered_compaction: " << (read_triggered_compaction ? "true" : "false") << "\n"
    << "rate_limit_bytes_per_sec: " << rate_limit_bytes_per_sec << "\n"
    << "compaction_filter: " << (compaction_filter ? "set" : "none") << "\n"
    << "rust_tombstone_layout: " << (rust_tombstone_layout ? "true" : "false") << "\n"
    << "statistics: " << (statistics ? "on" : "off") << "\n";
  return o.str();
}

}  // namespace mmdb
