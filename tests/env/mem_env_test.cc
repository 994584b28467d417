#include "env/mem_env.h"

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "util/result.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using Op = MemEnv::Op;

// Creates `path` with `data`, optionally syncing the data.
Status Write(MemEnv* env, const std::string& path, std::string_view data, bool sync) {
  std::unique_ptr<WritableFile> f;
  MMDB_RETURN_IF_ERROR(env->NewWritableFile(path, &f));
  MMDB_RETURN_IF_ERROR(f->Append(data));
  if (sync) MMDB_RETURN_IF_ERROR(f->Sync());
  return f->Close();
}

// The file's contents, or "<error>".
std::string Read(Env* env, const std::string& path) {
  std::string data;
  Status s = ReadFileToString(env, path, &data);
  return s.ok() ? data : "<" + s.ToString() + ">";
}

std::vector<std::string> Children(Env* env, const std::string& dir) {
  std::vector<std::string> names;
  Status s = env->GetChildren(dir, &names);
  if (!s.ok()) return {"<" + s.ToString() + ">"};
  std::sort(names.begin(), names.end());
  return names;
}
using Names = std::vector<std::string>;

TEST(MemEnvTest, FilesAndDirectories) {
  MemEnv env;
  ASSERT_OK(env.CreateDirIfMissing("/db"));
  ASSERT_OK(env.CreateDirIfMissing("/db/"));  // OK when it exists
  EXPECT_TRUE(env.FileExists("/db"));
  EXPECT_FALSE(env.FileExists("/db/a"));
  std::vector<std::string> names;
  EXPECT_TRUE(env.GetChildren("/nope", &names).IsNotFound());
  EXPECT_EQ(Children(&env, "/db"), Names{});

  ASSERT_OK(Write(&env, "/db/a", "hello", false));
  ASSERT_OK(Write(&env, "/db//b", "", false));
  ASSERT_OK(Write(&env, "/db/sub/c", "xyz", false));  // the directory is implied
  EXPECT_EQ(Children(&env, "/db"), (Names{"a", "b", "sub"}));
  EXPECT_EQ(Children(&env, "/db/sub"), Names{"c"});
  EXPECT_EQ(Children(&env, "/"), Names{"db"});
  EXPECT_TRUE(env.FileExists("/db/sub"));
  EXPECT_EQ(Read(&env, "/db/a"), "hello");
  uint64_t size = 0;
  ASSERT_OK(env.GetFileSize("/db/a", &size));
  EXPECT_EQ(size, 5u);
  EXPECT_TRUE(env.GetFileSize("/db/zz", &size).IsNotFound());
  EXPECT_TRUE(env.NewSequentialFile("/db/zz", nullptr).IsNotFound());

  // Random access, including reads past the end.
  std::unique_ptr<RandomAccessFile> ra;
  ASSERT_OK(env.NewRandomAccessFile("/db/a", &ra));
  char scratch[16];
  std::string_view got;
  ASSERT_OK(ra->Read(1, 3, &got, scratch));
  EXPECT_EQ(got, "ell");
  ASSERT_OK(ra->Read(3, 10, &got, scratch));
  EXPECT_EQ(got, "lo");
  ASSERT_OK(ra->Read(100, 10, &got, scratch));
  EXPECT_EQ(got, "");

  // Sequential with skip.
  std::unique_ptr<SequentialFile> seq;
  ASSERT_OK(env.NewSequentialFile("/db/a", &seq));
  ASSERT_OK(seq->Skip(2));
  ASSERT_OK(seq->Read(2, &got, scratch));
  EXPECT_EQ(got, "ll");
  ASSERT_OK(seq->Skip(100));
  ASSERT_OK(seq->Read(2, &got, scratch));
  EXPECT_EQ(got, "");

  // Rename replaces the target; an open file follows its data.
  ASSERT_OK(env.RenameFile("/db/a", "/db/b"));
  EXPECT_FALSE(env.FileExists("/db/a"));
  EXPECT_EQ(Read(&env, "/db/b"), "hello");
  ASSERT_OK(ra->Read(0, 5, &got, scratch));
  EXPECT_EQ(got, "hello");
  EXPECT_TRUE(env.RenameFile("/db/a", "/db/c").IsNotFound());

  // NewWritableFile truncates.
  ASSERT_OK(Write(&env, "/db/b", "new", false));
  EXPECT_EQ(Read(&env, "/db/b"), "new");

  // Removal; non-empty directories cannot be removed.
  EXPECT_TRUE(env.RemoveDir("/db/sub").IsIOError());
  ASSERT_OK(env.RemoveFile("/db/sub/c"));
  EXPECT_TRUE(env.RemoveFile("/db/sub/c").IsNotFound());
  EXPECT_FALSE(env.FileExists("/db/sub"));  // implied directory went with its file
  ASSERT_OK(env.CreateDirIfMissing("/db/empty"));
  ASSERT_OK(env.RemoveDir("/db/empty"));
  EXPECT_FALSE(env.FileExists("/db/empty"));
  EXPECT_EQ(Children(&env, "/db"), Names{"b"});
}

