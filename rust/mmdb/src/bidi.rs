//! [`BidiIterator`]: a double-ended iterator, over a sorted list in memory or
//! lazily over a [`DBIterator`].
//!
//! Lazy mode keeps O(1) state: the last key yielded from each end (the two
//! frontiers), so no entry is yielded twice however `next()` and
//! `next_back()` are mixed:
//! - `next()` continues the wrapped iterator from where it is; after a
//!   `next_back()` it first seeks just past the front frontier;
//! - `next_back()` starts at `seek_to_last()` (or just below the back
//!   frontier after a `next()`) and walks with `prev()`;
//! - either end stops when it would reach the other end's frontier.
use std::collections::VecDeque;

use crate::DBIterator;

enum Mode {
    Eager(VecDeque<(Vec<u8>, Vec<u8>)>),
    Lazy(Lazy),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Forward,
    Backward,
}

struct Lazy {
    it: DBIterator,
    forward_only: bool,
    dir: Dir,
    /// Where the front started (the key the wrapped iterator was at when the
    /// back end first moved, None when it was exhausted); used to resume
    /// the front when nothing was yielded from it yet.
    front_start: Option<Option<Vec<u8>>>,
    front_last: Option<Vec<u8>>,
    back_last: Option<Vec<u8>>,
    /// True once the backward walk sits on the entry it yielded last.
    back_positioned: bool,
    done: bool,
}

/// A double-ended iterator of `(key, value)` pairs. Send, not Sync.
pub struct BidiIterator {
    mode: Mode,
}

impl BidiIterator {
    /// Iterates over `entries` (sorted by key) held in memory.
    pub fn new(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Self {
        BidiIterator { mode: Mode::Eager(entries.into()) }
    }

    /// Iterates lazily over `db_iter`, from where it is (forward) and from
    /// its last key (backward).
    pub fn lazy(db_iter: DBIterator) -> Self {
        Self::lazy_with(db_iter, false)
    }

    /// Like [`BidiIterator::lazy`], but `next_back()` always gives None.
    pub fn lazy_forward(db_iter: DBIterator) -> Self {
        Self::lazy_with(db_iter, true)
    }

    fn lazy_with(it: DBIterator, forward_only: bool) -> Self {
        BidiIterator {
            mode: Mode::Lazy(Lazy {
                it,
                forward_only,
                dir: Dir::Forward,
                front_start: None,
                front_last: None,
                back_last: None,
                back_positioned: false,
                done: false,
            }),
        }
    }

    /// Entries left: exact for `new`, 0 when lazy.
    pub fn remaining(&self) -> usize {
        match &self.mode {
            Mode::Eager(v) => v.len(),
            Mode::Lazy(_) => 0,
        }
    }

    /// True when no entry is left: exact for `new`, false when lazy.
    pub fn is_empty(&self) -> bool {
        match &self.mode {
            Mode::Eager(v) => v.is_empty(),
            Mode::Lazy(_) => false,
        }
    }

    /// The wrapped iterator's error (None for `new`).
    pub fn error(&self) -> Option<String> {
        match &self.mode {
            Mode::Eager(_) => None,
            Mode::Lazy(l) => l.it.error(),
        }
    }
}

impl Lazy {
    fn next(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        if self.done {
            return None;
        }
        if self.dir == Dir::Backward {
            self.dir = Dir::Forward;
            self.back_positioned = false;
            match (&self.front_last, &self.front_start) {
                (Some(last), _) => {
                    let last = last.clone();
                    self.it.seek(&last);
                    if self.it.key() == Some(last.as_slice()) {
                        self.it.advance();
                    }
                }
                (None, Some(Some(start))) => {
                    let start = start.clone();
                    self.it.seek(&start);
                }
                (None, _) => {
                    self.done = true;
                    return None;
                }
            }
        }
        let (key, value) = self.it.next()?;
        if self.back_last.as_ref().is_some_and(|back| key >= *back) {
            self.done = true;
            return None;
        }
        self.front_last = Some(key.clone());
        Some((key, value))
    }

    fn next_back(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        if self.forward_only || self.done {
            return None;
        }
        if self.dir == Dir::Forward {
            if self.front_start.is_none() && self.front_last.is_none() {
                self.front_start = Some(self.it.key().map(<[u8]>::to_vec));
            }
            self.dir = Dir::Backward;
            self.back_positioned = false;
        }
        if self.back_positioned {
            self.it.prev();
        } else {
            match self.back_last.clone() {
                Some(back) => {
                    self.it.seek_for_prev(&back);
                    if self.it.key() == Some(back.as_slice()) {
                        self.it.prev();
                    }
                }
                None => self.it.seek_to_last(),
            }
            self.back_positioned = true;
        }
        let key = self.it.key()?.to_vec();
        if self.front_last.as_ref().is_some_and(|front| key <= *front) {
            self.done = true;
            return None;
        }
        let value = self.it.value().unwrap_or_default().to_vec();
        self.back_last = Some(key.clone());
        Some((key, value))
    }
}

impl Iterator for BidiIterator {
    type Item = (Vec<u8>, Vec<u8>);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.mode {
            Mode::Eager(v) => v.pop_front(),
            Mode::Lazy(l) => l.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.mode {
            Mode::Eager(v) => (v.len(), Some(v.len())),
            Mode::Lazy(_) => (0, None),
        }
    }
}

impl DoubleEndedIterator for BidiIterator {
    fn next_back(&mut self) -> Option<Self::Item> {
        match &mut self.mode {
            Mode::Eager(v) => v.pop_back(),
            Mode::Lazy(l) => l.next_back(),
        }
    }
}
