#include "iterator/db_iter.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include "util/random.h"

namespace mmdb {

namespace {

// Seeks made by this thread, to sample one in kSeekSamplePeriod.
thread_local uint32_t tls_seeks = 0;
// Seeds the per-iterator byte-sampling period.
thread_local Random tls_sample_rng(0x5eed5eedull ^ reinterpret_cast<uintptr_t>(&tls_seeks));

class DBIter final : public Iterator {
 public:
  DBIter(std::unique_ptr<InternalIterator> inner, DBIterOptions opts)
      : iter_(std::move(inner)), opts_(std::move(opts)) {
    if (opts_.lower_bound && opts_.upper_bound && *opts_.lower_bound >= *opts_.upper_bound) {
      empty_range_ = true;
    }
    if (opts_.read_sampler) bytes_until_sample_ = RandomReadPeriod();
  }

  ~DBIter() override {
    if (opts_.stats != nullptr) {
      opts_.stats->RecordTick(kIterEntriesVisited, visited_);
      opts_.stats->RecordTick(kIterTombstoneReseeks, reseeks_);
    }
  }

  bool Valid() const override { return valid_; }
  std::string_view key() const override {
    if (!valid_) return {};
    return direction_ == kForward ? ExtractUserKey(iter_->key()) : std::string_view(saved_key_);
  }
  std::string_view value() const override {
    if (!valid_) return {};
    return direction_ == kForward ? iter_->value() : std::string_view(saved_value_);
  }
  Status status() const override {
    if (!status_.ok()) return status_;
    return iter_->status();
  }

  void SeekToFirst() override {
    Timed(kSeekMicros, [&] { SeekToFirstImpl(); });
    SampleSeek();
  }
  void SeekToFirstImpl() {
    if (opts_.lower_bound) return SeekImpl(*opts_.lower_bound);
    Reset(kForward);
    if (empty_range_) return;
    iter_->SeekToFirst();
    FindNextUserEntry(false);
  }

  void SeekToLast() override {
    Timed(kSeekMicros, [&] { SeekToLastImpl(); });
    SampleSeek();
  }
  void SeekToLastImpl() {
    Reset(kReverse);
    if (empty_range_) return;
    if (opts_.upper_bound) {
      // The smallest internal key of the bound: every entry before it has a
      // smaller user key.
      iter_->SeekForPrev(
          MakeInternalKey(*opts_.upper_bound, kMaxSequenceNumber, kValueTypeForSeek));
      if (iter_->Valid() && ExtractUserKey(iter_->key()) >= *opts_.upper_bound) iter_->Prev();
    } else {
      iter_->SeekToLast();
    }
    FindPrevUserEntry();
  }

  void Seek(std::string_view target) override {
    Timed(kSeekMicros, [&] { SeekImpl(target); });
    SampleSeek();
  }
  void SeekImpl(std::string_view target) {
    Reset(kForward);
    if (empty_range_) return;
    if (opts_.lower_bound && target < *opts_.lower_bound) target = *opts_.lower_bound;
    seek_key_.clear();
    AppendInternalKey(&seek_key_, target, opts_.sequence, kValueTypeForSeek);
    iter_->Seek(seek_key_);
    FindNextUserEntry(false);
  }

  void SeekForPrev(std::string_view target) override {
    Timed(kSeekMicros, [&] { SeekForPrevImpl(target); });
    SampleSeek();
  }
  void SeekForPrevImpl(std::string_view target) {
    if (opts_.upper_bound && target >= *opts_.upper_bound) return SeekToLastImpl();
    Reset(kReverse);
    if (empty_range_) return;
    // The largest internal key of `target` (sequence 0, type 0).
    seek_key_.clear();
    AppendInternalKey(&seek_key_, target, 0, ValueType::kDeletion);
    iter_->SeekForPrev(seek_key_);
    FindPrevUserEntry();
  }