TEST(MemEnvTest, WritableFileSizeAndCloseAndRemovedFileStillWritable) {
  MemEnv env;
  std::unique_ptr<WritableFile> f;
  ASSERT_OK(env.NewWritableFile("/d/f", &f));
  ASSERT_OK(f->Append("abc"));
  EXPECT_EQ(f->Size(), 3u);
  ASSERT_OK(env.RemoveFile("/d/f"));
  ASSERT_OK(f->Append("def"));  // POSIX: writes go to the unlinked inode
  EXPECT_EQ(f->Size(), 6u);
  EXPECT_FALSE(env.FileExists("/d/f"));
  ASSERT_OK(f->Close());
  EXPECT_FALSE(f->Append("x").ok());
}

TEST(MemEnvTest, CrashCloneDropsUnsyncedData) {
  MemEnv env;
  ASSERT_OK(env.CreateDirIfMissing("/db"));
  std::unique_ptr<WritableFile> f;
  ASSERT_OK(env.NewWritableFile("/db/log", &f));
  ASSERT_OK(env.SyncDir("/db"));
  ASSERT_OK(f->Append("synced|"));
  ASSERT_OK(f->Sync());
  ASSERT_OK(f->Append("lost"));
  ASSERT_OK(f->Flush());  // a flush survives a process crash, not power loss
  EXPECT_EQ(env.SyncedSize("/db/log"), 7u);

  auto crashed = env.CrashClone();
  EXPECT_EQ(Read(crashed.get(), "/db/log"), "synced|");
  EXPECT_EQ(Read(&env, "/db/log"), "synced|lost");  // the original is untouched
  EXPECT_TRUE(crashed->FileExists("/db"));

  // The clone is independent.
  ASSERT_OK(Write(crashed.get(), "/db/log", "other", true));
  EXPECT_EQ(Read(&env, "/db/log"), "synced|lost");
  ASSERT_OK(f->Append("!"));
  EXPECT_EQ(Read(crashed.get(), "/db/log"), "other");

  // A never-synced file whose entry is durable comes back empty.
  ASSERT_OK(Write(&env, "/db/empty", "data", false));
  ASSERT_OK(env.SyncDir("/db"));
  EXPECT_EQ(Read(env.CrashClone().get(), "/db/empty"), "");
}

TEST(MemEnvTest, CrashCloneRollsBackUnsyncedDirectoryEntries) {
  MemEnv env;
  ASSERT_OK(env.CreateDirIfMissing("/db"));
  ASSERT_OK(Write(&env, "/db/old", "old", true));
  ASSERT_OK(Write(&env, "/db/gone", "gone", true));
  ASSERT_OK(env.SyncDir("/db"));

  // Creation, rename and removal, none made durable yet.
  ASSERT_OK(Write(&env, "/db/new", "new", true));  // data synced, entry not
  ASSERT_OK(env.RenameFile("/db/old", "/db/renamed"));
  ASSERT_OK(env.RemoveFile("/db/gone"));
  EXPECT_EQ(Children(&env, "/db"), (Names{"new", "renamed"}));

  auto crashed = env.CrashClone();
  EXPECT_EQ(Children(crashed.get(), "/db"), (Names{"gone", "old"}));
  EXPECT_EQ(Read(crashed.get(), "/db/old"), "old");
  EXPECT_EQ(Read(crashed.get(), "/db/gone"), "gone");

  // SyncDir of another directory changes nothing here.
  ASSERT_OK(env.CreateDirIfMissing("/other"));
  ASSERT_OK(env.SyncDir("/other"));
  EXPECT_EQ(Children(env.CrashClone().get(), "/db"), (Names{"gone", "old"}));

  ASSERT_OK(env.SyncDir("/db"));
  crashed = env.CrashClone();
  EXPECT_EQ(Children(crashed.get(), "/db"), (Names{"new", "renamed"}));
  EXPECT_EQ(Read(crashed.get(), "/db/renamed"), "old");
  EXPECT_EQ(Read(crashed.get(), "/db/new"), "new");

  // A crash of a crash keeps what was durable in the first clone.
  EXPECT_EQ(Children(crashed->CrashClone().get(), "/db"), (Names{"new", "renamed"}));
}

