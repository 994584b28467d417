#include "sst/table_reader.h"

#include "sst/filter.h"
#include "sst/table_iterator.h"
#include "types/internal_key.h"
#include "util/coding.h"

namespace mmdb {

TableReader::TableReader(PrivateTag, const TableReaderOptions& options,
                         std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
                         uint64_t file_number, Block index_block)
    : options_(options),
      file_(std::move(file)),
      file_size_(file_size),
      file_number_(file_number),
      file_name_(TableFileName(file_number)),
      index_block_(std::move(index_block)) {}

TableReader::~TableReader() = default;

Result<std::shared_ptr<TableReader>> TableReader::Open(const TableReaderOptions& options,
                                                       std::unique_ptr<RandomAccessFile> file,
                                                       uint64_t file_size, uint64_t file_number) {
  const std::string name = TableFileName(file_number);
  MMDB_ASSIGN_OR_RETURN(Footer footer, ReadFooter(*file, file_size, name));
  // Metadata blocks are always checksummed: they are read once per open.
  MMDB_ASSIGN_OR_RETURN(auto index_bytes,
                        ReadBlock(*file, file_size, footer.index_handle, true, name));
  Result<Block> index = Block::Parse(index_bytes);
  if (!index.ok()) {
    return index.status().WithContext(name + ": index block at offset " +
                                      std::to_string(footer.index_handle.offset));
  }
  auto reader = std::make_shared<TableReader>(PrivateTag{}, options, std::move(file), file_size,
                                              file_number, std::move(*index));
  reader->metadata_blocks_.push_back({footer.index_handle.offset, std::move(index_bytes)});
  MMDB_RETURN_IF_ERROR(reader->ReadMetaIndex(footer));
  return reader;
}

Status TableReader::ReadMetaIndex(const Footer& footer) {
  metaindex_offset_ = footer.metaindex_handle.offset;
  const std::string where =
      file_name_ + ": metaindex block at offset " + std::to_string(metaindex_offset_);
  MMDB_ASSIGN_OR_RETURN(auto bytes,
                        ReadBlock(*file_, file_size_, footer.metaindex_handle, true, file_name_));
  Result<Block> meta = Block::Parse(std::move(bytes));
  if (!meta.ok()) return meta.status().WithContext(where);

  bool has_prefix_len = false;
  BlockIter it(*meta, BlockKeyOrder::kBytewise);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    const std::string_view key = it.key();
    std::string_view value = it.value();
    if (key == kMetaFilterPrefixLen) {
      uint64_t len;
      if (value.size() != 8 || !GetFixed64(&value, &len)) {
        return Status::Corruption(where + ": bad filter.prefix_len value");
      }
      if (len == 0 || len > kMaxUserKeySize) {
        return Status::Corruption(where + ": invalid prefix length " + std::to_string(len));
      }
      prefix_length_ = static_cast<size_t>(len);
      has_prefix_len = true;
      continue;
    }
    std::string_view* target = nullptr;
    if (key == kMetaFilterBloom) {
      target = &bloom_filter_;
    } else if (key == kMetaFilterPrefix) {
      target = &prefix_filter_;
    } else if (key != kMetaRangeDelBlock) {
      continue;  // an extension this reader does not know: ignore it
    }
    BlockHandle handle;
    if (value.size() != kBlockHandleSize || !BlockHandle::DecodeFrom(&value, &handle)) {
      return Status::Corruption(where + ": bad handle for " + std::string(key));
    }
    MMDB_ASSIGN_OR_RETURN(auto block, ReadBlock(*file_, file_size_, handle, true, file_name_));
    if (target != nullptr) {
      *target = *block;
      metadata_blocks_.push_back({handle.offset, std::move(block)});
      continue;
    }
    Result<Block> range_del = Block::Parse(std::move(block));
    if (!range_del.ok()) {
      return range_del.status().WithContext(file_name_ + ": range-deletion block at offset " +
                                            std::to_string(handle.offset));
    }
    MMDB_RETURN_IF_ERROR(ParseRangeTombstones(*range_del)
                             .WithContext(file_name_ + ": range-deletion block at offset " +
                                          std::to_string(handle.offset)));
  }
  MMDB_RETURN_IF_ERROR(it.status().WithContext(where));
  if (!has_prefix_len) {
    // A prefix filter without its length cannot be probed: treat it as absent.
    prefix_filter_ = {};
    prefix_length_ = 0;
  } else if (prefix_filter_.empty()) {
    prefix_length_ = 0;
  }
  return Status::OK();
}

