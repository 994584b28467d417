#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/write_batch.h>

#include "types/write_batch_internal.h"
#include "util/coding.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

// Records every operation as text: "Put(k,v)", "Delete(k)", "DeleteRange(b,e)".
class Recorder : public WriteBatch::Handler {
 public:
  Status Put(std::string_view key, std::string_view value) override {
    ops.push_back("Put(" + std::string(key) + "," + std::string(value) + ")");
    return Status::OK();
  }
  Status Delete(std::string_view key) override {
    ops.push_back("Delete(" + std::string(key) + ")");
    return Status::OK();
  }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    ops.push_back("DeleteRange(" + std::string(begin) + "," + std::string(end) + ")");
    return Status::OK();
  }
  std::vector<std::string> ops;
};

std::string Hex(const WriteBatch& b) { return ToHex(b.Data()); }

TEST(WriteBatchTest, EmptyBatchIsAZeroHeader) {
  WriteBatch b;
  EXPECT_EQ(b.Count(), 0u);
  EXPECT_EQ(b.ApproximateSize(), 12u);
  EXPECT_EQ(Hex(b), "000000000000000000000000");
  Recorder r;
  ASSERT_OK(b.Iterate(&r));
  EXPECT_TRUE(r.ops.empty());
}

TEST(WriteBatchTest, EncodingOfOneOpOfEachKindIsPinned) {
  WriteBatch b;
  b.Put("k", "v");
  b.Delete("d");
  b.DeleteRange("a", "c");
  WriteBatchInternal::SetSequence(&b, 0x0102030405060708ull);
  // clang-format off
  EXPECT_EQ(Hex(b),
            "0807060504030201"    // first_sequence u64 LE
            "03000000"            // count u32 LE
            "01" "01000000" "6b"  // Value: type, key len, "k"
            "01000000" "76"       //   value len, "v"
            "00" "01000000" "64"  // Deletion: type, key len, "d"
            "02" "01000000" "61"  // RangeDeletion: type, begin len, "a"
            "01000000" "63");     //   end len, "c"
  // clang-format on
  EXPECT_EQ(b.Count(), 3u);
  EXPECT_EQ(WriteBatchInternal::Sequence(b), 0x0102030405060708ull);
  EXPECT_EQ(WriteBatchInternal::ByteSize(b), 12u + 11u + 6u + 11u);
}

TEST(WriteBatchTest, EmptyOrInvertedDeleteRangeAppendsNothing) {
  WriteBatch b;
  b.DeleteRange("b", "b");
  b.DeleteRange("c", "a");
  b.DeleteRange("", "");
  EXPECT_EQ(b.Count(), 0u);
  EXPECT_EQ(b.ApproximateSize(), 12u);
  b.DeleteRange("", "a");  // empty begin is a real key
  EXPECT_EQ(b.Count(), 1u);
}

TEST(WriteBatchTest, IterateReturnsOperationsInOrder) {
  WriteBatch b;
  b.Put("a", "1");
  b.Delete("a");
  b.DeleteRange("b", "d");
  b.Put("", "");
  b.Put("a", std::string(1000, 'x'));
  Recorder r;
  ASSERT_OK(b.Iterate(&r));
  std::vector<std::string> want = {"Put(a,1)", "Delete(a)", "DeleteRange(b,d)", "Put(,)",
                                   "Put(a," + std::string(1000, 'x') + ")"};
  EXPECT_EQ(r.ops, want);
  ASSERT_OK(WriteBatchInternal::Validate(b));

  // Round trip through the encoded form.
  WriteBatch copy;
  copy.SetContents(b.Data());
  Recorder r2;
  ASSERT_OK(copy.Iterate(&r2));
  EXPECT_EQ(r2.ops, want);
  EXPECT_EQ(copy.Count(), 5u);
}

TEST(WriteBatchTest, ClearResetsEverything) {
  WriteBatch b;
  b.Put("a", "b");
  WriteBatchInternal::SetSequence(&b, 7);
  b.Clear();
  EXPECT_EQ(b.Count(), 0u);
  EXPECT_EQ(Hex(b), "000000000000000000000000");
}

TEST(WriteBatchTest, TruncationAtEveryCutPointIsCorruption) {
  WriteBatch b;
  b.Put("key1", "value1");
  b.Delete("key2");
  b.DeleteRange("key3", "key4");
  WriteBatchInternal::SetSequence(&b, 42);
  const std::string full(b.Data());
  for (size_t cut = WriteBatchInternal::kHeaderSize; cut < full.size(); ++cut) {
    WriteBatch t;
    t.SetContents(std::string_view(full).substr(0, cut));
    Recorder r;
    Status s = t.Iterate(&r);
    EXPECT_TRUE(s.IsCorruption()) << "cut " << cut << ": " << s.ToString();
    EXPECT_TRUE(r.ops.empty()) << "a corrupt batch must reach the handler not at all";
  }
}

