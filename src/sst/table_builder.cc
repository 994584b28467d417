#include "sst/table_builder.h"

#include <cassert>
#include <optional>

#include "sst/filter.h"
#include "types/internal_key.h"
#include "util/coding.h"
#include "util/compression.h"
#include "util/hash.h"

namespace mmdb {

namespace {
// Room left in a block for its restart array and entry headers when the
// 64 MiB reader limit decides a cut (the Rust builder's margin).
constexpr size_t kBlockFramingMargin = 64;
}  // namespace

TableBuilder::TableBuilder(const TableBuilderOptions& options, WritableFile* file)
    : options_(options),
      file_(file),
      data_block_(options.block_restart_interval),
      index_block_(1),
      range_del_block_(options.block_restart_interval) {}

TableBuilder::~TableBuilder() {
  // Destroying an unfinished builder is an implicit Abandon().
}

Status TableBuilder::CheckEntry(std::string_view internal_key, std::string_view value) const {
  ParsedInternalKey parsed;
  if (!ParseInternalKey(internal_key, &parsed)) {
    return Status::InvalidArgument("malformed internal key " + EscapeBytes(internal_key));
  }
  if (parsed.user_key.size() > kMaxUserKeySize) {
    return Status::InvalidArgument("user key of " + std::to_string(parsed.user_key.size()) +
                                   " bytes exceeds the 8 MiB limit");
  }
  if (parsed.user_key.size() + value.size() > kMaxEntrySize) {
    return Status::InvalidArgument("key + value of " +
                                   std::to_string(parsed.user_key.size() + value.size()) +
                                   " bytes exceeds the 64 MiB - 72 limit");
  }
  if (result_.num_entries > 0 && CompareInternalKey(internal_key, last_key_) <= 0) {
    return Status::InvalidArgument("key " + InternalKeyDebugString(internal_key) + " added after " +
                                   InternalKeyDebugString(last_key_) +
                                   ": keys must be strictly increasing");
  }
  return Status::OK();
}

Status TableBuilder::Add(std::string_view internal_key, std::string_view value) {
  assert(!closed_);
  if (!status_.ok()) return status_;
  MMDB_RETURN_IF_ERROR(CheckEntry(internal_key, value));

  if (result_.num_entries == 0) result_.smallest_key.assign(internal_key);
  result_.largest_key.assign(internal_key);
  ++result_.num_entries;
  result_.raw_key_bytes += internal_key.size();
  result_.raw_value_bytes += value.size();

  const ValueType type = ExtractValueType(internal_key);
  if (type == ValueType::kRangeDeletion) {
    range_del_block_.Add(internal_key, value);
    result_.has_range_deletions = true;
    ++result_.num_range_deletions;
    if (CompareUserKey(value, result_.range_del_end) > 0) result_.range_del_end.assign(value);
    last_key_.assign(internal_key);
    return Status::OK();
  }
  if (type == ValueType::kDeletion) ++result_.num_deletions;

  const std::string_view user_key = ExtractUserKey(internal_key);
  if (options_.bloom_bits_per_key > 0) {
    key_hashes_.push_back(BloomHash(user_key));
    const size_t plen = options_.prefix_length;
    if (plen > 0 && user_key.size() >= plen) {
      // Keys arrive sorted, so equal prefixes are adjacent.
      const std::string_view prefix = user_key.substr(0, plen);
      if (prefixes_.empty() || prefixes_.back() != prefix) prefixes_.emplace_back(prefix);
    }
  }

  const size_t estimated = data_block_.EstimatedSize();
  const size_t entry_size = internal_key.size() + value.size();
  if (!data_block_.empty() &&
      (estimated >= options_.block_size ||
       estimated + entry_size > kMaxUncompressedBlockSize - kBlockFramingMargin)) {
    MMDB_RETURN_IF_ERROR(FlushDataBlock());
  }
  if (data_block_.empty()) data_block_first_key_.assign(internal_key);
  data_block_.Add(internal_key, value);
  last_key_.assign(internal_key);
  return Status::OK();
}

Status TableBuilder::WriteBlock(std::string_view raw, BlockHandle* handle) {
  uint8_t codec;
  const std::string_view stored =
      CompressBlockIfSmaller(raw, options_.compression, &compressed_scratch_, &codec);
  trailer_.clear();
  AppendBlockTrailer(stored, codec, &trailer_);
  Status s = file_->Append(stored);
  if (s.ok()) s = file_->Append(trailer_);
  if (!s.ok()) {
    status_ = s;
    return s;
  }
  handle->offset = offset_;
  handle->size = stored.size();
  offset_ += stored.size() + kBlockTrailerSize;
  return Status::OK();
}

Status TableBuilder::FlushDataBlock() {
  assert(!data_block_.empty());
  BlockHandle handle;
  MMDB_RETURN_IF_ERROR(WriteBlock(data_block_.Finish(), &handle));
  data_block_.Reset();

  std::string index_value;
  index_value.reserve(kBlockHandleSize + 4 + data_block_first_key_.size());
  handle.EncodeTo(&index_value);
  PutLengthPrefixed32(&index_value, data_block_first_key_);
  // The index key is the last key added before the cut: the block's last
  // key, or a range-deletion key added after it. The Rust builder does the
  // same, so files stay byte-identical; either way it separates this block
  // from the next (>= every key in it, < the next block's first key), and
  // readers treat a kRangeDeletion index key as a separator only.
  index_block_.Add(last_key_, index_value);
  return Status::OK();
}

Result<TableBuildResult> TableBuilder::Finish() {
  assert(!closed_);
  closed_ = true;
  MMDB_RETURN_IF_ERROR(status_);
  if (!data_block_.empty()) MMDB_RETURN_IF_ERROR(FlushDataBlock());

  std::optional<BlockHandle> bloom_handle, prefix_handle, range_del_handle;
  if (options_.bloom_bits_per_key > 0 && !key_hashes_.empty()) {
    const std::string filter = BuildBloomFilter(key_hashes_, options_.bloom_bits_per_key);
    MMDB_RETURN_IF_ERROR(WriteBlock(filter, &bloom_handle.emplace()));
  }
  std::vector<uint32_t>().swap(key_hashes_);
  if (options_.bloom_bits_per_key > 0 && options_.prefix_length > 0 && !prefixes_.empty()) {
    std::vector<uint32_t> hashes;
    hashes.reserve(prefixes_.size());
    for (const std::string& p : prefixes_) hashes.push_back(BloomHash(p));
    const std::string filter = BuildBloomFilter(hashes, options_.bloom_bits_per_key);
    MMDB_RETURN_IF_ERROR(WriteBlock(filter, &prefix_handle.emplace()));
  }
  if (!range_del_block_.empty()) {
    MMDB_RETURN_IF_ERROR(WriteBlock(range_del_block_.Finish(), &range_del_handle.emplace()));
  }

  // Metaindex keys in bytewise order.
  BlockBuilder metaindex(1);
  if (bloom_handle) metaindex.Add(kMetaFilterBloom, bloom_handle->Encode());
  if (prefix_handle) {
    metaindex.Add(kMetaFilterPrefix, prefix_handle->Encode());
    std::string len;
    PutFixed64(&len, options_.prefix_length);
    metaindex.Add(kMetaFilterPrefixLen, len);
  }
  if (range_del_handle) metaindex.Add(kMetaRangeDelBlock, range_del_handle->Encode());

  Footer footer;
  MMDB_RETURN_IF_ERROR(WriteBlock(metaindex.Finish(), &footer.metaindex_handle));
  MMDB_RETURN_IF_ERROR(WriteBlock(index_block_.Finish(), &footer.index_handle));
  std::string footer_bytes;
  footer.EncodeTo(&footer_bytes);
  MMDB_RETURN_IF_ERROR(file_->Append(footer_bytes));
  offset_ += footer_bytes.size();
  MMDB_RETURN_IF_ERROR(file_->Sync());

  result_.file_size = offset_;
  return result_;
}

void TableBuilder::Abandon() {
  assert(!closed_);
  closed_ = true;
}

Status FinishOrAbandon(TableBuilder* builder, Status status, WritableFile* file,
                       TableBuildResult* result) {
  if (status.ok()) {
    Result<TableBuildResult> finished = builder->Finish();
    if (finished.ok()) {
      *result = std::move(finished).value();
    } else {
      status = finished.status();
    }
  } else {
    builder->Abandon();
  }
  Status closed = file->Close();
  return status.ok() ? closed : status;
}

}  // namespace mmdb
