// mmdb dump-sst / dump-wal / dump-manifest: decode one file for humans
// (docs/format/*.md describe the bytes). Keys print as
// "user_key#sequence,TYPE" with the user key escaped (or hex with --hex).
// A damaged file prints everything up to the damage, then fails.
#include <cinttypes>
#include <cstdio>

#include <mmdb/env.h>
#include <mmdb/write_batch.h>

#include "manifest/filename.h"
#include "manifest/version.h"
#include "manifest/version_builder.h"
#include "manifest/version_edit.h"
#include "sst/block.h"
#include "sst/format.h"
#include "sst/table_reader.h"
#include "tools/commands.h"
#include "types/internal_key.h"
#include "types/write_batch_internal.h"
#include "util/coding.h"
#include "wal/reader.h"

namespace mmdb::tools {

namespace {

std::string FormatInternalKey(std::string_view ikey, bool hex) {
  ParsedInternalKey p;
  if (!ParseInternalKey(ikey, &p)) return "<bad internal key " + FormatBytes(ikey, hex) + ">";
  static constexpr const char* kNames[] = {"DEL", "PUT", "RANGEDEL"};
  return FormatBytes(p.user_key, hex) + "#" + std::to_string(p.sequence) + "," +
         kNames[static_cast<int>(p.type)];
}

std::string HandleString(const BlockHandle& h) {
  return "offset " + std::to_string(h.offset) + " size " + std::to_string(h.size);
}

// The number in an SST's file name ("000012.sst" -> 12), or 0.
uint64_t TableNumberOf(const std::string& path) {
  const std::string name = path.substr(path.find_last_of('/') + 1);
  uint64_t number = 0;
  FileType type;
  return ParseFileName(name, &number, &type) && type == FileType::kTable ? number : 0;
}

void PrintMetaIndex(const RandomAccessFile& file, uint64_t size, const Footer& footer,
                    const std::string& name, bool hex) {
  auto contents = ReadBlock(file, size, footer.metaindex_handle, true, name);
  if (!contents.ok()) {
    std::printf("metaindex: %s\n", contents.status().ToString().c_str());
    return;
  }
  auto block = Block::Parse(*contents);
  if (!block.ok()) {
    std::printf("metaindex: %s\n", block.status().ToString().c_str());
    return;
  }
  std::printf("metaindex:\n");
  BlockIter it(*block, BlockKeyOrder::kBytewise);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    std::string_view v = it.value();
    BlockHandle h;
    if (it.key() == kMetaFilterPrefixLen && v.size() == 8) {
      std::printf("  %s: %" PRIu64 "\n", std::string(it.key()).c_str(), DecodeFixed64(v.data()));
    } else if (BlockHandle::DecodeFrom(&v, &h)) {
      std::printf("  %s: %s\n", std::string(it.key()).c_str(), HandleString(h).c_str());
    } else {
      std::printf("  %s: %s\n", std::string(it.key()).c_str(),
                  FormatBytes(it.value(), hex).c_str());
    }
  }
}

// Prints the operations of one WAL record's batch.
class BatchPrinter final : public WriteBatch::Handler {
 public:
  explicit BatchPrinter(bool hex) : hex_(hex) {}
  Status Put(std::string_view key, std::string_view value) override {
    std::printf("  PUT %s => %s\n", FormatBytes(key, hex_).c_str(),
                FormatBytes(value, hex_).c_str());
    return Status::OK();
  }
  Status Delete(std::string_view key) override {
    std::printf("  DEL %s\n", FormatBytes(key, hex_).c_str());
    return Status::OK();
  }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    std::printf("  RANGEDEL [%s, %s)\n", FormatBytes(begin, hex_).c_str(),
                FormatBytes(end, hex_).c_str());
    return Status::OK();
  }

 private:
  const bool hex_;
};

