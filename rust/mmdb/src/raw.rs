//! Owners of C API handles and the error plumbing shared by the modules.
//! Nothing here is public.
use std::ffi::{CStr, c_char, c_int};
use std::ptr::{self, NonNull};

use mmdb_sys as sys;

use crate::error::Error;

/// Runs `f` with an `errptr` and turns a message left there into an Error.
pub(crate) fn call<T>(f: impl FnOnce(*mut *mut c_char) -> T) -> Result<T, Error> {
    let mut err: *mut c_char = ptr::null_mut();
    let value = f(&mut err);
    if err.is_null() { Ok(value) } else { Err(take_error(err)) }
}

/// Reads and frees a message of the C API.
fn take_error(err: *mut c_char) -> Error {
    // SAFETY: the C API stores a NUL-terminated malloc'ed string in errptr.
    let text = unsafe { CStr::from_ptr(err) }.to_string_lossy().into_owned();
    // SAFETY: the string came from the C API and is freed once.
    unsafe { sys::mmdb_free(err.cast()) };
    Error::from_engine(&text)
}

/// Takes a malloc'ed NUL-terminated string of the C API (may be null).
pub(crate) fn take_string(s: *mut c_char) -> Option<String> {
    if s.is_null() {
        return None;
    }
    // SAFETY: non-null strings of the C API are NUL-terminated and malloc'ed.
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    // SAFETY: freed once, by the allocator that made it.
    unsafe { sys::mmdb_free(s.cast()) };
    Some(text)
}

/// A byte string as the C API takes it.
pub(crate) fn bytes(b: &[u8]) -> *const c_char {
    b.as_ptr().cast()
}

/// A view of `len` bytes at `p`; empty for a null pointer or a zero length.
///
/// # Safety
/// A non-null `p` must point at `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn view<'a>(p: *const c_char, len: usize) -> &'a [u8] {
    if p.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(p.cast(), len) }
    }
}

/// A `usize` option clamped into the C API's `int`.
pub(crate) fn int(v: usize) -> c_int {
    v.min(c_int::MAX as usize) as c_int
}

/// Aborts on a null handle from a create function: the C API returns null
/// only when allocation failed, which Rust treats as fatal too.
pub(crate) fn non_null<T>(p: *mut T) -> NonNull<T> {
    NonNull::new(p)
        .unwrap_or_else(|| std::alloc::handle_alloc_error(std::alloc::Layout::new::<u8>()))
}

macro_rules! owner {
    ($name:ident, $raw:ty, $create:expr, $destroy:path) => {
        /// Owns one C handle and destroys it when dropped.
        pub(crate) struct $name(NonNull<$raw>);

        impl $name {
            pub(crate) fn new() -> Self {
                // SAFETY: a create function of the C API with no arguments.
                $name(non_null(unsafe { $create }))
            }
            pub(crate) fn as_ptr(&self) -> *mut $raw {
                self.0.as_ptr()
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                // SAFETY: the handle is owned and destroyed once.
                unsafe { $destroy(self.0.as_ptr()) }
            }
        }

        // SAFETY: the C objects are plain data; whoever has `&mut` may change
        // them, `&` only reads them, as the C++ types allow.
        unsafe impl Send for $name {}
        unsafe impl Sync for $name {}
    };
}

owner!(COptions, sys::mmdb_options_t, sys::mmdb_options_create(), sys::mmdb_options_destroy);
owner!(
    CReadOptions,
    sys::mmdb_readoptions_t,
    sys::mmdb_readoptions_create(),
    sys::mmdb_readoptions_destroy
);
owner!(
    CWriteOptions,
    sys::mmdb_writeoptions_t,
    sys::mmdb_writeoptions_create(),
    sys::mmdb_writeoptions_destroy
);
owner!(
    CWriteBatch,
    sys::mmdb_writebatch_t,
    sys::mmdb_writebatch_create(),
    sys::mmdb_writebatch_destroy
);
