#include "db/write_thread.h"

namespace mmdb {

namespace {
// A group grows to at most this many bytes of batches; when the leader's own
// batch is small, the cap is smaller still, to keep small writes' latency low.
constexpr size_t kMaxGroupBytes = 1 << 20;
constexpr size_t kSmallBatchBytes = 128 << 10;
}  // namespace

bool WriteThread::JoinAndWait(Writer* w) {
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(w);
  w->cv.wait(lock, [&] { return w->done || queue_.front() == w; });
  return !w->done;
}

void WriteThread::BuildGroup(Writer* leader, std::vector<Writer*>* group) {
  group->clear();
  group->push_back(leader);
  if (leader->batch == nullptr) return;
  size_t size = leader->batch->ApproximateSize();
  const size_t max_size = size <= kSmallBatchBytes ? size + kSmallBatchBytes : kMaxGroupBytes;
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 1; i < queue_.size(); ++i) {
    Writer* w = queue_[i];
    if (w->batch == nullptr || w->disable_wal != leader->disable_wal) break;
    // A sync write may join a group (the group then syncs); a leader that
    // did not ask for sync still syncs on its behalf, which is only slower.
    size += w->batch->ApproximateSize();
    if (size > max_size) break;
    group->push_back(w);
  }
}

void WriteThread::ExitAsLeader(const std::vector<Writer*>& group, const Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Writer* w : group) {
    // The group is exactly the front of the queue, in order.
    queue_.pop_front();
    w->status = status;
    w->done = true;
    if (w != group.front()) w->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
}

}  // namespace mmdb