void PrintEdit(const VersionEdit& e, bool hex) {
  if (e.log_number()) std::printf("  log_number: %" PRIu64 "\n", *e.log_number());
  if (e.next_file_number()) std::printf("  next_file_number: %" PRIu64 "\n", *e.next_file_number());
  if (e.last_sequence()) std::printf("  last_sequence: %" PRIu64 "\n", *e.last_sequence());
  for (const auto& [level, f] : e.new_files()) {
    std::printf("  add L%d #%06" PRIu64 " %" PRIu64 " bytes%s [%s .. %s]\n", level, f.number,
                f.file_size, f.has_range_deletions ? " range-dels" : "",
                FormatInternalKey(f.smallest, hex).c_str(),
                FormatInternalKey(f.largest, hex).c_str());
  }
  for (const auto& [level, number] : e.deleted_files()) {
    std::printf("  delete L%d #%06" PRIu64 "\n", level, number);
  }
}

}  // namespace

Status DumpSst(const GlobalArgs& g, const std::string& path) {
  Env* env = Env::Default().get();
  uint64_t size = 0;
  MMDB_RETURN_IF_ERROR(env->GetFileSize(path, &size));
  std::unique_ptr<RandomAccessFile> file;
  MMDB_RETURN_IF_ERROR(env->NewRandomAccessFile(path, &file));
  std::printf("file: %s (%" PRIu64 " bytes)\n", path.c_str(), size);
  MMDB_ASSIGN_OR_RETURN(Footer footer, ReadFooter(*file, size, path));
  std::printf("footer: metaindex %s, index %s\n", HandleString(footer.metaindex_handle).c_str(),
              HandleString(footer.index_handle).c_str());
  PrintMetaIndex(*file, size, footer, path, g.hex);

  // Checks every metadata block; then the data blocks one by one.
  MMDB_RETURN_IF_ERROR(env->NewRandomAccessFile(path, &file));
  TableReaderOptions topts;
  MMDB_ASSIGN_OR_RETURN(std::shared_ptr<TableReader> table,
                        TableReader::Open(topts, std::move(file), size, TableNumberOf(path)));
  std::printf("filters: bloom %zu bytes, prefix %zu bytes (prefix length %zu)\n",
              table->bloom_filter().size(), table->prefix_filter().size(), table->prefix_length());
  std::printf("range deletions: %zu\n", table->range_tombstones().size());
  for (const RangeTombstone& t : table->range_tombstones()) {
    std::printf("  [%s, %s) #%" PRIu64 "\n", FormatBytes(t.begin, g.hex).c_str(),
                FormatBytes(t.end, g.hex).c_str(), t.sequence);
  }
  BlockIter index(table->index_block(), BlockKeyOrder::kInternalKey);
  uint64_t blocks = 0, entries = 0;
  for (index.SeekToFirst(); index.Valid(); index.Next(), ++blocks) {
    IndexValue iv;
    if (!DecodeIndexValue(index.value(), &iv)) {
      return Status::Corruption(path + ": index entry with a bad block handle");
    }
    std::printf("data block %" PRIu64 ": %s, separator %s\n", blocks,
                HandleString(iv.handle).c_str(), FormatInternalKey(index.key(), g.hex).c_str());
    MMDB_ASSIGN_OR_RETURN(Block block, table->ReadDataBlock(iv.handle, false, true));
    BlockIter it(block, BlockKeyOrder::kInternalKey);
    for (it.SeekToFirst(); it.Valid(); it.Next(), ++entries) {
      std::printf("  %s => %s\n", FormatInternalKey(it.key(), g.hex).c_str(),
                  FormatBytes(it.value(), g.hex).c_str());
    }
    MMDB_RETURN_IF_ERROR(it.status());
  }
  MMDB_RETURN_IF_ERROR(index.status());
  std::printf("total: %" PRIu64 " data blocks, %" PRIu64 " entries\n", blocks, entries);
  return Status::OK();
}

