// Building and opening in-memory tables for the SST tests.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sst/sst_test_util.h"
#include "sst/table_builder.h"
#include "sst/table_reader.h"
#include "util/test_util.h"

namespace mmdb::test {

using Entries = std::vector<std::pair<std::string, std::string>>;

struct BuiltTable {
  std::string bytes;
  TableBuildResult result;
};

inline BuiltTable BuildTable(const TableBuilderOptions& options, const Entries& entries) {
  StringSink sink;
  TableBuilder builder(options, &sink);
  for (const auto& [k, v] : entries) {
    Status s = builder.Add(k, v);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  Result<TableBuildResult> r = builder.Finish();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(sink.syncs(), 1);
  BuiltTable t{sink.contents(), r.ok() ? *r : TableBuildResult()};
  EXPECT_EQ(t.result.file_size, t.bytes.size());
  return t;
}

inline Result<std::shared_ptr<TableReader>> OpenTable(
    const std::string& bytes, const TableReaderOptions& options = {},
    std::shared_ptr<std::atomic<int>> reads = nullptr, uint64_t file_number = 7) {
  return TableReader::Open(options, std::make_unique<StringSource>(bytes, std::move(reads)),
                           bytes.size(), file_number);
}

// Every entry of `it` from SeekToFirst; ASSERTs the status is OK.
inline Entries ScanAll(InternalIterator* it) {
  Entries out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back(std::string(it->key()), std::string(it->value()));
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

}  // namespace mmdb::test