TEST(MemEnvTest, CrashCloneRenameOverExistingFileIsAtomic) {
  // The CURRENT-file pattern: write a temp file, sync it, rename over CURRENT.
  MemEnv env;
  ASSERT_OK(Write(&env, "/db/CURRENT", "MANIFEST-1", true));
  ASSERT_OK(env.SyncDir("/db"));
  ASSERT_OK(Write(&env, "/db/CURRENT.tmp", "MANIFEST-2", true));
  ASSERT_OK(env.RenameFile("/db/CURRENT.tmp", "/db/CURRENT"));
  EXPECT_EQ(Read(env.CrashClone().get(), "/db/CURRENT"), "MANIFEST-1");
  ASSERT_OK(env.SyncDir("/db"));
  auto crashed = env.CrashClone();
  EXPECT_EQ(Read(crashed.get(), "/db/CURRENT"), "MANIFEST-2");
  EXPECT_FALSE(crashed->FileExists("/db/CURRENT.tmp"));
}

TEST(MemEnvTest, CrashCloneCanKeepARandomPrefixOfUnsyncedBytes) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  MemEnv env;
  std::unique_ptr<WritableFile> f;
  ASSERT_OK(env.NewWritableFile("/db/log", &f));
  ASSERT_OK(env.SyncDir("/db"));
  const std::string synced = "0123456789";
  const std::string unsynced = "abcdefghijklmnopqrstuvwxyz";
  ASSERT_OK(f->Append(synced));
  ASSERT_OK(f->Sync());
  ASSERT_OK(f->Append(unsynced));

  std::set<size_t> lengths;
  for (uint64_t i = 0; i < 200; ++i) {
    auto crashed = env.CrashClone({.keep_unsynced_fraction = 0.5, .seed = seed + i});
    const std::string got = Read(crashed.get(), "/db/log");
    ASSERT_GE(got.size(), synced.size());
    ASSERT_LE(got.size(), synced.size() + unsynced.size() / 2);
    ASSERT_EQ(got, (synced + unsynced).substr(0, got.size()));
    EXPECT_EQ(crashed->SyncedSize("/db/log"), got.size());
    lengths.insert(got.size());
  }
  EXPECT_GT(lengths.size(), 3u);
  // Same seed, same outcome.
  EXPECT_EQ(Read(env.CrashClone({.keep_unsynced_fraction = 1.0, .seed = 7}).get(), "/db/log"),
            Read(env.CrashClone({.keep_unsynced_fraction = 1.0, .seed = 7}).get(), "/db/log"));
  EXPECT_EQ(Read(env.CrashClone({.keep_unsynced_fraction = 0.0, .seed = 7}).get(), "/db/log"),
            synced);
}