Status TableReader::ParseRangeTombstones(const Block& block) {
  BlockIter it(block, BlockKeyOrder::kInternalKey);
  std::string prev_storage;
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    ParsedInternalKey parsed;
    if (!ParseInternalKey(it.key(), &parsed) || parsed.type != ValueType::kRangeDeletion) {
      return Status::Corruption("bad range tombstone key " + EscapeBytes(it.key()));
    }
    if (CompareUserKey(parsed.user_key, it.value()) >= 0) {
      return Status::Corruption("empty or inverted range tombstone [" +
                                EscapeBytes(parsed.user_key) + ", " + EscapeBytes(it.value()) +
                                ")");
    }
    if (!prev_storage.empty() && CompareInternalKey(prev_storage, it.key()) >= 0) {
      return Status::Corruption("range tombstones out of order at " +
                                InternalKeyDebugString(it.key()));
    }
    prev_storage.assign(it.key());
    range_tombstones_.push_back(RangeTombstone{.begin = std::string(parsed.user_key),
                                               .end = std::string(it.value()),
                                               .sequence = parsed.sequence});
  }
  return it.status();
}

bool TableReader::KeyMayMatch(std::string_view user_key) const {
  return bloom_filter_.empty() || BloomKeyMayMatch(user_key, bloom_filter_);
}

bool TableReader::PrefixMayMatch(std::string_view prefix) const {
  if (prefix_filter_.empty() || prefix.size() < prefix_length_) return true;
  return BloomKeyMayMatch(prefix.substr(0, prefix_length_), prefix_filter_);
}

Result<Block> TableReader::ReadDataBlock(const BlockHandle& handle, bool fill_cache,
                                         bool verify_checksums) const {
  Statistics* stats = options_.statistics;
  if (file_->ReadsInPlace() && StoredUncompressed(handle)) {
    // A block of a memory-mapped file, stored as is: parsed where it lies
    // (checked like any block read), no copy and no cache entry; the page
    // cache holds it. The reader owns the mapping, so the block holds it.
    MMDB_ASSIGN_OR_RETURN(BlockContents c, ReadBlockContents(*file_, file_size_, handle,
                                                             verify_checksums, file_name_));
    if (stats != nullptr) {
      stats->RecordTick(kBlockRead);
      stats->RecordTick(kBlockReadBytes, handle.size);
    }
    std::shared_ptr<const void> owner = std::move(c.heap);
    if (owner == nullptr) owner = shared_from_this();
    Result<Block> block = Block::Parse(c.data, std::move(owner));
    if (!block.ok()) {
      return block.status().WithContext(file_name_ + ": data block at offset " +
                                        std::to_string(handle.offset));
    }
    return block;
  }
  BlockCache* cache = options_.block_cache;
  const BlockCacheKey key{
      .cache_id = options_.cache_id, .file_number = file_number_, .offset = handle.offset};
  std::shared_ptr<const std::string> bytes;
  if (cache != nullptr) {
    bytes = cache->Lookup(key);
    if (stats != nullptr) {
      stats->RecordTick(bytes != nullptr ? kBlockCacheHit : kBlockCacheMiss);
      stats->RecordTick(bytes != nullptr ? kBlockCacheDataHit : kBlockCacheDataMiss);
    }
  }
  if (bytes == nullptr) {
    MMDB_ASSIGN_OR_RETURN(bytes,
                          ReadBlock(*file_, file_size_, handle, verify_checksums, file_name_));
    if (stats != nullptr) {
      stats->RecordTick(kBlockRead);
      stats->RecordTick(kBlockReadBytes, handle.size);
    }
    if (cache != nullptr && fill_cache) {
      const size_t evicted = cache->Insert(key, bytes, /*pinned=*/false);
      if (stats != nullptr) {
        stats->RecordTick(kBlockCacheAdd);
        if (evicted > 0) stats->RecordTick(kBlockCacheEvict, evicted);
      }
    }
  }
  Result<Block> block = Block::Parse(std::move(bytes));
  if (!block.ok()) {
    return block.status().WithContext(file_name_ + ": data block at offset " +
                                      std::to_string(handle.offset));
  }
  return block;
}

