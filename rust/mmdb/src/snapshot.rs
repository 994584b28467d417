//! [`Snapshot`]: a registered point in time, released when dropped.
use mmdb_sys as sys;

use crate::{DB, ReadOptions, SequenceNumber};

/// A point in time of a DB. While it lives, the versions it sees are kept
/// (and compaction filters and lazy deletes pause); dropping it releases
/// them. It may outlive a `close()` of its DB.
pub struct Snapshot<'a> {
    pub(crate) _db: &'a DB,
    /// Null when the DB was already closed when the snapshot was taken.
    pub(crate) raw: *const sys::mmdb_snapshot_t,
    pub(crate) sequence: SequenceNumber,
}

// SAFETY: the engine's snapshot is immutable and its release is
// synchronised; the handle is released only by Drop.
unsafe impl Send for Snapshot<'_> {}
unsafe impl Sync for Snapshot<'_> {}

impl Snapshot<'_> {
    /// The sequence number reads at this snapshot see up to.
    pub fn sequence(&self) -> SequenceNumber {
        self.sequence
    }

    /// Default read options reading at this snapshot.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions { snapshot: Some(self.sequence), ..ReadOptions::default() }
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        if !self.raw.is_null() {
            // SAFETY: released once; the C API allows this after the DB was
            // closed and does not use the DB argument.
            unsafe { sys::mmdb_release_snapshot(std::ptr::null_mut(), self.raw) }
        }
    }
}