TEST(MemEnvTest, CrashCloneTornTailZeroesOnlyUnsyncedBytes) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  MemEnv env;
  std::unique_ptr<WritableFile> f;
  ASSERT_OK(env.NewWritableFile("/db/log", &f));
  ASSERT_OK(env.SyncDir("/db"));
  const std::string synced(100, 's');
  const std::string unsynced(3000, 'u');
  ASSERT_OK(f->Append(synced));
  ASSERT_OK(f->Sync());
  ASSERT_OK(f->Append(unsynced));
  std::set<size_t> zeroed_counts;
  for (uint64_t i = 0; i < 200; ++i) {
    auto crashed =
        env.CrashClone({.keep_unsynced_fraction = 1.0, .torn_tail_bytes = 1024, .seed = seed + i});
    const std::string got = Read(crashed.get(), "/db/log");
    ASSERT_GE(got.size(), synced.size());
    ASSERT_EQ(got.substr(0, synced.size()), synced);  // synced bytes intact
    // The kept unsynced part is 'u'* followed by at most 1024 zeros, which
    // start at a 512-byte sector boundary of the file.
    const std::string tail = got.substr(synced.size());
    const size_t first_zero = tail.find('\0');
    const size_t zeros = first_zero == std::string::npos ? 0 : tail.size() - first_zero;
    ASSERT_LE(zeros, 1024u);
    if (zeros > 0) {
      ASSERT_EQ((synced.size() + first_zero) % 512, 0u);
    }
    ASSERT_EQ(tail, std::string(tail.size() - zeros, 'u') + std::string(zeros, '\0'));
    zeroed_counts.insert(zeros);
  }
  EXPECT_GT(zeroed_counts.size(), 3u);  // the torn length varies
  // Without unsynced bytes kept there is nothing to tear.
  EXPECT_EQ(
      Read(env.CrashClone({.keep_unsynced_fraction = 0.0, .torn_tail_bytes = 64}).get(), "/db/log"),
      synced);
}

TEST(MemEnvTest, FaultRulesCanBeLimitedToPaths) {
  MemEnv env;
  std::unique_ptr<WritableFile> wal, sst;
  ASSERT_OK(env.NewWritableFile("/db/000005.wal", &wal));
  ASSERT_OK(env.NewWritableFile("/db/000006.sst", &sst));
  env.FailNth(Op::kWrite, 2, Status::IOError("sst write"), ".sst");
  ASSERT_OK(wal->Append("a"));  // not counted: other path
  ASSERT_OK(wal->Append("b"));
  ASSERT_OK(sst->Append("1"));
  EXPECT_TRUE(sst->Append("2").IsIOError());
  ASSERT_OK(wal->Append("c"));
  EXPECT_EQ(env.injected_count(), 1u);

  // one_in = 1: every matching call fails (a dead device), others succeed.
  env.FailRandomly(Op::kSync, 1, 1, ".wal");
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(wal->Sync().IsIOError());
  ASSERT_OK(sst->Sync());
  EXPECT_EQ(env.injected_count(), 6u);
  env.ClearFaults();
  ASSERT_OK(wal->Sync());
}

TEST(MemEnvTest, FailNthFiresExactlyOnceAtN) {
  MemEnv env;
  std::unique_ptr<WritableFile> f;
  ASSERT_OK(env.NewWritableFile("/db/f", &f));
  env.FailNth(Op::kWrite, 3, Status::IOError("disk full"));
  EXPECT_FALSE(env.injected());
  ASSERT_OK(f->Append("1"));
  ASSERT_OK(f->Append("2"));
  EXPECT_FALSE(env.injected());
  Status s = f->Append("3");
  EXPECT_TRUE(s.IsIOError());
  EXPECT_NE(s.ToString().find("disk full"), std::string::npos) << s.ToString();
  EXPECT_TRUE(env.injected());
  for (int i = 0; i < 10; ++i) ASSERT_OK(f->Append("4"));
  EXPECT_EQ(env.injected_count(), 1u);
  EXPECT_EQ(env.FileContents("/db/f"), "12" + std::string(10, '4'));  // "3" never landed
  env.ClearFaults();
  EXPECT_FALSE(env.injected());
}

