//! [`DBIterator`]: an ordered cursor over one fixed state of a DB.
//!
//! It owns one C iterator handle and nothing else: the engine keeps what the
//! iterator reads alive, so a DBIterator may outlive its DB.
//!
//! The current entry is computed lazily. `state` says where the C cursor is:
//! - `Unpositioned`: a fresh `iter_with_range` iterator, not moved yet;
//! - `Fresh`: at an entry (or the end) that no `valid`/`key`/`value` has
//!   looked at (after a seek, `next()` or `prev()`);
//! - `Computed`: at an entry that `valid`/`key`/`value` has resolved, which
//!   `advance()` then skips.
use std::ffi::c_char;
use std::ptr::NonNull;

use mmdb_sys as sys;

use crate::SkipPointFn;
use crate::raw::{bytes, call, view};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Unpositioned,
    Fresh,
    Computed,
}

/// An iterator over a DB's keys and values in ascending key order, seeing
/// the state of its creation (or of `ReadOptions::snapshot`). Bounds,
/// prefixes, deletions and `skip_point` apply in both directions.
///
/// As an `Iterator` it yields owned `(key, value)` pairs: `valid()` peeks at
/// the current entry, `next()` takes it.
pub struct DBIterator {
    raw: NonNull<sys::mmdb_iterator_t>,
    state: State,
    /// What a seek target is raised to: the max of the lower bound and prefix.
    floor: Option<Vec<u8>>,
    skip_point: Option<SkipPointFn>,
    last_key: Option<Vec<u8>>,
}

// SAFETY: a C++ iterator belongs to one thread at a time and may move between
// threads; `&self` methods never touch it concurrently with a move since
// `DBIterator` is not Sync (the raw pointer keeps it !Sync).
unsafe impl Send for DBIterator {}

impl DBIterator {
    pub(crate) fn new(
        raw: NonNull<sys::mmdb_iterator_t>,
        lower: Option<Vec<u8>>,
        prefix: Option<Vec<u8>>,
        skip_point: Option<SkipPointFn>,
    ) -> Self {
        let floor = match (lower, prefix) {
            (Some(l), Some(p)) => Some(l.max(p)),
            (l, p) => l.or(p),
        };
        DBIterator { raw, state: State::Unpositioned, floor, skip_point, last_key: None }
    }

    fn ptr(&self) -> *mut sys::mmdb_iterator_t {
        self.raw.as_ptr()
    }

    fn c_valid(&self) -> bool {
        // SAFETY: the handle is ours and alive.
        unsafe { sys::mmdb_iter_valid(self.ptr()) != 0 }
    }

    fn c_key(&self) -> &[u8] {
        let mut len = 0usize;
        // SAFETY: the view lives until the next move, which needs `&mut self`.
        unsafe {
            let p: *const c_char = sys::mmdb_iter_key(self.ptr(), &mut len);
            view(p, len)
        }
    }

    fn c_value(&self) -> &[u8] {
        let mut len = 0usize;
        // SAFETY: as in c_key.
        unsafe {
            let p: *const c_char = sys::mmdb_iter_value(self.ptr(), &mut len);
            view(p, len)
        }
    }

    /// Steps over keys that `skip_point` hides, in the direction of the move.
    fn settle(&mut self, forward: bool) {
        if let Some(skip) = self.skip_point.clone() {
            while self.c_valid() && skip(self.c_key()) {
                // SAFETY: the handle is ours.
                unsafe {
                    if forward {
                        sys::mmdb_iter_next(self.ptr())
                    } else {
                        sys::mmdb_iter_prev(self.ptr())
                    }
                }
            }
        }
        self.state = State::Fresh;
    }

    fn position_if_needed(&mut self) {
        if self.state == State::Unpositioned {
            self.seek_to_first();
        }
    }

    /// Resolves the current entry; true when there is one.
    fn compute(&mut self) -> bool {
        self.position_if_needed();
        if !self.c_valid() {
            return false;
        }
        if self.state != State::Computed {
            self.state = State::Computed;
            let key = self.c_key().to_vec();
            self.last_key = Some(key);
        }
        true
    }

    /// True when the iterator is at an entry (computing it if needed).
    pub fn valid(&mut self) -> bool {
        self.compute()
    }

    /// The current key, or None when invalid. Never panics.
    pub fn key(&mut self) -> Option<&[u8]> {
        if self.compute() { Some(self.c_key()) } else { None }
    }

    /// The current value, or None when invalid. Never panics.
    pub fn value(&mut self) -> Option<&[u8]> {
        if self.compute() { Some(self.c_value()) } else { None }
    }

    /// Skips the computed entry. Does nothing when no entry is computed
    /// (fresh, after a seek, after `next()`).
    pub fn advance(&mut self) {
        if self.state == State::Computed {
            // SAFETY: the handle is ours.
            unsafe { sys::mmdb_iter_next(self.ptr()) };
            self.settle(true);
        }
    }