TEST(WriteBatchTest, BadTypeAndCountMismatchAreCorruption) {
  WriteBatch b;
  b.Put("k", "v");
  std::string rep(b.Data());

  std::string bad_type = rep;
  bad_type[12] = 3;
  WriteBatch t;
  t.SetContents(bad_type);
  Recorder r;
  EXPECT_TRUE(t.Iterate(&r).IsCorruption());

  WriteBatch more;
  more.SetContents(rep);
  WriteBatchInternal::SetCount(&more, 2);
  EXPECT_TRUE(more.Iterate(&r).IsCorruption());

  WriteBatch fewer;
  fewer.SetContents(rep);
  WriteBatchInternal::SetCount(&fewer, 0);
  EXPECT_TRUE(fewer.Iterate(&r).IsCorruption());

  // A key length pointing far past the end.
  std::string huge_len = rep;
  EncodeFixed32(huge_len.data() + 13, 0xfffffff0u);
  WriteBatch h;
  h.SetContents(huge_len);
  EXPECT_TRUE(h.Iterate(&r).IsCorruption());
  EXPECT_TRUE(r.ops.empty());
}

TEST(WriteBatchTest, RandomGarblingNeverCrashes) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  WriteBatch b;
  for (int i = 0; i < 20; ++i) {
    std::string k = "key" + std::to_string(rnd.Uniform(100));
    switch (rnd.Uniform(3)) {
      case 0:
        b.Put(k, std::string(rnd.Uniform(20), 'v'));
        break;
      case 1:
        b.Delete(k);
        break;
      default:
        b.DeleteRange(k, k + "z");
    }
  }
  const std::string full(b.Data());
  for (int i = 0; i < 2000; ++i) {
    std::string g = full;
    const int flips = 1 + static_cast<int>(rnd.Uniform(3));
    for (int f = 0; f < flips; ++f) {
      g[rnd.Uniform(g.size())] ^= static_cast<char>(1 + rnd.Uniform(255));
    }
    WriteBatch t;
    t.SetContents(g);
    Recorder r;
    Status s = t.Iterate(&r);
    if (s.ok()) {
      EXPECT_EQ(r.ops.size(), t.Count());
    } else {
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
      EXPECT_TRUE(r.ops.empty());
    }
  }
}

TEST(WriteBatchTest, HandlerErrorStopsIteration) {
  class FailSecond : public WriteBatch::Handler {
   public:
    Status Put(std::string_view, std::string_view) override {
      return ++calls == 2 ? Status::Aborted("stop") : Status::OK();
    }
    Status Delete(std::string_view) override { return Status::OK(); }
    Status DeleteRange(std::string_view, std::string_view) override { return Status::OK(); }
    int calls = 0;
  };
  WriteBatch b;
  b.Put("a", "1");
  b.Put("b", "2");
  b.Put("c", "3");
  FailSecond h;
  EXPECT_TRUE(b.Iterate(&h).IsAborted());
  EXPECT_EQ(h.calls, 2);
}

TEST(WriteBatchTest, AppendConcatenatesForGroupCommit) {
  WriteBatch a;
  a.Put("a", "1");
  WriteBatchInternal::SetSequence(&a, 10);
  WriteBatch b;
  b.Delete("b");
  b.DeleteRange("c", "d");
  WriteBatchInternal::SetSequence(&b, 99);
  WriteBatch empty;

  WriteBatchInternal::Append(&a, b);
  WriteBatchInternal::Append(&a, empty);
  EXPECT_EQ(a.Count(), 3u);
  EXPECT_EQ(WriteBatchInternal::Sequence(a), 10u);
  Recorder r;
  ASSERT_OK(a.Iterate(&r));
  EXPECT_EQ(r.ops, (std::vector<std::string>{"Put(a,1)", "Delete(b)", "DeleteRange(c,d)"}));
  EXPECT_EQ(WriteBatchInternal::ByteSize(a), 12u + (b.ApproximateSize() - 12u) + 11u);
}

TEST(WriteBatchTest, ContentsAndSetCount) {
  WriteBatch b;
  b.Put("x", "y");
  EXPECT_EQ(WriteBatchInternal::Contents(b), b.Data());
  WriteBatchInternal::SetCount(&b, 9);
  EXPECT_EQ(WriteBatchInternal::Count(b), 9u);
  EXPECT_TRUE(WriteBatchInternal::Validate(b).IsCorruption());
}

}  // namespace
}  // namespace mmdb