TEST(MemEnvTest, FailNthCoversEveryOpKind) {
  MemEnv env;
  ASSERT_OK(Write(&env, "/db/a", "abc", true));
  std::unique_ptr<WritableFile> w;
  std::unique_ptr<SequentialFile> sf;
  std::unique_ptr<RandomAccessFile> rf;
  char scratch[8];
  std::string_view got;

  env.FailNth(Op::kOpen, 1, Status::IOError("open"));
  EXPECT_TRUE(env.NewRandomAccessFile("/db/a", &rf).IsIOError());
  ASSERT_OK(env.NewRandomAccessFile("/db/a", &rf));

  env.FailNth(Op::kRead, 2, Status::Corruption("read"));
  ASSERT_OK(rf->Read(0, 1, &got, scratch));
  EXPECT_TRUE(rf->Read(0, 1, &got, scratch).IsCorruption());
  ASSERT_OK(env.NewSequentialFile("/db/a", &sf));
  ASSERT_OK(sf->Read(3, &got, scratch));
  EXPECT_EQ(got, "abc");

  ASSERT_OK(env.NewWritableFile("/db/w", &w));
  ASSERT_OK(w->Append("x"));
  env.FailNth(Op::kSync, 1, Status::IOError("sync"));
  EXPECT_TRUE(w->Sync().IsIOError());
  EXPECT_EQ(env.SyncedSize("/db/w"), 0u);  // a failed sync syncs nothing
  ASSERT_OK(w->Sync());
  EXPECT_EQ(env.SyncedSize("/db/w"), 1u);

  env.FailNth(Op::kRename, 1, Status::IOError("rename"));
  EXPECT_TRUE(env.RenameFile("/db/a", "/db/b").IsIOError());
  EXPECT_TRUE(env.FileExists("/db/a"));
  EXPECT_FALSE(env.FileExists("/db/b"));

  env.FailNth(Op::kRemove, 1, Status::IOError("remove"));
  EXPECT_TRUE(env.RemoveFile("/db/a").IsIOError());
  EXPECT_TRUE(env.FileExists("/db/a"));

  env.FailNth(Op::kSyncDir, 1, Status::IOError("syncdir"));
  EXPECT_TRUE(env.SyncDir("/db").IsIOError());
  EXPECT_FALSE(env.CrashClone()->FileExists("/db/a"));  // the entry never became durable
  ASSERT_OK(env.SyncDir("/db"));
  EXPECT_EQ(Children(env.CrashClone().get(), "/db"), (Names{"a", "w"}));
  EXPECT_EQ(env.injected_count(), 6u);
}

TEST(MemEnvTest, FailRandomlyIsSeededAndClearable) {
  auto run = [](uint64_t seed) {
    MemEnv env;
    std::unique_ptr<WritableFile> f;
    EXPECT_OK(env.NewWritableFile("/f", &f));
    env.FailRandomly(Op::kWrite, 3, seed);
    std::string pattern;
    for (int i = 0; i < 100; ++i) pattern += f->Append("x").ok() ? '.' : 'X';
    env.ClearFaults();
    EXPECT_OK(f->Append("x"));
    return pattern;
  };
  const std::string a = run(42);
  EXPECT_EQ(a, run(42));
  const auto failures = std::count(a.begin(), a.end(), 'X');
  EXPECT_GT(failures, 10);
  EXPECT_LT(failures, 60);
}

TEST(MemEnvTest, FailRandomlyReturnsTheChosenError) {
  MemEnv env;
  std::unique_ptr<WritableFile> f;
  ASSERT_OK(env.NewWritableFile("/db/1.wal", &f));
  env.FailRandomly(Op::kWrite, 1, 7, ".wal", Status::NoSpace("full"));
  Status s = f->Append("x");
  EXPECT_TRUE(s.IsNoSpace() && s.IsIOError()) << s.ToString();
  EXPECT_NE(s.ToString().find("/db/1.wal"), std::string::npos) << s.ToString();
  env.ClearFaults();
  EXPECT_OK(f->Append("x"));
}

TEST(MemEnvTest, SpaceLimitShortWritesThenNoSpaceUntilSpaceIsFreed) {
  MemEnv env;
  std::unique_ptr<WritableFile> a, b;
  ASSERT_OK(env.NewWritableFile("/a", &a));
  ASSERT_OK(env.NewWritableFile("/b", &b));
  ASSERT_OK(a->Append(std::string(60, 'a')));
  env.SetSpaceLimit(100);
  ASSERT_OK(b->Append(std::string(30, 'b')));
  Status s = b->Append(std::string(30, 'b'));  // 10 bytes fit
  EXPECT_TRUE(s.IsNoSpace()) << s.ToString();
  EXPECT_EQ(env.FileContents("/b").size(), 40u);
  EXPECT_EQ(env.UsedBytes(), 100u);
  EXPECT_TRUE(b->Append("x").IsNoSpace());
  env.ClearFaults();  // does not lift the limit
  EXPECT_TRUE(b->Append("x").IsNoSpace());
  ASSERT_OK(env.RemoveFile("/a"));  // frees 60 bytes
  EXPECT_OK(b->Append(std::string(60, 'b')));
  EXPECT_TRUE(b->Append("x").IsNoSpace());
  env.SetSpaceLimit(std::nullopt);
  EXPECT_OK(b->Append("x"));
}

