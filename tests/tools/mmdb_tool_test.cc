// The mmdb command-line tool, run as a program: output and exit codes of
// every command, bad arguments, and verify on damaged files.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/sst_file_writer.h>
#include <mmdb/version.h>

#include "db/db_test_util.h"
#include "tools/tool_runner.h"

namespace mmdb {

using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// Flips one bit of the byte at `offset` of `path`.
void FlipByte(const std::string& path, uint64_t offset) { test::XorByte(path, offset, 0x10); }

std::vector<std::string> FilesEndingWith(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().string().ends_with(suffix)) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

class MmdbToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = test::TempDir("tool");
    db_ = scratch_ + "/db";
  }
  void TearDown() override { test::RemoveTree(scratch_); }

  test::ToolResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return test::RunTool(args, scratch_);
  }
  // Runs a command that must succeed and returns its stdout.
  std::string Ok(std::vector<std::string> args) {
    test::ToolResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
  }
  // A failed command prints exactly one "mmdb: ..." line on stderr.
  static void ExpectOneLineError(const test::ToolResult& r, int code, const std::string& what) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_THAT(r.err, testing::StartsWith("mmdb: "));
    EXPECT_THAT(r.err, HasSubstr(what));
    EXPECT_EQ(Lines(r.err), 1) << r.err;
  }

  std::string scratch_, db_;
};

TEST_F(MmdbToolTest, HelpListsEveryCommand) {
  test::ToolResult r = test::RunTool({"--help"}, scratch_);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"get", "put", "delete", "delete-range", "scan", "count", "compact",
                          "flush", "stats", "property", "verify", "repair", "checkpoint", "ingest",
                          "dump-sst", "dump-wal", "dump-manifest", "bench"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("\n  ") + cmd + " ")) << cmd;
  }
  r = test::RunTool({"scan", "--help"}, scratch_);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--reverse"));
  EXPECT_THAT(r.out, HasSubstr("--prefix"));
}

TEST_F(MmdbToolTest, VersionPrintsTheVersion) {
  test::ToolResult r = test::RunTool({"--version"}, scratch_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("mmdb ") + MMDB_VERSION_STRING + "\n");
}

TEST_F(MmdbToolTest, BadArgumentsAreOneLineErrors) {
  ExpectOneLineError(test::RunTool({}, scratch_), 2, "subcommand is required");
  ExpectOneLineError(Run({"frobnicate"}), 2, "unknown command 'frobnicate'");
  ExpectOneLineError(test::RunTool({"count"}, scratch_), 2, "--db DIR is required");
  ExpectOneLineError(Run({"get"}), 2, "key is required");
  ExpectOneLineError(Run({"scan", "--limit", "many"}), 2, "--limit");
  ExpectOneLineError(Run({"scan", "--prefix", "a", "--from", "b"}), 2, "excludes");
  ExpectOneLineError(Run({"--no-such-flag", "stats"}), 2, "--no-such-flag");
  ExpectOneLineError(Run({"--hex", "put", "abc", "00"}), 2, "odd number of hex digits");
  ExpectOneLineError(Run({"put", "a\\q", "v"}), 2, "bad escape");
  // No DB at --db: read commands do not create one.
  ExpectOneLineError(Run({"get", "a"}), 2, "no DB here");
  ExpectOneLineError(Run({"scan"}), 2, "no DB here");
  ExpectOneLineError(Run({"verify"}), 2, "no DB here");
  EXPECT_FALSE(std::filesystem::exists(db_));
  ExpectOneLineError(Run({"dump-sst", scratch_ + "/missing.sst"}), 2, "missing.sst");
}

