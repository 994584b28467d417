// Fragmentation by a sweep over the sorted boundary points: between two
// consecutive boundaries the set of covering tombstones cannot change.
#include "iterator/range_tombstones.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace mmdb {

FragmentedRangeTombstones::FragmentedRangeTombstones(std::vector<RangeTombstone> tombstones) {
  std::erase_if(tombstones, [](const RangeTombstone& t) { return t.begin >= t.end; });
  if (tombstones.empty()) return;
  std::sort(tombstones.begin(), tombstones.end(),
            [](const RangeTombstone& a, const RangeTombstone& b) { return a.begin < b.begin; });

  std::vector<std::string_view> points;
  points.reserve(tombstones.size() * 2);
  for (const auto& t : tombstones) {
    points.push_back(t.begin);
    points.push_back(t.end);
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());

  // Active tombstones, by end (smallest first) so expired ones pop off.
  using Active = std::pair<std::string_view, SequenceNumber>;
  auto later_end = [](const Active& a, const Active& b) { return a.first > b.first; };
  std::priority_queue<Active, std::vector<Active>, decltype(later_end)> active(later_end);
  size_t next = 0;
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    const std::string_view lo = points[i];
    while (next < tombstones.size() && tombstones[next].begin <= lo) {
      active.emplace(tombstones[next].end, tombstones[next].sequence);
      ++next;
    }
    while (!active.empty() && active.top().first <= lo) active.pop();
    if (active.empty()) continue;
    Fragment f;
    f.begin.assign(lo);
    f.end.assign(points[i + 1]);
    auto copy = active;
    f.seqs.reserve(copy.size());
    while (!copy.empty()) {
      f.seqs.push_back(copy.top().second);
      copy.pop();
    }
    std::sort(f.seqs.begin(), f.seqs.end(), std::greater<>());
    f.seqs.erase(std::unique(f.seqs.begin(), f.seqs.end()), f.seqs.end());
    // Merge with the previous fragment when contiguous with the same set.
    if (!fragments_.empty() && fragments_.back().end == f.begin &&
        fragments_.back().seqs == f.seqs) {
      fragments_.back().end = std::move(f.end);
    } else {
      fragments_.push_back(std::move(f));
    }
  }
}

long FragmentedRangeTombstones::FindFragment(std::string_view user_key) const {
  // First fragment whose end > user_key.
  auto it = std::upper_bound(fragments_.begin(), fragments_.end(), user_key,
                             [](std::string_view k, const Fragment& f) { return k < f.end; });
  if (it == fragments_.end() || user_key < it->begin) return -1;
  return static_cast<long>(it - fragments_.begin());
}

SequenceNumber FragmentedRangeTombstones::MaxCoveringSeq(std::string_view user_key,
                                                         SequenceNumber read_seq) const {
  if (fragments_.empty()) return 0;
  const long i = FindFragment(user_key);
  if (i < 0) return 0;
  for (SequenceNumber s : fragments_[static_cast<size_t>(i)].seqs) {
    if (s <= read_seq) return s;
  }
  return 0;
}

FragmentedRangeTombstones::Lookup FragmentedRangeTombstones::Find(std::string_view user_key,
                                                                  SequenceNumber read_seq) const {
  Lookup out;
  if (fragments_.empty()) return out;
  // First fragment whose end > user_key.
  auto it = std::upper_bound(fragments_.begin(), fragments_.end(), user_key,
                             [](std::string_view k, const Fragment& f) { return k < f.end; });
  if (it != fragments_.end() && user_key >= it->begin) {
    out.lo = it->begin;
    out.hi = it->end;
    out.lo_unbounded = out.hi_unbounded = false;
    for (SequenceNumber s : it->seqs) {
      if (s <= read_seq) {
        out.seq = s;
        break;
      }
    }
    return out;
  }
  // In the gap before *it (or after the last fragment).
  if (it != fragments_.begin()) {
    out.lo = std::prev(it)->end;
    out.lo_unbounded = false;
  }
  if (it != fragments_.end()) {
    out.hi = it->begin;
    out.hi_unbounded = false;
  }
  return out;
}

void RangeTombstoneView::Find(std::string_view user_key, SequenceNumber read_seq,
                              Cover* cover) const {
  cover->seq = 0;
  cover->newest_source = -1;
  cover->lo_unbounded = cover->hi_unbounded = true;
  cover->lo.clear();
  cover->hi.clear();
  for (const Entry& e : lists_) {
    const FragmentedRangeTombstones::Lookup l = e.list->Find(user_key, read_seq);
    // Intersect the intervals.
    if (!l.lo_unbounded && (cover->lo_unbounded || l.lo > std::string_view(cover->lo))) {
      cover->lo.assign(l.lo);
      cover->lo_unbounded = false;
    }
    if (!l.hi_unbounded && (cover->hi_unbounded || l.hi < std::string_view(cover->hi))) {
      cover->hi.assign(l.hi);
      cover->hi_unbounded = false;
    }
    if (l.seq == 0) continue;
    cover->seq = std::max(cover->seq, l.seq);
    if (cover->newest_source < 0 || static_cast<long>(e.source) < cover->newest_source) {
      cover->newest_source = static_cast<long>(e.source);
      cover->begin.assign(l.lo);
      cover->end.assign(l.hi);
    }
  }
}

}  // namespace mmdb