  void Next() override {
    TimedStep([&] { NextImpl(); });
    SampleStep();
  }
  void NextImpl() {
    if (!valid_) return;
    if (direction_ == kReverse) {
      // iter_ sits before the entries of saved_key_: step into them, then skip them.
      direction_ = kForward;
      if (!iter_->Valid()) {
        iter_->SeekToFirst();
      } else {
        iter_->Next();
      }
    } else {
      saved_key_.assign(ExtractUserKey(iter_->key()));
      iter_->Next();
    }
    FindNextUserEntry(true);
  }

  void Prev() override {
    TimedStep([&] { PrevImpl(); });
    SampleStep();
  }
  void PrevImpl() {
    if (!valid_) return;
    if (direction_ == kForward) {
      // Step back over every entry of the current key.
      saved_key_.assign(ExtractUserKey(iter_->key()));
      while (true) {
        iter_->Prev();
        if (!iter_->Valid()) break;
        if (ExtractUserKey(iter_->key()) < std::string_view(saved_key_)) break;
      }
      direction_ = kReverse;
    }
    FindPrevUserEntry();
  }

 private:
  enum Direction { kForward, kReverse };

  // Latency histograms when statistics are on: every seek, and one step in
  // kStepSample (a clock read per Next would cost more than the step).
  static constexpr uint32_t kStepSample = 64;
  template <typename Fn>
  void Timed(Histogram h, Fn&& fn) {
    if (opts_.stats == nullptr) return fn();
    const auto start = std::chrono::steady_clock::now();
    fn();
    opts_.stats->MeasureTime(
        h, static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count()));
  }
  template <typename Fn>
  void TimedStep(Fn&& fn) {
    if (opts_.stats == nullptr || ++steps_ % kStepSample != 0) return fn();
    Timed(kNextMicros, std::forward<Fn>(fn));
  }

  // Read sampling (DBIterOptions::read_sampler).
  static uint64_t RandomReadPeriod() {
    return tls_sample_rng.Uniform(2 * DBIterOptions::kReadBytesPeriod);
  }
  void SampleSeek() {
    if (!opts_.read_sampler || !valid_) return;
    if (++tls_seeks % DBIterOptions::kSeekSamplePeriod != 0) return;
    opts_.read_sampler(key(), DBIterOptions::kSeekSamplePeriod);
  }
  void SampleStep() {
    if (!opts_.read_sampler || !valid_) return;
    const uint64_t bytes = key().size() + value().size();
    if (bytes < bytes_until_sample_) {
      bytes_until_sample_ -= bytes;
      return;
    }
    bytes_until_sample_ = RandomReadPeriod();
    opts_.read_sampler(key(), 1);
  }

  void Reset(Direction d) {
    direction_ = d;
    valid_ = false;
    status_ = Status::OK();
    saved_key_.clear();
    saved_value_.clear();
  }

  bool Parse(ParsedInternalKey* ikey) {
    if (ParseInternalKey(iter_->key(), ikey)) return true;
    status_ = Status::Corruption("bad internal key in iterator: " + EscapeBytes(iter_->key()));
    valid_ = false;
    return false;
  }

  // The largest sequence of a range tombstone visible at the read sequence
  // that covers user_key (0 if none); a version below it is hidden. Fills
  // cover_ when user_key leaves its interval.
  SequenceNumber CoverSeq(std::string_view user_key) {
    if (opts_.tombstones.empty()) return 0;
    if (!cover_valid_ || !cover_.Contains(user_key)) {
      opts_.tombstones.Find(user_key, opts_.sequence, &cover_);
      cover_valid_ = true;
    }
    return cover_.seq;
  }

  // The current entry is hidden by cover_. If it comes from a source older
  // than the newest source covering it, moves every such older source past
  // the covering fragment and returns true; the merge then sits on a new entry.
  bool SkipCovered(bool forward) {
    if (opts_.merger == nullptr || cover_.newest_source < 0) return false;
    const size_t first = static_cast<size_t>(cover_.newest_source) + 1;
    if (opts_.merger->current_source() < first) return false;
    if (forward) {
      opts_.merger->SkipSourcesForward(first, cover_.end);
    } else {
      opts_.merger->SkipSourcesBackward(first, cover_.begin);
    }
    ++reseeks_;
    return true;
  }

