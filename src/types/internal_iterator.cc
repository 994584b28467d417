#include "types/internal_iterator.h"

namespace mmdb {

namespace {

class EmptyIterator final : public InternalIterator {
 public:
  explicit EmptyIterator(Status s) : status_(std::move(s)) {}
  bool Valid() const override { return false; }
  void SeekToFirst() override {}
  void SeekToLast() override {}
  void Seek(std::string_view) override {}
  void SeekForPrev(std::string_view) override {}
  void Next() override {}
  void Prev() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  Status status() const override { return status_; }

 private:
  Status status_;
};

class OwningIterator final : public InternalIterator {
 public:
  OwningIterator(std::shared_ptr<const void> owner, std::unique_ptr<InternalIterator> iter)
      : owner_(std::move(owner)), iter_(std::move(iter)) {}
  ~OwningIterator() override { iter_.reset(); }  // before owner_ goes
  bool Valid() const override { return iter_->Valid(); }
  void SeekToFirst() override { iter_->SeekToFirst(); }
  void SeekToLast() override { iter_->SeekToLast(); }
  void Seek(std::string_view t) override { iter_->Seek(t); }
  void SeekForPrev(std::string_view t) override { iter_->SeekForPrev(t); }
  void Next() override { iter_->Next(); }
  void Prev() override { iter_->Prev(); }
  std::string_view key() const override { return iter_->key(); }
  std::string_view value() const override { return iter_->value(); }
  Status status() const override { return iter_->status(); }

 private:
  std::shared_ptr<const void> owner_;
  std::unique_ptr<InternalIterator> iter_;
};

}  // namespace

std::unique_ptr<InternalIterator> NewOwningIterator(std::shared_ptr<const void> owner,
                                                    std::unique_ptr<InternalIterator> iter) {
  return std::make_unique<OwningIterator>(std::move(owner), std::move(iter));
}

std::unique_ptr<InternalIterator> NewEmptyInternalIterator(Status status) {
  return std::make_unique<EmptyIterator>(std::move(status));
}

}  // namespace mmdb