bool TableReader::StoredUncompressed(const BlockHandle& handle) const {
  // The codec byte follows the stored bytes; a handle past the end is left
  // to ReadBlockContents to report.
  if (handle.offset >= file_size_ || handle.size >= file_size_ - handle.offset) return false;
  std::string_view type;
  if (!file_->Read(handle.offset + handle.size, 1, &type, nullptr).ok() || type.size() != 1) {
    return false;
  }
  return static_cast<uint8_t>(type[0]) == static_cast<uint8_t>(CompressionType::kNone);
}

Status TableReader::Get(std::string_view lookup_internal_key, bool fill_cache,
                        TableGetResult* result) const {
  *result = TableGetResult();
  if (lookup_internal_key.size() < kTrailerSize) {
    return Status::InvalidArgument("lookup key shorter than an internal key trailer");
  }
  const std::string_view user_key = ExtractUserKey(lookup_internal_key);
  if (!KeyMayMatch(user_key)) {
    result->filtered_by_bloom = true;
    return Status::OK();
  }
  BlockIter index(index_block_, BlockKeyOrder::kInternalKey);
  index.Seek(lookup_internal_key);
  if (!index.Valid()) return index.status().WithContext(file_name_ + ": index block");
  IndexValue iv;
  if (!DecodeIndexValue(index.value(), &iv)) {
    return Status::Corruption(file_name_ + ": bad index entry for " +
                              InternalKeyDebugString(index.key()));
  }
  MMDB_ASSIGN_OR_RETURN(Block block,
                        ReadDataBlock(iv.handle, fill_cache, options_.verify_checksums));
  BlockIter it(block, BlockKeyOrder::kInternalKey);
  it.Seek(lookup_internal_key);
  if (!it.Valid()) {
    return it.status().WithContext(file_name_ + ": data block at offset " +
                                   std::to_string(iv.handle.offset));
  }
  ParsedInternalKey parsed;
  if (!ParseInternalKey(it.key(), &parsed)) {
    return Status::Corruption(file_name_ + ": malformed internal key in data block at offset " +
                              std::to_string(iv.handle.offset));
  }
  if (parsed.user_key != user_key) return Status::OK();
  result->kind = parsed.type == ValueType::kValue ? TableGetResult::Kind::kValue
                                                  : TableGetResult::Kind::kDeletion;
  result->sequence = parsed.sequence;
  result->internal_key.assign(it.key());
  result->value = it.value();
  result->block = block.owner();
  return Status::OK();
}

std::unique_ptr<InternalIterator> TableReader::NewIterator(bool fill_cache,
                                                           bool verify_checksums) const {
  return std::make_unique<TableIterator>(shared_from_this(), fill_cache, verify_checksums);
}

size_t TableReader::MetadataMemoryUsage() const {
  size_t n = index_block_.size() + bloom_filter_.size() + prefix_filter_.size();
  for (const RangeTombstone& t : range_tombstones_) {
    n += sizeof(RangeTombstone) + t.begin.size() + t.end.size();
  }
  return n;
}

std::vector<uint64_t> TableReader::DataBlockOffsets() const {
  std::vector<uint64_t> offsets;
  BlockIter index(index_block_, BlockKeyOrder::kInternalKey);
  for (index.SeekToFirst(); index.Valid(); index.Next()) {
    IndexValue iv;
    if (!DecodeIndexValue(index.value(), &iv)) break;
    offsets.push_back(iv.handle.offset);
  }
  return offsets;
}

uint64_t TableReader::ApproximateOffsetOf(std::string_view internal_key) const {
  BlockIter index(index_block_, BlockKeyOrder::kInternalKey);
  index.Seek(internal_key);
  IndexValue iv;
  if (index.Valid() && DecodeIndexValue(index.value(), &iv)) return iv.handle.offset;
  // Past the last block (or a bad index): the data ends where metadata begins.
  return metaindex_offset_;
}

}  // namespace mmdb