Status DumpWal(const GlobalArgs& g, const std::string& path) {
  std::unique_ptr<SequentialFile> file;
  MMDB_RETURN_IF_ERROR(Env::Default()->NewSequentialFile(path, &file));
  wal::Reader reader(std::move(file), nullptr, /*verify_checksums=*/true);
  std::string scratch;
  std::string_view record;
  WriteBatch batch;
  BatchPrinter printer(g.hex);
  uint64_t records = 0;
  while (reader.ReadRecord(&record, &scratch)) {
    ++records;
    std::printf("record ending at offset %" PRIu64 " (%zu bytes)", reader.last_record_end_offset(),
                record.size());
    if (record.size() < WriteBatchInternal::kHeaderSize) {
      std::printf("\n");
      return Status::Corruption(path + ": record shorter than a batch header");
    }
    WriteBatchInternal::SetContents(&batch, record);
    std::printf(": sequence %" PRIu64 ", %u operations\n", WriteBatchInternal::Sequence(batch),
                WriteBatchInternal::Count(batch));
    MMDB_RETURN_IF_ERROR(WriteBatchInternal::Validate(batch).WithContext(path));
    MMDB_RETURN_IF_ERROR(batch.Iterate(&printer));
  }
  switch (reader.end_state()) {
    case wal::Reader::EndState::kTornTail:
      std::printf("end: torn tail at offset %" PRIu64 " (recovery drops it in the newest WAL)\n",
                  reader.bad_offset());
      break;
    case wal::Reader::EndState::kEof:
      std::printf("end: clean\n");
      break;
    default:
      return reader.status().WithContext(path);
  }
  std::printf("total: %" PRIu64 " records\n", records);
  return Status::OK();
}

Status DumpManifest(const GlobalArgs& g, const std::string& file_arg) {
  Env* env = Env::Default().get();
  std::string path = file_arg;
  if (path.empty()) {
    std::string current;
    MMDB_RETURN_IF_ERROR(ReadFileToString(env, CurrentFileName(g.db), &current));
    uint64_t number = 0;
    if (!ParseCurrentContents(current, &number)) {
      return Status::Corruption(CurrentFileName(g.db) + ": not \"MANIFEST-NNNNNN\\n\"");
    }
    path = ManifestFileName(g.db, number);
  }
  std::unique_ptr<SequentialFile> file;
  MMDB_RETURN_IF_ERROR(env->NewSequentialFile(path, &file));
  wal::Reader reader(std::move(file), nullptr, /*verify_checksums=*/true);
  constexpr int kMaxLevels = 64;
  VersionBuilder builder(Version::Empty(kMaxLevels));
  std::string scratch;
  std::string_view record;
  uint64_t n = 0;
  std::printf("file: %s\n", path.c_str());
  for (; reader.ReadRecord(&record, &scratch); ++n) {
    VersionEdit edit;
    std::printf("edit %" PRIu64 " (%zu bytes):\n", n, record.size());
    MMDB_RETURN_IF_ERROR(
        edit.DecodeFrom(record).WithContext(path + " record " + std::to_string(n)));
    PrintEdit(edit, g.hex);
    MMDB_RETURN_IF_ERROR(builder.Apply(edit).WithContext(path + " record " + std::to_string(n)));
  }
  if (reader.end_state() == wal::Reader::EndState::kTornTail) {
    std::printf("end: torn last record at offset %" PRIu64 " (ignored on recovery)\n",
                reader.bad_offset());
  } else if (reader.end_state() != wal::Reader::EndState::kEof) {
    return reader.status().WithContext(path);
  }
  MMDB_ASSIGN_OR_RETURN(std::shared_ptr<const Version> v, builder.Finish());
  std::printf("version after %" PRIu64 " edits:\n", n);
  for (int level = 0; level < v->num_levels(); ++level) {
    for (const auto& f : v->files(level)) {
      std::printf("  L%d #%06" PRIu64 " %" PRIu64 " bytes [%s .. %s]\n", level, f->number,
                  f->file_size, FormatInternalKey(f->smallest, g.hex).c_str(),
                  FormatInternalKey(f->largest, g.hex).c_str());
    }
  }
  return Status::OK();
}

}  // namespace mmdb::tools