    /// Moves to the first visible key >= `target` (raised to the lower bound
    /// and prefix first).
    pub fn seek(&mut self, target: &[u8]) {
        let target = match &self.floor {
            Some(floor) if floor.as_slice() > target => floor.clone(),
            _ => target.to_vec(),
        };
        // SAFETY: the handle is ours; the target is copied by the engine.
        unsafe { sys::mmdb_iter_seek(self.ptr(), bytes(&target), target.len()) };
        self.settle(true);
        self.last_key = None;
    }

    /// Moves to the first visible key (at or above the lower bound / prefix).
    pub fn seek_to_first(&mut self) {
        if self.floor.is_some() {
            self.seek(b"");
        } else {
            // SAFETY: the handle is ours.
            unsafe { sys::mmdb_iter_seek_to_first(self.ptr()) };
            self.settle(true);
            self.last_key = None;
        }
    }

    /// Moves to the last visible key <= `target` (below the upper bound, in
    /// the prefix).
    pub fn seek_for_prev(&mut self, target: &[u8]) {
        // SAFETY: as in seek.
        unsafe { sys::mmdb_iter_seek_for_prev(self.ptr(), bytes(target), target.len()) };
        self.settle(false);
        self.last_key = None;
    }

    /// Moves to the previous visible key. On an invalid iterator it does
    /// nothing.
    pub fn prev(&mut self) {
        if self.state == State::Unpositioned || !self.c_valid() {
            return;
        }
        // SAFETY: the handle is ours.
        unsafe { sys::mmdb_iter_prev(self.ptr()) };
        self.settle(false);
        if self.c_valid() {
            self.last_key = Some(self.c_key().to_vec());
        }
    }

    /// Moves to the last visible key (below the upper bound and the end of
    /// the prefix).
    pub fn seek_to_last(&mut self) {
        // SAFETY: the handle is ours.
        unsafe { sys::mmdb_iter_seek_to_last(self.ptr()) };
        self.settle(false);
        self.last_key = None;
    }

    /// With a computed key of at least `prefix_len` bytes, moves past every
    /// key sharing its first `prefix_len` bytes (exhausting the iterator
    /// when they are all 0xFF, or `prefix_len` is 0). A shorter key acts as
    /// `advance()`; with no computed entry it does nothing.
    pub fn next_prefix(&mut self, prefix_len: usize) {
        if self.state != State::Computed || !self.c_valid() {
            return;
        }
        let key = self.c_key();
        if key.len() < prefix_len {
            self.advance();
            return;
        }
        match successor(&key[..prefix_len]) {
            Some(next) => self.seek(&next),
            None => {
                // Nothing follows: leave the iterator exhausted.
                // SAFETY: the handle is ours.
                unsafe {
                    sys::mmdb_iter_seek_to_last(self.ptr());
                    sys::mmdb_iter_next(self.ptr());
                }
                self.state = State::Fresh;
            }
        }
    }

    /// The user key most recently resolved (by `valid`/`key`/`value`,
    /// `next()` or `prev()`); None right after a seek.
    pub fn last_user_key(&self) -> Option<&[u8]> {
        self.last_key.as_deref()
    }

    /// The error that ended iteration early (I/O, corruption), if any.
    pub fn error(&self) -> Option<String> {
        // SAFETY: the handle is ours.
        match call(|err| unsafe { sys::mmdb_iter_get_error(self.ptr(), err) }) {
            Ok(()) => None,
            Err(e) => Some(e.message().to_string()),
        }
    }
}

/// The smallest byte string greater than every string starting with `p`, or
/// None when there is none (`p` empty or all 0xFF).
pub(crate) fn successor(p: &[u8]) -> Option<Vec<u8>> {
    let last = p.iter().rposition(|&b| b != 0xFF)?;
    let mut next = p[..=last].to_vec();
    next[last] += 1;
    Some(next)
}

impl Iterator for DBIterator {
    type Item = (Vec<u8>, Vec<u8>);

    /// The current entry, then moves past it.
    fn next(&mut self) -> Option<Self::Item> {
        self.position_if_needed();
        if !self.c_valid() {
            return None;
        }
        let key = self.c_key().to_vec();
        let value = self.c_value().to_vec();
        match &mut self.last_key {
            Some(last) => {
                last.clear();
                last.extend_from_slice(&key);
            }
            None => self.last_key = Some(key.clone()),
        }
        // SAFETY: the handle is ours.
        unsafe { sys::mmdb_iter_next(self.ptr()) };
        self.settle(true);
        Some((key, value))
    }
}

impl Drop for DBIterator {
    fn drop(&mut self) {
        // SAFETY: owned handle, destroyed once. The engine keeps what it
        // reads alive, so this is safe after the DB was closed.
        unsafe { sys::mmdb_iter_destroy(self.ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::successor;

    #[test]
    fn successor_skips_trailing_ff() {
        assert_eq!(successor(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(successor(b"a\xff\xff"), Some(b"b".to_vec()));
        assert_eq!(successor(b"\xff\xff"), None);
        assert_eq!(successor(b""), None);
    }
}
