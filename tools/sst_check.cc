#include "tools/sst_check.h"

#include "sst/block.h"
#include "sst/table_reader.h"
#include "types/internal_key.h"

namespace mmdb::tools {

Status CheckSst(Env* env, const std::string& path, uint64_t file_number, SstCheckResult* result) {
  *result = SstCheckResult();
  uint64_t size = 0;
  MMDB_RETURN_IF_ERROR(env->GetFileSize(path, &size));
  std::unique_ptr<RandomAccessFile> file;
  MMDB_RETURN_IF_ERROR(env->NewRandomAccessFile(path, &file));
  TableReaderOptions topts;  // no cache: every block comes from the file
  topts.verify_checksums = true;
  MMDB_ASSIGN_OR_RETURN(std::shared_ptr<TableReader> table,
                        TableReader::Open(topts, std::move(file), size, file_number));
  result->range_deletions = table->range_tombstones().size();

  BlockIter index(table->index_block(), BlockKeyOrder::kInternalKey);
  std::string last_key;
  for (index.SeekToFirst(); index.Valid(); index.Next()) {
    IndexValue iv;
    if (!DecodeIndexValue(index.value(), &iv)) {
      return Status::Corruption("index entry " + InternalKeyDebugString(index.key()) +
                                ": bad block handle");
    }
    const std::string where = "data block at offset " + std::to_string(iv.handle.offset);
    MMDB_ASSIGN_OR_RETURN(Block block, table->ReadDataBlock(iv.handle, /*fill_cache=*/false,
                                                            /*verify_checksums=*/true));
    ++result->data_blocks;
    BlockIter it(block, BlockKeyOrder::kInternalKey);
    for (it.SeekToFirst(); it.Valid(); it.Next()) {
      ParsedInternalKey parsed;
      if (!ParseInternalKey(it.key(), &parsed)) {
        return Status::Corruption(where + ": malformed internal key " + EscapeBytes(it.key()));
      }
      if (!last_key.empty() && CompareInternalKey(last_key, it.key()) >= 0) {
        return Status::Corruption(where + ": key " + InternalKeyDebugString(it.key()) +
                                  " out of order after " + InternalKeyDebugString(last_key));
      }
      if (CompareInternalKey(it.key(), index.key()) > 0) {
        return Status::Corruption(where + ": key " + InternalKeyDebugString(it.key()) +
                                  " past its index separator");
      }
      last_key.assign(it.key());
      ++result->entries;
    }
    MMDB_RETURN_IF_ERROR(it.status().WithContext(where));
  }
  return index.status();
}

}  // namespace mmdb::tools
