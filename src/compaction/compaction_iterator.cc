// CompactionIterator: one pass over the merged input, deciding per entry
// from what was seen earlier for the same user key (no lookahead), so that
// memory stays O(one key).
#include "compaction/compaction_iterator.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace mmdb {

CompactionIterator::CompactionIterator(std::unique_ptr<InternalIterator> input,
                                       CompactionIteratorOptions options)
    : input_(std::move(input)), options_(std::move(options)) {
  // The contract says ascending; duplicates (two handles on one sequence)
  // are harmless but would make empty stripes, so normalise.
  auto& snaps = options_.snapshots;
  std::sort(snaps.begin(), snaps.end());
  snaps.erase(std::unique(snaps.begin(), snaps.end()), snaps.end());
}

void CompactionIterator::SeekToFirst() {
  ResetKeyState();
  status_ = Status::OK();
  input_->SeekToFirst();
  FindNextOutput();
}

void CompactionIterator::Seek(std::string_view user_key) {
  ResetKeyState();
  status_ = Status::OK();
  input_->Seek(LookupKey(user_key, kMaxSequenceNumber).internal_key());
  FindNextOutput();
}

bool CompactionIterator::Valid() const { return valid_; }

void CompactionIterator::Next() {
  assert(valid_);
  input_->Next();
  FindNextOutput();
}

std::string_view CompactionIterator::key() const {
  assert(valid_);
  return key_;
}

std::string_view CompactionIterator::value() const {
  assert(valid_);
  return value_;
}

Status CompactionIterator::status() const { return status_; }

const CompactionIteratorStats& CompactionIterator::stats() const { return stats_; }

void CompactionIterator::ResetKeyState() {
  valid_ = false;
  has_user_key_ = false;
  user_key_.clear();
  last_sequence_ = 0;
  last_stripe_ = kNoStripe;
  drop_whole_key_ = false;
  emitted_any_ = false;
}

size_t CompactionIterator::StripeOf(SequenceNumber seq) const {
  const auto& snaps = options_.snapshots;
  return static_cast<size_t>(std::lower_bound(snaps.begin(), snaps.end(), seq) - snaps.begin());
}

SequenceNumber CompactionIterator::StripeTop(size_t stripe) const {
  return stripe < options_.snapshots.size() ? options_.snapshots[stripe] : kMaxSequenceNumber;
}

void CompactionIterator::FinishUserKey() {
  // Every version of a registered key vanished at the bottom: nothing of it
  // is left to delete, so the registration goes too (keeps the set bounded).
  if (has_user_key_ && !emitted_any_ && !drop_whole_key_ && options_.bottommost &&
      options_.lazy_deletes != nullptr && options_.lazy_deletes->Contains(user_key_)) {
    options_.lazy_deletes->Remove(user_key_);
  }
  has_user_key_ = false;
}

void CompactionIterator::FindNextOutput() {
  valid_ = false;
  for (; input_->Valid(); input_->Next()) {
    const std::string_view ikey = input_->key();
    ParsedInternalKey parsed;
    if (!ParseInternalKey(ikey, &parsed) || parsed.type == ValueType::kRangeDeletion) {
      status_ = Status::Corruption("compaction input: bad point entry key " + EscapeBytes(ikey));
      return;
    }
    ++stats_.input_entries;
    const int cmp = has_user_key_ ? CompareUserKey(parsed.user_key, user_key_) : 1;
    if (cmp == 0 && parsed.sequence == last_sequence_ && parsed.type == last_type_) {
      ++stats_.dropped_repeats;
      continue;
    }
    if (cmp < 0 || (cmp == 0 && parsed.sequence >= last_sequence_)) {
      status_ =
          Status::Corruption("compaction input out of order at " + InternalKeyDebugString(ikey));
      return;
    }
    const bool newest_of_key = cmp > 0;
    if (newest_of_key) {
      FinishUserKey();
      has_user_key_ = true;
      user_key_.assign(parsed.user_key);
      last_stripe_ = kNoStripe;
      drop_whole_key_ = false;
      emitted_any_ = false;
    }
    last_sequence_ = parsed.sequence;
    last_type_ = parsed.type;
    if (Decide(parsed, newest_of_key, StripeOf(parsed.sequence))) {
      emitted_any_ = true;
      valid_ = true;
      return;
    }
  }
  status_ = input_->status();
  if (status_.ok()) FinishUserKey();
}

bool CompactionIterator::Decide(const ParsedInternalKey& ikey, bool newest_of_key, size_t stripe) {
  if (drop_whole_key_) {
    ++stats_.lazy_deleted;
    return false;
  }
  if (stripe == last_stripe_) {
    // A newer version of the same stripe exists: every snapshot that could
    // see this one sees that one instead.
    ++stats_.dropped_shadowed;
    return false;
  }
  // This is the newest version of its stripe. Whatever happens to it below,
  // the older versions of the stripe are shadowed (by it, by the tombstone
  // that covers it too, or by the deletion it stands for).
  last_stripe_ = stripe;
  const bool no_snapshots = options_.snapshots.empty();
  const bool above_snapshots = stripe == options_.snapshots.size();

  if (newest_of_key && above_snapshots && no_snapshots && options_.bottommost &&
      options_.lazy_deletes != nullptr && options_.lazy_deletes->Contains(ikey.user_key)) {
    drop_whole_key_ = true;
    options_.lazy_deletes->Remove(ikey.user_key);
    ++stats_.lazy_deleted;
    return false;
  }

  // The largest tombstone a reader of this stripe sees; it is in the stripe
  // too when it is newer than the version (no snapshot lies between them).
  if (options_.tombstones.MaxCoveringSeq(ikey.user_key, StripeTop(stripe)) > ikey.sequence) {
    ++stats_.dropped_covered;
    return false;
  }

  key_ = input_->key();
  value_ = input_->value();
  if (ikey.type == ValueType::kDeletion) {
    // Nothing older is below, and no snapshot needs an older version above
    // the marker (stripe 0 is seen by every snapshot or there is none).
    if (options_.bottommost && stripe == 0) {
      ++stats_.dropped_deletions;
      return false;
    }
    return true;
  }

  if (newest_of_key && above_snapshots && options_.filter != nullptr) {
    value_buf_.clear();
    switch (options_.filter->Filter(options_.level, ikey.user_key, value_, &value_buf_)) {
      case CompactionFilter::Decision::kKeep:
        break;
      case CompactionFilter::Decision::kRemove:
        ++stats_.filter_removed;
        // Dropping is only safe when no older version survives: at the
        // bottom with no snapshot every older version is in this stripe.
        // Otherwise a marker hides the older versions from new readers.
        if (options_.bottommost && no_snapshots) return false;
        key_buf_.clear();
        AppendInternalKey(&key_buf_, ikey.user_key, ikey.sequence, ValueType::kDeletion);
        key_ = key_buf_;
        value_ = std::string_view();
        break;
      case CompactionFilter::Decision::kChangeValue:
        ++stats_.filter_changed;
        value_ = value_buf_;
        break;
    }
  }
  return true;
}

}  // namespace mmdb