TEST(MemEnvTest, LockConflictsUntilReleased) {
  MemEnv env;
  std::unique_ptr<FileLock> lock1;
  ASSERT_OK(env.LockFile("/db/LOCK", &lock1));
  EXPECT_TRUE(env.FileExists("/db/LOCK"));
  std::unique_ptr<FileLock> lock2;
  EXPECT_TRUE(env.LockFile("/db/LOCK", &lock2).IsBusy());
  EXPECT_TRUE(env.LockFile("/db//LOCK", &lock2).IsBusy());  // same path, other spelling
  std::unique_ptr<FileLock> other;
  ASSERT_OK(env.LockFile("/db2/LOCK", &other));
  lock1.reset();
  ASSERT_OK(env.LockFile("/db/LOCK", &lock2));
}

TEST(MemEnvTest, ManualAndRealClocks) {
  MemEnv manual(MemEnv::Clock::kManual);
  const uint64_t t0 = manual.NowMicros();
  EXPECT_EQ(manual.NowMicros(), t0);
  manual.AdvanceClock(250);
  EXPECT_EQ(manual.NowMicros(), t0 + 250);
  manual.SleepForMicroseconds(1'000'000'000);  // returns at once, clock moves
  EXPECT_EQ(manual.NowMicros(), t0 + 250 + 1'000'000'000);

  MemEnv real;
  const uint64_t r0 = real.NowMicros();
  real.SleepForMicroseconds(1000);
  EXPECT_GE(real.NowMicros(), r0 + 1000);
  real.AdvanceClock(1'000'000);
  EXPECT_GE(real.NowMicros(), r0 + 1'001'000);
}

TEST(MemEnvTest, ByteSurgeryHelpers) {
  MemEnv env;
  ASSERT_OK(Write(&env, "/f", "abcdef", true));
  ASSERT_OK(env.CorruptByte("/f", 1, 0x20));
  EXPECT_EQ(env.FileContents("/f"), "aBcdef");
  EXPECT_TRUE(env.CorruptByte("/f", 6, 1).IsInvalidArgument());
  EXPECT_TRUE(env.CorruptByte("/g", 0, 1).IsNotFound());
  ASSERT_OK(env.Truncate("/f", 3));
  EXPECT_EQ(env.FileContents("/f"), "aBc");
  EXPECT_EQ(env.SyncedSize("/f"), 3u);
  ASSERT_OK(env.Truncate("/f", 5));
  EXPECT_EQ(env.FileContents("/f"), std::string("aBc\0\0", 5));
  EXPECT_EQ(env.FileContents("/missing"), "");
  EXPECT_EQ(env.SyncedSize("/missing"), std::nullopt);
}

TEST(MemEnvTest, ConcurrentUseIsSafe) {
  MemEnv env;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&env, t] {
      const std::string path = "/db/file" + std::to_string(t);
      std::unique_ptr<WritableFile> f;
      EXPECT_OK(env.NewWritableFile(path, &f));
      for (int i = 0; i < 1000; ++i) {
        EXPECT_OK(f->Append("0123456789"));
        if (i % 100 == 0) {
          EXPECT_OK(f->Sync());
          EXPECT_OK(env.SyncDir("/db"));
          std::vector<std::string> names;
          EXPECT_OK(env.GetChildren("/db", &names));
          (void)env.CrashClone();
        }
      }
      EXPECT_OK(f->Close());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Children(&env, "/db"), (Names{"file0", "file1", "file2", "file3"}));
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(env.FileContents("/db/file" + std::to_string(t)).size(), 10000u);
  }
}

}  // namespace
}  // namespace mmdb
