// Fuzzes wal::Reader: the input is a log file (WAL or MANIFEST framing). The
// reader must end in one defined state without reading past the file, and
// every record it returns is then decoded as a WriteBatch the way recovery
// does (Validate, Iterate), which must not crash either.
#include <memory>
#include <string>

#include <mmdb/write_batch.h>

#include "env/mem_env.h"
#include "fuzz/fuzz_util.h"
#include "types/write_batch_internal.h"
#include "wal/reader.h"

namespace {

class NullHandler final : public mmdb::WriteBatch::Handler {
 public:
  mmdb::Status Put(std::string_view, std::string_view) override { return mmdb::Status::OK(); }
  mmdb::Status Delete(std::string_view) override { return mmdb::Status::OK(); }
  mmdb::Status DeleteRange(std::string_view, std::string_view) override {
    return mmdb::Status::OK();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mmdb;
  if (size == 0) return 0;
  const bool verify = (data[0] & 1) == 0;
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);
  MemEnv env(MemEnv::Clock::kManual);
  {
    std::unique_ptr<WritableFile> w;
    FUZZ_CHECK(env.NewWritableFile("/log", &w).ok());
    FUZZ_CHECK(w->Append(file).ok());
  }
  std::unique_ptr<SequentialFile> f;
  FUZZ_CHECK(env.NewSequentialFile("/log", &f).ok());
  wal::Reader reader(std::move(f), nullptr, verify);
  std::string scratch;
  std::string_view record;
  size_t total = 0;
  while (reader.ReadRecord(&record, &scratch)) {
    total += record.size();
    FUZZ_CHECK(total <= file.size());
    FUZZ_CHECK(reader.last_record_end_offset() <= file.size());
    if (record.size() >= WriteBatchInternal::kHeaderSize) {
      WriteBatch batch;
      WriteBatchInternal::SetContents(&batch, record);
      if (WriteBatchInternal::Validate(batch).ok()) {
        NullHandler h;
        FUZZ_CHECK(batch.Iterate(&h).ok());
      }
    }
  }
  const auto end = reader.end_state();
  FUZZ_CHECK(end != wal::Reader::EndState::kNotAtEnd);
  FUZZ_CHECK(reader.status().ok() ==
             (end == wal::Reader::EndState::kEof || end == wal::Reader::EndState::kTornTail));
  FUZZ_CHECK(!reader.ReadRecord(&record, &scratch));  // stays at the end
  return 0;
}
