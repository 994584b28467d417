//! [`WriteBatch`] (entries applied atomically by `DB::write`) and
//! [`WriteBatchWithIndex`] (a batch that also lists its range deletes).
use mmdb_sys as sys;

use crate::raw::{CWriteBatch, bytes};
use crate::{MAX_USER_KEY_SIZE, MAX_WRITE_ENTRY_SIZE};

/// Puts, deletes and range deletes applied atomically by `DB::write`, in
/// insertion order (a later entry overrides an earlier one). Keys and values
/// are copied in. Sizes are checked at write time.
pub struct WriteBatch {
    raw: CWriteBatch,
    len: usize,
    /// The first entry over the size limits; reported by `DB::write`.
    oversized: Option<String>,
}

impl Default for WriteBatch {
    fn default() -> Self {
        Self::new()
    }
}

/// The reason `key` + `value` may not be written, if any.
pub(crate) fn check_entry(key: &[u8], value_len: usize) -> Option<String> {
    if key.len() > MAX_USER_KEY_SIZE {
        Some(format!("key of {} bytes exceeds MAX_USER_KEY_SIZE", key.len()))
    } else if key.len() + value_len > MAX_WRITE_ENTRY_SIZE {
        Some(format!("entry of {} bytes exceeds MAX_WRITE_ENTRY_SIZE", key.len() + value_len))
    } else {
        None
    }
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        WriteBatch { raw: CWriteBatch::new(), len: 0, oversized: None }
    }

    /// Adds `key` = `value`.
    pub fn put(&mut self, key: &[u8], value: &[u8]) {
        self.len += 1;
        if let Some(why) = check_entry(key, value.len()) {
            self.oversized.get_or_insert(why);
            return;
        }
        // SAFETY: the batch is ours; the bytes are copied.
        unsafe {
            sys::mmdb_writebatch_put(
                self.raw.as_ptr(),
                bytes(key),
                key.len(),
                bytes(value),
                value.len(),
            )
        }
    }

    /// Adds a deletion of `key`.
    pub fn delete(&mut self, key: &[u8]) {
        self.len += 1;
        if let Some(why) = check_entry(key, 0) {
            self.oversized.get_or_insert(why);
            return;
        }
        // SAFETY: as in put.
        unsafe { sys::mmdb_writebatch_delete(self.raw.as_ptr(), bytes(key), key.len()) }
    }

    /// Adds a deletion of every key in `[begin, end)`; nothing when
    /// `begin >= end`.
    pub fn delete_range(&mut self, begin: &[u8], end: &[u8]) {
        if begin >= end {
            return;
        }
        self.len += 1;
        let why = check_entry(begin, 0).or_else(|| check_entry(end, 0)).or_else(|| {
            check_entry(begin, end.len())
                .map(|_| "range delete exceeds MAX_WRITE_ENTRY_SIZE".into())
        });
        if let Some(why) = why {
            self.oversized.get_or_insert(why);
            return;
        }
        // SAFETY: as in put.
        unsafe {
            sys::mmdb_writebatch_delete_range(
                self.raw.as_ptr(),
                bytes(begin),
                begin.len(),
                bytes(end),
                end.len(),
            )
        }
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Entries added (range deletes count).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        // SAFETY: the batch is ours.
        unsafe { sys::mmdb_writebatch_clear(self.raw.as_ptr()) }
        self.len = 0;
        self.oversized = None;
    }

    pub(crate) fn oversized(&self) -> Option<&str> {
        self.oversized.as_deref()
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::mmdb_writebatch_t {
        self.raw.as_ptr()
    }
}

enum Op {
    Put(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
    DeleteRange(Vec<u8>, Vec<u8>),
}

/// A write batch that keeps its entries readable: its range deletes are
/// listed by [`WriteBatchWithIndex::range_tombstones`], and
/// [`WriteBatchWithIndex::into_batch`] turns it into a [`WriteBatch`].
#[derive(Default)]
pub struct WriteBatchWithIndex {
    ops: Vec<Op>,
    tombstones: Vec<(Vec<u8>, Vec<u8>, u64)>,
}

impl WriteBatchWithIndex {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key` = `value`.
    pub fn put(&mut self, key: &[u8], value: &[u8]) {
        self.ops.push(Op::Put(key.to_vec(), value.to_vec()));
    }

    /// Adds a deletion of `key`.
    pub fn delete(&mut self, key: &[u8]) {
        self.ops.push(Op::Delete(key.to_vec()));
    }

    /// Adds a deletion of `[begin, end)`; ignored when `begin >= end`.
    pub fn delete_range(&mut self, begin: &[u8], end: &[u8]) {
        if begin >= end {
            return;
        }
        self.tombstones.push((begin.to_vec(), end.to_vec(), self.ops.len() as u64));
        self.ops.push(Op::DeleteRange(begin.to_vec(), end.to_vec()));
    }

    /// Entries added (range deletes count).
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The same entries as a [`WriteBatch`], in order.
    pub fn into_batch(self) -> WriteBatch {
        let mut batch = WriteBatch::new();
        for op in &self.ops {
            match op {
                Op::Put(k, v) => batch.put(k, v),
                Op::Delete(k) => batch.delete(k),
                Op::DeleteRange(b, e) => batch.delete_range(b, e),
            }
        }
        batch
    }

    /// Entries added (= `len`).
    pub fn operation_count(&self) -> u64 {
        self.ops.len() as u64
    }

    /// The range deletes: (begin, end, position of the entry in the batch).
    pub fn range_tombstones(&self) -> &[(Vec<u8>, Vec<u8>, u64)] {
        &self.tombstones
    }
}