TEST_F(MmdbToolTest, PutGetDeleteScanCount) {
  Ok({"put", "apple", "red"});
  Ok({"put", "banana", "yellow"});
  Ok({"put", "b\\x00nul", "v\\x01\\\\"});  // escapes: a NUL in the key, \x01 and \ in the value
  Ok({"put", "cherry", "dark"});
  Ok({"--hex", "put", "ff01", "00ff"});
  EXPECT_EQ(Ok({"get", "apple"}), "red\n");
  EXPECT_EQ(Ok({"get", "b\\x00nul"}), "v\\x01\\x5c\n");  // printed back escaped
  EXPECT_EQ(Ok({"--hex", "get", "ff01"}), "00ff\n");
  EXPECT_EQ(Ok({"get", "--hex", "6170706c65"}), "726564\n");  // --hex after the command
  ExpectOneLineError(Run({"get", "durian"}), 1, "NotFound");

  EXPECT_EQ(Ok({"scan"}),
            "apple\tred\nb\\x00nul\tv\\x01\\x5c\nbanana\tyellow\ncherry\tdark\n\\xff\\x01\t\\x00"
            "\\xff\n");
  EXPECT_EQ(Ok({"scan", "--prefix", "b", "--keys-only"}), "b\\x00nul\nbanana\n");
  EXPECT_EQ(Ok({"scan", "--from", "b", "--to", "c"}), "b\\x00nul\tv\\x01\\x5c\nbanana\tyellow\n");
  EXPECT_EQ(Ok({"scan", "--reverse", "--limit", "2", "--keys-only"}), "\\xff\\x01\ncherry\n");
  EXPECT_EQ(Ok({"scan", "--prefix", "b", "--reverse", "--keys-only"}), "banana\nb\\x00nul\n");
  EXPECT_EQ(Ok({"scan", "--limit", "0"}), "");
  EXPECT_EQ(Ok({"count"}), "5\n");
  EXPECT_EQ(Ok({"count", "--prefix", "b"}), "2\n");
  EXPECT_EQ(Ok({"count", "--from", "banana"}), "3\n");

  Ok({"delete", "apple"});
  ExpectOneLineError(Run({"get", "apple"}), 1, "apple");
  Ok({"delete-range", "b", "c"});
  EXPECT_EQ(Ok({"scan", "--keys-only"}), "cherry\n\\xff\\x01\n");
  ExpectOneLineError(Run({"delete-range", "z", "a"}), 2, "after end");
  EXPECT_EQ(Ok({"count"}), "2\n");
}

TEST_F(MmdbToolTest, FlushCompactStatsProperty) {
  {
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(test::TinyOptions(), db_, &db));
    for (int i = 0; i < 300; ++i)
      ASSERT_OK(db->Put("k" + std::to_string(i), std::string(500, 'v')));
    ASSERT_OK(db->Flush());
    ASSERT_OK(db->Put("in-memtable", "x"));
    // Not closed cleanly: the last put stays in the WAL (as after a crash).
    test::CopyDir(db_, scratch_ + "/crashed");
  }
  db_ = scratch_ + "/crashed";
  EXPECT_EQ(Ok({"get", "in-memtable"}), "x\n");  // replayed from the WAL, read-only
  Ok({"flush"});
  EXPECT_THAT(Ok({"stats"}), HasSubstr("Last sequence: 301"));
  EXPECT_EQ(Ok({"property", "mmdb.num-files-at-level0"}).empty(), false);
  Ok({"compact", "--from", "k0", "--to", "k1"});
  Ok({"compact"});
  const std::string sstables = "\n" + Ok({"property", "mmdb.sstables"});
  EXPECT_THAT(sstables, Not(HasSubstr("\n0 ")));  // nothing left in L0
  EXPECT_THAT(sstables, HasSubstr("\n1 "));       // all in the deepest level holding data
  EXPECT_THAT(sstables, HasSubstr("in-memtable#301,PUT"));
  ExpectOneLineError(Run({"property", "mmdb.no-such"}), 2, "unknown property");
  EXPECT_EQ(Ok({"count"}), "301\n");
}

