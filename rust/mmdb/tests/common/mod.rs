//! Helpers shared by the integration tests.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use mmdb::{DB, DbOptions};

/// A fresh directory under the system temp dir (or $MMDB_TEST_TMPDIR),
/// removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::var_os("MMDB_TEST_TMPDIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!(
            "mmdb-rs-{}-{}-{}",
            name,
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&base).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Small options so that tests reach flushes, L0 files and compactions.
pub fn small_options() -> DbOptions {
    DbOptions {
        write_buffer_size: 64 << 10,
        block_size: 512,
        block_cache_capacity: 1 << 20,
        ..DbOptions::default()
    }
}

pub fn open(dir: &TempDir) -> DB {
    DB::open(small_options(), dir.path()).unwrap()
}

pub fn collect(it: impl Iterator<Item = (Vec<u8>, Vec<u8>)>) -> Vec<(String, String)> {
    it.map(|(k, v)| (String::from_utf8(k).unwrap(), String::from_utf8(v).unwrap())).collect()
}

pub fn keys(it: impl Iterator<Item = (Vec<u8>, Vec<u8>)>) -> Vec<String> {
    it.map(|(k, _)| String::from_utf8(k).unwrap()).collect()
}
