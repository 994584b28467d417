#include "util/compression.h"

#include <lz4.h>
#include <zstd.h>

#include "util/coding.h"

namespace mmdb {

namespace {
constexpr int kZstdLevel = 3;
}

bool IsKnownCompressionType(uint8_t type) {
  return type == static_cast<uint8_t>(CompressionType::kNone) ||
         type == static_cast<uint8_t>(CompressionType::kLZ4) ||
         type == static_cast<uint8_t>(CompressionType::kZstd);
}

const char* CompressionTypeName(CompressionType type) {
  switch (type) {
    case CompressionType::kNone:
      return "none";
    case CompressionType::kLZ4:
      return "lz4";
    case CompressionType::kZstd:
      return "zstd";
  }
  return "unknown";
}

bool CompressBlock(CompressionType type, std::string_view input, std::string* output) {
  output->clear();
  switch (type) {
    case CompressionType::kNone:
      return false;
    case CompressionType::kLZ4: {
      if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) return false;
      const int bound = LZ4_compressBound(static_cast<int>(input.size()));
      output->resize(4 + static_cast<size_t>(bound));
      EncodeFixed32(output->data(), static_cast<uint32_t>(input.size()));
      const int n = LZ4_compress_default(input.data(), output->data() + 4,
                                         static_cast<int>(input.size()), bound);
      if (n <= 0) return false;
      output->resize(4 + static_cast<size_t>(n));
      break;
    }
    case CompressionType::kZstd: {
      const size_t bound = ZSTD_compressBound(input.size());
      output->resize(bound);
      const size_t n = ZSTD_compress(output->data(), bound, input.data(), input.size(), kZstdLevel);
      if (ZSTD_isError(n)) return false;
      output->resize(n);
      break;
    }
  }
  return output->size() < input.size();
}

Status UncompressBlock(uint8_t type, std::string_view input, std::string* output) {
  output->clear();
  switch (type) {
    case static_cast<uint8_t>(CompressionType::kNone):
      output->assign(input);
      return Status::OK();
    case static_cast<uint8_t>(CompressionType::kLZ4): {
      std::string_view in = input;
      uint32_t raw_size;
      if (!GetFixed32(&in, &raw_size)) return Status::Corruption("lz4 block shorter than 4 bytes");
      if (raw_size > kMaxUncompressedBlockSize) {
        return Status::Corruption("lz4 block claims " + std::to_string(raw_size) + " bytes");
      }
      output->resize(raw_size);
      const int n = LZ4_decompress_safe(in.data(), output->data(), static_cast<int>(in.size()),
                                        static_cast<int>(raw_size));
      if (n < 0 || static_cast<uint32_t>(n) != raw_size) {
        output->clear();
        return Status::Corruption("lz4 block does not decode to its stated size");
      }
      return Status::OK();
    }
    case static_cast<uint8_t>(CompressionType::kZstd): {
      const unsigned long long raw_size = ZSTD_getFrameContentSize(input.data(), input.size());
      if (raw_size == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("zstd: not a zstd frame");
      if (raw_size == ZSTD_CONTENTSIZE_UNKNOWN) {
        // Our writers always record the size; decode in a streaming way anyway,
        // bounded by the block limit, so a foreign writer's frame still reads.
        ZSTD_DCtx* dctx = ZSTD_createDCtx();
        ZSTD_inBuffer in{input.data(), input.size(), 0};
        std::string buf(64 << 10, '\0');
        size_t ret = 1;
        while (ret != 0) {
          ZSTD_outBuffer out{buf.data(), buf.size(), 0};
          ret = ZSTD_decompressStream(dctx, &out, &in);
          if (ZSTD_isError(ret)) break;
          output->append(buf.data(), out.pos);
          if (output->size() > kMaxUncompressedBlockSize) break;
          if (in.pos == in.size && out.pos == 0 && ret != 0) break;  // truncated frame
        }
        ZSTD_freeDCtx(dctx);
        if (ret != 0) {
          output->clear();
          return Status::Corruption("zstd: truncated, malformed or oversized frame");
        }
        return Status::OK();
      }
      if (raw_size > kMaxUncompressedBlockSize) {
        return Status::Corruption("zstd block claims " + std::to_string(raw_size) + " bytes");
      }
      output->resize(static_cast<size_t>(raw_size));
      const size_t n = ZSTD_decompress(output->data(), output->size(), input.data(), input.size());
      if (ZSTD_isError(n) || n != raw_size) {
        output->clear();
        return Status::Corruption("zstd block does not decode to its stated size");
      }
      return Status::OK();
    }
    default:
      return Status::Corruption("unknown compression type " + std::to_string(type));
  }
}

}  // namespace mmdb