TEST_F(MmdbToolTest, ReadCommandsWorkBesideAWriter) {
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(test::TinyOptions(), db_, &db));
  ASSERT_OK(db->Put("live", "1"));
  EXPECT_EQ(Ok({"get", "live"}), "1\n");
  EXPECT_EQ(Ok({"count"}), "1\n");
  EXPECT_THAT(Ok({"stats"}), HasSubstr("read-only"));
  EXPECT_THAT(Ok({"verify"}), HasSubstr("0 damaged"));
  // A writing command needs the LOCK the running DB holds.
  test::ToolResult r = Run({"put", "x", "y"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  // The writer was not disturbed.
  ASSERT_OK(db->Put("after", "2"));
  EXPECT_EQ(test::Get(db.get(), "x"), "NOT_FOUND");
  ASSERT_OK(db->Close());
}

TEST_F(MmdbToolTest, VerifyFindsADamagedSstAndWal) {
  {
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(test::TinyOptions(), db_, &db));
    for (int i = 0; i < 200; ++i)
      ASSERT_OK(db->Put("k" + std::to_string(i), std::string(300, 'x')));
    ASSERT_OK(db->Flush());
    for (int i = 0; i < 50; ++i) ASSERT_OK(db->Put("w" + std::to_string(i), "in the wal"));
    test::CopyDir(db_, scratch_ + "/copy");  // keeps the WAL, as a crash would
  }
  db_ = scratch_ + "/copy";
  std::string out = Ok({"verify"});
  EXPECT_THAT(out, HasSubstr("OK       MANIFEST"));
  EXPECT_THAT(out, HasSubstr("50 records"));
  EXPECT_THAT(out, HasSubstr("0 damaged"));

  const std::vector<std::string> ssts = FilesEndingWith(db_, ".sst");
  ASSERT_FALSE(ssts.empty());
  FlipByte(ssts[0], 100);  // inside the first data block
  test::ToolResult r = Run({"verify"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("DAMAGED  " + std::filesystem::path(ssts[0]).filename().string()));
  EXPECT_THAT(r.out, HasSubstr("1 damaged"));
  ExpectOneLineError(r, 2, "Corruption");
  ExpectOneLineError(Run({"dump-sst", ssts[0]}), 2, "Corruption");
  FlipByte(ssts[0], 100);  // repaired

  const std::vector<std::string> wals = FilesEndingWith(db_, ".wal");
  ASSERT_FALSE(wals.empty());
  FlipByte(wals.back(), 20);  // inside the first record, followed by more records
  r = Run({"verify"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out,
              HasSubstr("DAMAGED  " + std::filesystem::path(wals.back()).filename().string()));
  ExpectOneLineError(Run({"dump-wal", wals.back()}), 2, "Corruption");
}

// A MANIFEST that lost its last edits: verify names it, Open refuses it, and
// repair brings every key back.
TEST_F(MmdbToolTest, VerifyAndRepairAManifestThatLostItsLastEdits) {
  Options o = test::TinyOptions();
  o.l0_compaction_trigger = 100;  // every flush stays its own table
  o.l0_slowdown_writes_trigger = 100;
  o.l0_stop_writes_trigger = 100;
  std::string manifest;
  uint64_t first_edits = 0;
  {
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(o, db_, &db));
    ASSERT_OK(db->Close());
    db.reset();
    ASSERT_OK(DB::Open(o, db_, &db));  // a fresh MANIFEST: one snapshot record
    for (const std::string& name : FilesEndingWith(db_, "")) {
      if (name.find("MANIFEST-") != std::string::npos) manifest = name;
    }
    first_edits = std::filesystem::file_size(manifest);
    for (int f = 0; f < 3; ++f) {
      for (int i = 0; i < 100; ++i) {
        ASSERT_OK(db->Put("k" + std::to_string(f * 100 + i), std::string(100, 'v')));
      }
      ASSERT_OK(db->Flush());
    }
    ASSERT_OK(db->Close());
  }
  std::filesystem::resize_file(manifest, first_edits);  // the flush edits are gone
  test::ToolResult r = Run({"verify"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("DAMAGED  directory"));
  ExpectOneLineError(Run({"count"}), 2, "Corruption");

  const std::string out = Ok({"repair"});
  EXPECT_THAT(out, HasSubstr("3 tables kept"));
  EXPECT_THAT(out, HasSubstr("lost"));
  EXPECT_THAT(Ok({"verify"}), HasSubstr("0 damaged"));
  EXPECT_EQ(Ok({"count"}), "300\n");
}

TEST_F(MmdbToolTest, DumpCommandsDecodeEachFormat) {
  {
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(test::TinyOptions(), db_, &db));
    ASSERT_OK(db->Put("a", "1"));
    ASSERT_OK(db->DeleteRange("b", "d"));
    ASSERT_OK(db->Flush());
    WriteBatch batch;
    batch.Put("x", "2");
    batch.Delete("y");
    ASSERT_OK(db->Write(&batch));
    test::CopyDir(db_, scratch_ + "/copy");
  }
  db_ = scratch_ + "/copy";
  const std::vector<std::string> ssts = FilesEndingWith(db_, ".sst");
  ASSERT_EQ(ssts.size(), 1u);
  std::string out = Ok({"dump-sst", ssts[0]});
  EXPECT_THAT(out, HasSubstr("  a#1,PUT => 1\n"));
  EXPECT_THAT(out, HasSubstr("range deletions: 1\n  [b, d) #2\n"));
  EXPECT_THAT(out, HasSubstr("filter.bloom"));
  EXPECT_THAT(Ok({"--hex", "dump-sst", ssts[0]}), HasSubstr("  61#1,PUT => 31\n"));

  const std::vector<std::string> wals = FilesEndingWith(db_, ".wal");
  ASSERT_FALSE(wals.empty());
  out = Ok({"dump-wal", wals.back()});
  EXPECT_THAT(out, HasSubstr("sequence 3, 2 operations\n  PUT x => 2\n  DEL y\n"));
  EXPECT_THAT(out, HasSubstr("end: clean"));

  out = Ok({"dump-manifest"});
  EXPECT_THAT(out, HasSubstr("add L0 #"));
  EXPECT_THAT(out, HasSubstr("range-dels [a#1,PUT .. b#2,RANGEDEL]"));
  EXPECT_THAT(out, HasSubstr("version after"));
}

TEST_F(MmdbToolTest, CheckpointMakesAnOpenableCopy) {
  Ok({"put", "a", "1"});
  Ok({"put", "b", "2"});
  const std::string dest = scratch_ + "/ckpt";
  EXPECT_THAT(Ok({"checkpoint", dest}), HasSubstr("at sequence 2"));
  Ok({"put", "c", "3"});
  test::ToolResult r = test::RunTool({"--db", dest, "scan"}, scratch_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a\t1\nb\t2\n");
  ExpectOneLineError(Run({"checkpoint", dest}), 2, "already exists");
}

TEST_F(MmdbToolTest, IngestAddsSstFiles) {
  Ok({"put", "a", "old"});
  const std::string sst = scratch_ + "/in.sst";
  {
    SstFileWriter w(test::TinyOptions());
    ASSERT_OK(w.Open(sst));
    ASSERT_OK(w.Put("a", "new"));
    ASSERT_OK(w.Put("b", "2"));
    ASSERT_OK(w.Finish());
  }
  EXPECT_EQ(Ok({"ingest", sst}), "ingested 1 file(s)\n");
  EXPECT_EQ(Ok({"scan"}), "a\tnew\nb\t2\n");
  EXPECT_THAT(Ok({"dump-sst", sst}), HasSubstr("  b#0,PUT => 2\n"));  // written at sequence 0
  ExpectOneLineError(Run({"ingest", scratch_ + "/nope.sst"}), 2, "nope.sst");
}

}  // namespace mmdb
