//! The shared block cache: [`BlockCachePool`].
use std::ptr::NonNull;

use mmdb_sys as sys;

use crate::raw::non_null;

/// A block cache that several DBs share through [`crate::DbOptions::block_cache`]:
/// one byte-sized LRU; each DB's blocks are keyed apart, so sharing never
/// changes what a read returns.
pub struct BlockCachePool {
    raw: NonNull<sys::mmdb_cache_t>,
}

// SAFETY: the engine's cache is internally synchronised and shared by DBs on
// many threads; the handle itself is only read after creation.
unsafe impl Send for BlockCachePool {}
unsafe impl Sync for BlockCachePool {}

impl BlockCachePool {
    /// A pool of `capacity_bytes` (0 = caches nothing).
    pub fn new(capacity_bytes: u64) -> Self {
        let capacity = usize::try_from(capacity_bytes).unwrap_or(usize::MAX);
        // SAFETY: plain constructor.
        BlockCachePool { raw: non_null(unsafe { sys::mmdb_cache_create_lru(capacity) }) }
    }

    pub(crate) fn as_ptr(&self) -> *const sys::mmdb_cache_t {
        self.raw.as_ptr()
    }
}

impl Drop for BlockCachePool {
    fn drop(&mut self) {
        // SAFETY: owned handle, destroyed once; DBs hold their own reference.
        unsafe { sys::mmdb_cache_destroy(self.raw.as_ptr()) }
    }
}
