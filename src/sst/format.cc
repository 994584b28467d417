#include "sst/format.h"

#include <cstdio>

#include "util/coding.h"
#include "util/compression.h"
#include "util/crc32.h"

namespace mmdb {

void BlockHandle::EncodeTo(std::string* dst) const {
  PutFixed64(dst, offset);
  PutFixed64(dst, size);
}

std::string BlockHandle::Encode() const {
  std::string s;
  EncodeTo(&s);
  return s;
}

bool BlockHandle::DecodeFrom(std::string_view* input, BlockHandle* handle) {
  return GetFixed64(input, &handle->offset) && GetFixed64(input, &handle->size);
}

void Footer::EncodeTo(std::string* dst) const {
  metaindex_handle.EncodeTo(dst);
  index_handle.EncodeTo(dst);
  PutFixed64(dst, 0);
  PutFixed64(dst, kTableMagicNumber);
}

Result<Footer> Footer::DecodeFrom(std::string_view input, std::string_view file_name) {
  if (input.size() != kFooterSize) {
    return Status::Corruption(std::string(file_name) + ": footer is " +
                              std::to_string(input.size()) + " bytes, expected 48");
  }
  const uint64_t magic = DecodeFixed64(input.data() + 40);
  if (magic != kTableMagicNumber) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(magic));
    return Status::Corruption(std::string(file_name) + ": bad SST magic " + buf +
                              " (not an MMDB table)");
  }
  Footer footer;
  std::string_view in = input;
  // Cannot fail: 48 bytes hold both handles.
  (void)BlockHandle::DecodeFrom(&in, &footer.metaindex_handle);
  (void)BlockHandle::DecodeFrom(&in, &footer.index_handle);
  return footer;
}

bool DecodeIndexValue(std::string_view value, IndexValue* out) {
  if (!BlockHandle::DecodeFrom(&value, &out->handle)) return false;
  out->first_key = {};
  uint32_t len;
  if (value.size() > 4 && GetFixed32(&value, &len) && len > 0 && value.size() >= len) {
    out->first_key = value.substr(0, len);
  }
  return true;
}

std::string TableFileName(uint64_t file_number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06llu.sst", static_cast<unsigned long long>(file_number));
  return buf;
}

Result<Footer> ReadFooter(const RandomAccessFile& file, uint64_t file_size,
                          std::string_view file_name) {
  if (file_size < kFooterSize) {
    return Status::Corruption(std::string(file_name) + ": file too short (" +
                              std::to_string(file_size) + " bytes) to be an SST");
  }
  char scratch[kFooterSize];
  std::string_view data;
  MMDB_RETURN_IF_ERROR(
      file.Read(file_size - kFooterSize, kFooterSize, &data, scratch).WithContext(file_name));
  if (data.size() != kFooterSize) {
    return Status::Corruption(std::string(file_name) + ": truncated footer");
  }
  return Footer::DecodeFrom(data, file_name);
}

namespace {

Status BlockCorruption(std::string_view file_name, uint64_t offset, std::string_view what) {
  return Status::Corruption(std::string(file_name) + ": " + std::string(what) + " at offset " +
                            std::to_string(offset));
}

}  // namespace

Result<BlockContents> ReadBlockContents(const RandomAccessFile& file, uint64_t file_size,
                                        const BlockHandle& handle, bool verify_checksum,
                                        std::string_view file_name) {
  if (handle.size > kMaxUncompressedBlockSize) {
    return BlockCorruption(file_name, handle.offset,
                           "block size " + std::to_string(handle.size) + " exceeds 64 MiB");
  }
  const uint64_t n = handle.size + kBlockTrailerSize;
  if (handle.offset > file_size || n > file_size - handle.offset) {
    return BlockCorruption(file_name, handle.offset,
                           "block handle (size " + std::to_string(handle.size) +
                               ") past end of file of " + std::to_string(file_size) + " bytes");
  }
  // A file that reads in place needs no buffer; otherwise the read lands in
  // the string that becomes the block (for an uncompressed block).
  std::string buf;
  if (!file.ReadsInPlace()) buf.resize(static_cast<size_t>(n));
  std::string_view data;
  MMDB_RETURN_IF_ERROR(file.Read(handle.offset, n, &data, buf.data()).WithContext(file_name));
  if (data.size() != n) return BlockCorruption(file_name, handle.offset, "truncated block read");
  const bool in_place = data.data() != buf.data();

  const size_t size = static_cast<size_t>(handle.size);
  const uint8_t type = static_cast<uint8_t>(data[size]);
  if (verify_checksum) {
    const uint32_t expected = DecodeFixed32(data.data() + size + 1);
    const uint32_t actual = crc32::Value(data.data(), size + 1);
    if (expected != actual) return BlockCorruption(file_name, handle.offset, "bad block checksum");
  }
  if (!IsKnownCompressionType(type)) {
    return BlockCorruption(file_name, handle.offset,
                           "unknown block compression type " + std::to_string(type));
  }
  BlockContents out;
  if (type == static_cast<uint8_t>(CompressionType::kNone)) {
    if (in_place) {
      out.data = data.substr(0, size);
      return out;
    }
    buf.resize(size);
    out.heap = std::make_shared<const std::string>(std::move(buf));
    out.data = *out.heap;
    return out;
  }
  std::string plain;
  Status s = UncompressBlock(type, data.substr(0, size), &plain);
  if (!s.ok()) {
    return BlockCorruption(file_name, handle.offset, "block does not decompress: " + s.ToString());
  }
  out.heap = std::make_shared<const std::string>(std::move(plain));
  out.data = *out.heap;
  return out;
}

Result<std::shared_ptr<const std::string>> ReadBlock(const RandomAccessFile& file,
                                                     uint64_t file_size, const BlockHandle& handle,
                                                     bool verify_checksum,
                                                     std::string_view file_name) {
  MMDB_ASSIGN_OR_RETURN(BlockContents c,
                        ReadBlockContents(file, file_size, handle, verify_checksum, file_name));
  if (c.heap != nullptr) return std::move(c.heap);
  return std::make_shared<const std::string>(c.data);
}

std::string_view CompressBlockIfSmaller(std::string_view raw, CompressionType type,
                                        std::string* scratch, uint8_t* codec) {
  if (type != CompressionType::kNone && CompressBlock(type, raw, scratch)) {
    *codec = static_cast<uint8_t>(type);
    return *scratch;
  }
  *codec = static_cast<uint8_t>(CompressionType::kNone);
  return raw;
}

void AppendBlockTrailer(std::string_view block, uint8_t type, std::string* dst) {
  const char t = static_cast<char>(type);
  uint32_t crc = crc32::Value(block);
  crc = crc32::Extend(crc, &t, 1);
  dst->push_back(t);
  PutFixed32(dst, crc);
}

}  // namespace mmdb
