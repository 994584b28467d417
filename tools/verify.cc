// mmdb verify: reads every block of every file of a DB and checks every
// checksum, without opening the DB (no LOCK: it works beside a writer).
//
//   CURRENT + MANIFEST  every record's checksum, every edit decodes and
//                       applies (VersionSet::Recover)
//   each SST listed     exists with the MANIFEST's size; footer, metaindex,
//                       index, filters and range deletions (TableReader::Open),
//                       then every data block (checksum, decompression,
//                       block structure) and the order of every entry
//   each WAL            every record's checksum and batch encoding; a torn
//                       tail is reported but accepted in the newest WAL (a
//                       crash leaves one; recovery drops it)
//   other SSTs on disk  checked the same way, reported as unreferenced
//   the directory       agrees with the MANIFEST as Open requires
//                       (db/directory_audit.h): every listed table present
//                       with its size, the log number's WAL present, no
//                       unexplained table newer than the MANIFEST and WALs
//
// One line per file, then a summary; any damage makes the command fail.
#include <algorithm>
#include <cstdio>
#include <set>

#include <mmdb/env.h>

#include "db/directory_audit.h"
#include "manifest/filename.h"
#include "manifest/version_set.h"
#include "sst/table_reader.h"
#include "tools/commands.h"
#include "tools/sst_check.h"
#include "types/write_batch_internal.h"
#include "wal/reader.h"

namespace mmdb::tools {

namespace {

// Checks one WAL; *torn tells whether it ended in a torn tail.
// *first_seq is lowered to the first sequence of its records.
Status CheckWal(Env* env, const std::string& path, uint64_t* records, bool* torn,
                SequenceNumber* first_seq) {
  std::unique_ptr<SequentialFile> file;
  MMDB_RETURN_IF_ERROR(env->NewSequentialFile(path, &file));
  wal::Reader reader(std::move(file), nullptr, /*verify_checksums=*/true);
  std::string scratch;
  std::string_view record;
  WriteBatch batch;
  *records = 0;
  while (reader.ReadRecord(&record, &scratch)) {
    if (record.size() < WriteBatchInternal::kHeaderSize) {
      return Status::Corruption("record ending at offset " +
                                std::to_string(reader.last_record_end_offset()) +
                                " is shorter than a batch header");
    }
    WriteBatchInternal::SetContents(&batch, record);
    Status s = WriteBatchInternal::Validate(batch);
    if (!s.ok()) {
      return s.WithContext("record ending at offset " +
                           std::to_string(reader.last_record_end_offset()));
    }
    ++*records;
    if (WriteBatchInternal::Count(batch) > 0) {
      *first_seq = std::min(*first_seq, WriteBatchInternal::Sequence(batch));
    }
  }
  *torn = reader.end_state() == wal::Reader::EndState::kTornTail;
  return reader.status();
}

class Verifier {
 public:
  explicit Verifier(const GlobalArgs& g) : g_(g), env_(Env::Default()) {}

  Status Run() {
    if (!env_->FileExists(CurrentFileName(g_.db))) {
      return Status::InvalidArgument(g_.db + ": no DB here (CURRENT does not exist)");
    }
    std::vector<std::string> children;
    MMDB_RETURN_IF_ERROR(env_->GetChildren(g_.db, &children));
    std::sort(children.begin(), children.end());

    VersionSet versions(g_.db, env_.get(), kMaxLevels);
    Status s = versions.Recover();
    Report("MANIFEST", s, s.ok() ? "replayed" : "");
    std::set<uint64_t> listed;
    if (s.ok()) {
      const auto v = versions.current();
      for (int level = 0; level < v->num_levels(); ++level) {
        for (const auto& f : v->files(level)) {
          listed.insert(f->number);
          CheckTable(f->number, f->file_size, "L" + std::to_string(level));
        }
      }
    }
    uint64_t newest_wal = 0;
    for (const std::string& name : children) {
      uint64_t number;
      FileType type;
      if (ParseFileName(name, &number, &type) && type == FileType::kWal) {
        newest_wal = std::max(newest_wal, number);
      }
    }
    for (const std::string& name : children) {
      uint64_t number;
      FileType type;
      if (!ParseFileName(name, &number, &type)) continue;
      if (type == FileType::kTable && listed.count(number) == 0) {
        CheckTable(number, std::nullopt, "unreferenced");
      } else if (type == FileType::kWal) {
        uint64_t records = 0;
        bool torn = false;
        // Recovery replays the WALs from the log number on.
        SequenceNumber first = kMaxSequenceNumber + 1;
        Status w = CheckWal(env_.get(), g_.db + "/" + name, &records, &torn, &first);
        if (s.ok() && number >= versions.log_number()) {
          known_.first_replayed = std::min(known_.first_replayed, first);
        }
        if (w.ok() && torn && number != newest_wal) {
          w = Status::Corruption("torn tail in a WAL that is not the newest");
        }
        Report(
            name, w,
            std::to_string(records) + " records" + (torn ? ", torn tail (dropped on open)" : ""));
      }
    }
    if (s.ok()) {
      DirectoryListing listing;
      Status d = DirectoryListing::Read(env_.get(), g_.db, &listing);
      const auto v = versions.current();
      if (d.ok()) {
        d = AuditRecoveredState(env_.get(), g_.db, *v, versions.log_number(), listing,
                                /*check_sizes=*/true);
      }
      if (d.ok()) {
        const std::vector<uint64_t> unexplained =
            UnexplainedTables(*v, versions.recovered_next_file_number(), listing);
        known_.manifest_last = versions.LastSequence();
        d = CheckUnexplainedTables(env_.get(), g_.db, unexplained, known_);
      }
      Report("directory", d, "agrees with the MANIFEST");
    }
    std::printf("verify: %llu files ok, %llu damaged\n", static_cast<unsigned long long>(ok_),
                static_cast<unsigned long long>(bad_));
    if (bad_ > 0) {
      return Status::Corruption(std::to_string(bad_) + " damaged file(s) in " + g_.db);
    }
    return Status::OK();
  }

 private:
  static constexpr int kMaxLevels = 64;  // enough for any num_levels the MANIFEST uses

  void CheckTable(uint64_t number, std::optional<uint64_t> expected_size, const std::string& tag) {
    const std::string path = TableFileName(g_.db, number);
    SstCheckResult r;
    Status s;
    uint64_t size = 0;
    s = env_->GetFileSize(path, &size);
    if (s.ok() && expected_size && size != *expected_size) {
      s = Status::Corruption("size " + std::to_string(size) + ", MANIFEST says " +
                             std::to_string(*expected_size));
    }
    if (s.ok()) s = CheckSst(env_.get(), path, number, &r);
    Report(TableFileName(number) + " (" + tag + ")", s,
           std::to_string(r.data_blocks) + " data blocks, " + std::to_string(r.entries) +
               " entries, " + std::to_string(r.range_deletions) + " range deletions");
  }

  void Report(const std::string& what, const Status& s, const std::string& detail) {
    if (s.ok()) {
      ++ok_;
      std::printf("OK       %s: %s\n", what.c_str(), detail.c_str());
    } else {
      ++bad_;
      std::printf("DAMAGED  %s: %s\n", what.c_str(), s.ToString().c_str());
    }
  }

  const GlobalArgs& g_;
  const std::shared_ptr<Env> env_;
  uint64_t ok_ = 0;
  uint64_t bad_ = 0;
  KnownSequences known_;  // what the MANIFEST and the WALs replayed hold
};

}  // namespace

Status Verify(const GlobalArgs& g) { return Verifier(g).Run(); }

}  // namespace mmdb::tools