  // Moves forward from iter_'s position to the newest visible entry of the
  // next user key that is neither deleted nor covered; when `skipping`,
  // entries of user keys <= saved_key_ are passed over.
  void FindNextUserEntry(bool skipping) {
    valid_ = false;
    while (iter_->Valid()) {
      ++visited_;
      ParsedInternalKey ikey;
      if (!Parse(&ikey)) return;
      if (opts_.upper_bound && ikey.user_key >= *opts_.upper_bound) return;
      if (ikey.sequence > opts_.sequence ||
          (skipping && ikey.user_key <= std::string_view(saved_key_))) {
        iter_->Next();
        continue;
      }
      const bool covered = CoverSeq(ikey.user_key) > ikey.sequence;
      if (ikey.type == ValueType::kValue && !covered) {
        // Load the value now: a table iterator reads a deferred data block
        // only when the value is needed, and a failed read must make this
        // iterator invalid rather than show an empty value.
        (void)iter_->value();
        if (!iter_->status().ok()) {
          status_ = iter_->status();
          return;
        }
        valid_ = true;
        saved_key_.clear();
        return;
      }
      // A deletion (or a covered value) hides every older version of the key.
      saved_key_.assign(ikey.user_key);
      skipping = true;
      if (covered && SkipCovered(true)) continue;
      iter_->Next();
    }
  }

  // Moves backward from iter_'s position, collecting the newest visible
  // version of the previous user key into saved_key_/saved_value_.
  void FindPrevUserEntry() {
    ValueType value_type = ValueType::kDeletion;
    while (iter_->Valid()) {
      ++visited_;
      ParsedInternalKey ikey;
      if (!Parse(&ikey)) return;
      if (opts_.lower_bound && ikey.user_key < *opts_.lower_bound) break;
      if (ikey.sequence > opts_.sequence) {
        iter_->Prev();
        continue;
      }
      if (value_type != ValueType::kDeletion && ikey.user_key < std::string_view(saved_key_)) {
        break;  // saved_key_ is complete
      }
      const bool covered = CoverSeq(ikey.user_key) > ikey.sequence;
      if (ikey.type == ValueType::kValue && !covered) {
        value_type = ValueType::kValue;
        saved_key_.assign(ikey.user_key);
        saved_value_.assign(iter_->value());
        if (!iter_->status().ok()) {  // the value's block could not be read
          status_ = iter_->status();
          valid_ = false;
          saved_key_.clear();
          saved_value_.clear();
          return;
        }
      } else {
        value_type = ValueType::kDeletion;
        saved_key_.clear();
        saved_value_.clear();
        if (covered && SkipCovered(false)) continue;
      }
      iter_->Prev();
    }
    if (value_type == ValueType::kDeletion) {
      valid_ = false;
      saved_key_.clear();
      saved_value_.clear();
      direction_ = kForward;
    } else {
      valid_ = true;
    }
  }

  std::unique_ptr<InternalIterator> iter_;
  const DBIterOptions opts_;
  Direction direction_ = kForward;
  bool valid_ = false;
  bool empty_range_ = false;
  Status status_;
  std::string saved_key_;            // reverse: current key; forward: key being skipped
  std::string saved_value_;          // reverse only
  std::string seek_key_;             // scratch for seek targets
  RangeTombstoneView::Cover cover_;  // tombstones at the last key asked about
  bool cover_valid_ = false;
  uint64_t visited_ = 0;             // internal entries looked at
  uint64_t bytes_until_sample_ = 0;  // read sampling: bytes to the next sample
  uint64_t reseeks_ = 0;             // SkipCovered moves
  uint32_t steps_ = 0;               // Next/Prev calls, for sampling
};

}  // namespace

std::unique_ptr<Iterator> NewDBIterator(std::unique_ptr<InternalIterator> inner,
                                        DBIterOptions options) {
  return std::make_unique<DBIter>(std::move(inner), std::move(options));
}

}  // namespace mmdb
