#include "memtable/memtable.h"

#include <cassert>
#include <cstring>
#include <new>

#include "util/coding.h"

namespace mmdb {

namespace {

// Splits an arena entry (ours, so trusted) at `p` into its internal key and,
// if asked, its value.
std::string_view DecodeKey(const char* p) {
  uint32_t len = 0;
  p = GetVarint32Ptr(p, p + 5, &len);
  assert(p != nullptr);
  return std::string_view(p, len);
}

std::string_view DecodeValue(const char* p) {
  std::string_view key = DecodeKey(p);
  const char* v = key.data() + key.size();
  uint32_t len = 0;
  v = GetVarint32Ptr(v, v + 5, &len);
  assert(v != nullptr);
  return std::string_view(v, len);
}

// Encodes an internal key as a skiplist search target (varint32 length ‖ key).
const char* EncodeTarget(std::string* scratch, std::string_view internal_key) {
  scratch->clear();
  PutVarint32(scratch, static_cast<uint32_t>(internal_key.size()));
  scratch->append(internal_key);
  return scratch->data();
}

}  // namespace

int MemTable::EntryComparator::operator()(const char* a, const char* b) const {
  return CompareInternalKey(DecodeKey(a), DecodeKey(b));
}

// Iterates one of the memtable's skiplists. Holds a reference to the memtable
// (when it is shared-owned) so the arena outlives the iterator.
class MemTable::Iter final : public InternalIterator {
 public:
  Iter(std::shared_ptr<const MemTable> ref, const Table* table)
      : ref_(std::move(ref)), iter_(table) {}

  bool Valid() const override { return iter_.Valid(); }
  void SeekToFirst() override { iter_.SeekToFirst(); }
  void SeekToLast() override { iter_.SeekToLast(); }
  void Seek(std::string_view target) override { iter_.Seek(EncodeTarget(&scratch_, target)); }
  void SeekForPrev(std::string_view target) override {
    iter_.SeekForPrev(EncodeTarget(&scratch_, target));
  }
  void Next() override { iter_.Next(); }
  void Prev() override { iter_.Prev(); }
  std::string_view key() const override { return DecodeKey(iter_.key()); }
  std::string_view value() const override { return DecodeValue(iter_.key()); }
  Status status() const override { return Status::OK(); }

 private:
  std::shared_ptr<const MemTable> ref_;  // may be null: then the caller keeps it alive
  Table::Iterator iter_;
  std::string scratch_;  // encoded seek target
};

MemTable::MemTable()
    : table_(EntryComparator{}, &arena_, 0x6d656d74ull),
      range_del_table_(EntryComparator{}, &arena_, 0x72616e67ull) {}

const char* MemTable::EncodeEntry(SequenceNumber seq, ValueType type, std::string_view user_key,
                                  std::string_view value) {
  assert(seq <= kMaxSequenceNumber);
  const size_t ikey_len = user_key.size() + kTrailerSize;
  assert(ikey_len <= UINT32_MAX && value.size() <= UINT32_MAX);
  const size_t total = static_cast<size_t>(VarintLength(ikey_len)) + ikey_len +
                       static_cast<size_t>(VarintLength(value.size())) + value.size();
  char* buf = arena_.Allocate(total);
  char* p = EncodeVarint32(buf, static_cast<uint32_t>(ikey_len));
  if (!user_key.empty()) std::memcpy(p, user_key.data(), user_key.size());
  p += user_key.size();
  EncodeBigEndian64(p, ~PackSequenceAndType(seq, type));
  p += kTrailerSize;
  p = EncodeVarint32(p, static_cast<uint32_t>(value.size()));
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  assert(p + value.size() == buf + total);
  return buf;
}

void MemTable::Add(SequenceNumber seq, ValueType type, std::string_view user_key,
                   std::string_view value) {
  if (type == ValueType::kDeletion) value = {};
  const char* entry = EncodeEntry(seq, type, user_key, value);
  if (type == ValueType::kRangeDeletion) {
    range_del_table_.Insert(entry);
    auto* node = new (arena_.AllocateAligned(sizeof(RangeDelNode))) RangeDelNode{entry};
    if (range_del_tail_ == nullptr) {
      range_del_head_.store(node, std::memory_order_release);
    } else {
      range_del_tail_->next.store(node, std::memory_order_release);
    }
    range_del_tail_ = node;
    // Release: pairs with the acquire in num_range_deletions().
    num_range_deletions_.fetch_add(1, std::memory_order_release);
  } else {
    table_.Insert(entry);
    if (type == ValueType::kDeletion) num_deletions_.fetch_add(1, std::memory_order_relaxed);
  }
  const uint64_t n = num_entries_.load(std::memory_order_relaxed);
  if (n == 0 || seq < first_seq_.load(std::memory_order_relaxed)) {
    first_seq_.store(seq, std::memory_order_relaxed);
  }
  if (seq > largest_seq_.load(std::memory_order_relaxed)) {
    largest_seq_.store(seq, std::memory_order_relaxed);
  }
  num_entries_.store(n + 1, std::memory_order_relaxed);
}

bool MemTable::Get(const LookupKey& key, std::string* value, Status* s,
                   SequenceNumber* found_seq) const {
  Table::Iterator it(&table_);
  it.Seek(key.memtable_key());
  if (!it.Valid()) return false;
  const std::string_view ikey = DecodeKey(it.key());
  if (CompareUserKey(ExtractUserKey(ikey), key.user_key()) != 0) return false;
  // The lookup key sorts before every entry of the user key with sequence <=
  // its own, so this is the newest visible one.
  const uint64_t packed = ExtractPackedTrailer(ikey);
  if (found_seq != nullptr) *found_seq = packed >> 8;
  switch (static_cast<ValueType>(packed & 0xff)) {
    case ValueType::kValue: {
      const std::string_view v = DecodeValue(it.key());
      value->assign(v.data(), v.size());
      *s = Status::OK();
      return true;
    }
    case ValueType::kDeletion:
      *s = Status::NotFound();
      return true;
    case ValueType::kRangeDeletion:
      break;  // never in table_
  }
  assert(false && "range tombstone in the point table");
  return false;
}

std::unique_ptr<InternalIterator> MemTable::NewIterator() const {
  return std::make_unique<Iter>(weak_from_this().lock(), &table_);
}

void MemTable::ForEachRangeTombstoneSince(
    RangeTombstoneCursor* cursor,
    const std::function<void(std::string_view, std::string_view, SequenceNumber)>& fn) const {
  const auto* last = static_cast<const RangeDelNode*>(cursor->last);
  const RangeDelNode* node = last == nullptr ? range_del_head_.load(std::memory_order_acquire)
                                             : last->next.load(std::memory_order_acquire);
  while (node != nullptr) {
    const std::string_view ikey = DecodeKey(node->entry);
    fn(ExtractUserKey(ikey), DecodeValue(node->entry), ExtractPackedTrailer(ikey) >> 8);
    cursor->last = node;
    ++cursor->consumed;
    node = node->next.load(std::memory_order_acquire);
  }
}

std::unique_ptr<InternalIterator> MemTable::NewRangeTombstoneIterator() const {
  if (num_range_deletions() == 0) return nullptr;
  return std::make_unique<Iter>(weak_from_this().lock(), &range_del_table_);
}

}  // namespace mmdb
