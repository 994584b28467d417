// SST framing shared by the table builder and reader: block handles, the
// 48-byte footer, the 5-byte block trailer, and reading / writing one block
// with its codec and checksum (FORMAT.md "SST file"; docs/format/sst.md).
//
//   block handle := offset (u64 LE) ‖ size (u64 LE, without the trailer)
//   trailer      := codec (u8) ‖ crc32 (u32 LE) over stored bytes ‖ codec
//   footer       := metaindex handle ‖ index handle ‖ 8 zero bytes ‖ magic
//
// Owner: sst. Thread safety: plain values and free functions; ReadBlock may
// be called concurrently on one RandomAccessFile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <mmdb/env.h>
#include <mmdb/options.h>
#include <mmdb/status.h>

#include "util/result.h"

namespace mmdb {

inline constexpr uint64_t kTableMagicNumber = 0x4D4D444253535400ull;  // "\0TSSBDMM" LE
inline constexpr size_t kBlockHandleSize = 16;
inline constexpr size_t kFooterSize = 48;
inline constexpr size_t kBlockTrailerSize = 5;

// Metaindex keys (sorted bytewise in the metaindex block).
inline constexpr std::string_view kMetaFilterBloom = "filter.bloom";
inline constexpr std::string_view kMetaFilterPrefix = "filter.prefix";
inline constexpr std::string_view kMetaFilterPrefixLen = "filter.prefix_len";
inline constexpr std::string_view kMetaRangeDelBlock = "rangedelblock";

struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;  // stored bytes, not counting the 5-byte trailer

  // Appends the 16-byte encoding to *dst.
  void EncodeTo(std::string* dst) const;
  std::string Encode() const;
  // Consumes 16 bytes from the front of *input; false when it is shorter.
  static bool DecodeFrom(std::string_view* input, BlockHandle* handle);
  bool operator==(const BlockHandle&) const = default;
};

struct Footer {
  BlockHandle metaindex_handle;
  BlockHandle index_handle;

  // Appends the 48-byte encoding to *dst.
  void EncodeTo(std::string* dst) const;
  // Parses exactly kFooterSize bytes. Corruption (prefixed by `file_name`)
  // on a wrong size or a bad magic number.
  static Result<Footer> DecodeFrom(std::string_view input, std::string_view file_name);
};

// An index-block value: the data block's handle, then (in files written
// since the deferred-read format) its first internal key:
//   handle (16) ‖ first-key length (u32 LE) ‖ first key ‖ [property list]
// The property list is ignored. An absent or empty first key leaves
// first_key empty (the reader then has to read the block to know it).
struct IndexValue {
  BlockHandle handle;
  std::string_view first_key;  // points into the decoded value
};
// False when `value` is shorter than a handle.
bool DecodeIndexValue(std::string_view value, IndexValue* out);

// "<number padded to 6 digits>.sst", the name used in messages and on disk.
std::string TableFileName(uint64_t file_number);

// Reads and decodes the footer of a file of `file_size` bytes. Corruption
// when the file is shorter than a footer or the magic is wrong.
Result<Footer> ReadFooter(const RandomAccessFile& file, uint64_t file_size,
                          std::string_view file_name);

// Reads the block at `handle` with its trailer and returns its decompressed
// contents (shared, immutable: ready for the block cache). Corruption naming
// `file_name` and the offset when the handle reaches past `file_size`, the
// stored size exceeds kMaxUncompressedBlockSize, the checksum is wrong (only
// checked when `verify_checksum`), the codec byte is unknown, or the payload
// does not decompress.
Result<std::shared_ptr<const std::string>> ReadBlock(const RandomAccessFile& file,
                                                     uint64_t file_size, const BlockHandle& handle,
                                                     bool verify_checksum,
                                                     std::string_view file_name);

// A block's decompressed bytes: `data` views either `heap` or, when `heap`
// is null, memory the file owns (a memory-mapped file's pages; valid while
// the file lives).
struct BlockContents {
  std::string_view data;
  std::shared_ptr<const std::string> heap;
};

// ReadBlock, without a copy where it can: when `file` ReadsInPlace() and the
// block is stored uncompressed, the result views the file's memory (checked
// like any other block). Same errors as ReadBlock.
Result<BlockContents> ReadBlockContents(const RandomAccessFile& file, uint64_t file_size,
                                        const BlockHandle& handle, bool verify_checksum,
                                        std::string_view file_name);

// Chooses the stored form of `raw` (FORMAT.md "Compression"): the output of
// codec `type` when it is smaller, else `raw` itself with codec 0. Returns a
// view of `raw` or of *scratch; *codec receives the codec byte to store.
std::string_view CompressBlockIfSmaller(std::string_view raw, CompressionType type,
                                        std::string* scratch, uint8_t* codec);

// Appends the 5-byte trailer for `block` stored with codec byte `type`.
void AppendBlockTrailer(std::string_view block, uint8_t type, std::string* dst);

}  // namespace mmdb
