#include "db/snapshot_list.h"

namespace mmdb {

namespace {

class SnapshotImpl final : public Snapshot {
 public:
  explicit SnapshotImpl(SequenceNumber seq) : seq_(seq) {}
  SequenceNumber sequence() const override { return seq_; }

 private:
  const SequenceNumber seq_;
};

}  // namespace

std::shared_ptr<const Snapshot> SnapshotList::Create(SequenceNumber seq) {
  {
    MutexLock l(&mu_);
    seqs_.insert(seq);
  }
  std::shared_ptr<SnapshotList> self = shared_from_this();
  return std::shared_ptr<const Snapshot>(new SnapshotImpl(seq),  // NOLINT: custom deleter
                                         [self, seq](const Snapshot* s) {
                                           self->Release(seq);
                                           delete s;  // NOLINT: paired with the new above
                                         });
}

void SnapshotList::Release(SequenceNumber seq) {
  MutexLock l(&mu_);
  auto it = seqs_.find(seq);
  if (it != seqs_.end()) seqs_.erase(it);
}

size_t SnapshotList::size() const {
  MutexLock l(&mu_);
  return seqs_.size();
}

std::vector<SequenceNumber> SnapshotList::Sequences() const {
  MutexLock l(&mu_);
  std::vector<SequenceNumber> out;
  for (SequenceNumber s : seqs_) {
    if (out.empty() || out.back() != s) out.push_back(s);
  }
  return out;
}

SequenceNumber SnapshotList::Oldest(SequenceNumber if_none) const {
  MutexLock l(&mu_);
  return seqs_.empty() ? if_none : *seqs_.begin();
}

}  // namespace mmdb
