//! DB: writes, reads, batches, snapshots, close/reopen, read-only, errors.
mod common;

use common::{TempDir, collect, keys, open, small_options};
use mmdb::{
    CompressionType, DB, DbOptions, ErrorKind, MAX_USER_KEY_SIZE, MAX_WRITE_ENTRY_SIZE,
    ReadOptions, WriteBatch, WriteBatchWithIndex, WriteOptions,
};

#[test]
fn put_get_overwrite_delete() {
    let dir = TempDir::new("basic");
    let db = open(&dir);
    assert_eq!(db.get(b"a").unwrap(), None);
    db.put(b"a", b"1").unwrap();
    db.put(b"", b"empty key").unwrap();
    db.put(b"bin\0key", b"v\0v").unwrap();
    assert_eq!(db.get(b"a").unwrap(), Some(b"1".to_vec()));
    db.put(b"a", b"2").unwrap();
    assert_eq!(db.get(b"a").unwrap(), Some(b"2".to_vec()));
    assert_eq!(db.get(b"").unwrap(), Some(b"empty key".to_vec()));
    assert_eq!(db.get(b"bin\0key").unwrap(), Some(b"v\0v".to_vec()));
    db.delete(b"a").unwrap();
    assert_eq!(db.get(b"a").unwrap(), None);
    db.delete(b"never-there").unwrap();
    let sync = WriteOptions { sync: true, ..Default::default() };
    db.put_with_options(&sync, b"s", b"synced").unwrap();
    db.delete_with_options(&sync, b"bin\0key").unwrap();
    assert_eq!(db.get(b"s").unwrap(), Some(b"synced".to_vec()));
    assert_eq!(db.get(b"bin\0key").unwrap(), None);
}

#[test]
fn keys_iterate_in_bytewise_order() {
    let dir = TempDir::new("order");
    let db = open(&dir);
    for k in ["b", "a", "c", "aa", "\u{7f}", "A", ""] {
        db.put(k.as_bytes(), b"v").unwrap();
    }
    db.put(&[0xFF, 0x00], b"v").unwrap();
    let all: Vec<Vec<u8>> = db.iter().unwrap().map(|(k, _)| k).collect();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    assert_eq!(all.len(), 8);
    assert_eq!(all[0], b"");
    assert_eq!(all[7], vec![0xFF, 0x00]);
}

#[test]
fn delete_range_is_half_open_and_empty_ranges_do_nothing() {
    let dir = TempDir::new("delrange");
    let db = open(&dir);
    for k in ["a", "b", "c", "d", "e"] {
        db.put(k.as_bytes(), k.as_bytes()).unwrap();
    }
    db.delete_range(b"b", b"d").unwrap();
    assert_eq!(keys(db.iter().unwrap()), ["a", "d", "e"]);
    db.delete_range(b"e", b"a").unwrap(); // begin > end: nothing
    db.delete_range(b"d", b"d").unwrap(); // empty
    assert_eq!(keys(db.iter().unwrap()), ["a", "d", "e"]);
    // Survives a flush and a compaction, and hides only older entries.
    db.flush().unwrap();
    db.put(b"c", b"new").unwrap();
    db.compact().unwrap();
    assert_eq!(keys(db.iter().unwrap()), ["a", "c", "d", "e"]);
    assert_eq!(db.get(b"b").unwrap(), None);
}

#[test]
fn batch_is_atomic_and_ordered() {
    let dir = TempDir::new("batch");
    let db = open(&dir);
    for k in ["p1", "p2", "p3", "q"] {
        db.put(k.as_bytes(), b"old").unwrap();
    }
    // vsdb's pattern: delete_range(prefix) first, then puts that must survive.
    let mut batch = WriteBatch::new();
    assert!(batch.is_empty());
    batch.delete_range(b"p", b"q");
    batch.put(b"p2", b"new");
    batch.put(b"x", b"1");
    batch.put(b"x", b"2");
    batch.delete(b"q");
    batch.delete_range(b"z", b"a"); // not added
    assert_eq!(batch.len(), 5);
    let snap = db.snapshot();
    db.write(batch).unwrap();
    assert_eq!(
        collect(db.iter().unwrap()),
        [("p2".into(), "new".into()), ("x".into(), "2".into())]
    );
    // All or nothing: the snapshot before the batch sees none of it.
    assert_eq!(keys(db.iter_with_options(&snap.read_options()).unwrap()), ["p1", "p2", "p3", "q"]);

    let mut batch = WriteBatch::new();
    batch.put(b"k", b"v");
    batch.clear();
    assert!(batch.is_empty());
    assert_eq!(batch.len(), 0);
    db.write(batch).unwrap(); // empty: Ok
    db.write_with_options(
        &WriteOptions { sync: true, ..Default::default() },
        WriteBatch::default(),
    )
    .unwrap();
}

#[test]
fn oversized_entries_are_invalid_arguments() {
    let dir = TempDir::new("sizes");
    let db = open(&dir);
    let big_key = vec![b'k'; MAX_USER_KEY_SIZE + 1];
    assert_eq!(db.put(&big_key, b"").unwrap_err().kind(), ErrorKind::InvalidArgument);
    let value = vec![0u8; MAX_WRITE_ENTRY_SIZE];
    assert_eq!(db.put(b"k", &value).unwrap_err().kind(), ErrorKind::InvalidArgument);
    let mut batch = WriteBatch::new();
    batch.put(b"ok", b"1");
    batch.put(&big_key, b"");
    assert_eq!(db.write(batch).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(db.get(b"ok").unwrap(), None); // nothing of the batch
    db.put(&vec![b'k'; MAX_USER_KEY_SIZE], b"max key").unwrap();
}

#[test]
fn write_batch_with_index_lists_tombstones_and_converts() {
    let mut wbwi = WriteBatchWithIndex::new();
    wbwi.put(b"a", b"1");
    wbwi.delete_range(b"b", b"d");
    wbwi.delete_range(b"d", b"b"); // ignored
    wbwi.delete(b"a");
    assert_eq!((wbwi.len(), wbwi.operation_count(), wbwi.is_empty()), (3, 3, false));
    assert_eq!(wbwi.range_tombstones(), &[(b"b".to_vec(), b"d".to_vec(), 1)]);
    let dir = TempDir::new("wbwi");
    let db = open(&dir);
    db.put(b"c", b"x").unwrap();
    let batch = wbwi.into_batch();
    assert_eq!(batch.len(), 3);
    db.write(batch).unwrap();
    assert_eq!(db.iter().unwrap().count(), 0);
}

#[test]
fn snapshots_pin_a_point_in_time() {
    let dir = TempDir::new("snap");
    let db = open(&dir);
    db.put(b"a", b"1").unwrap();
    let snap = db.snapshot();
    let seq = snap.sequence();
    assert!(seq > 0);
    db.put(b"a", b"2").unwrap();
    db.put(b"b", b"new").unwrap();
    db.delete(b"a").unwrap();
    db.flush().unwrap();
    db.compact().unwrap(); // must keep what the snapshot sees
    let ro = snap.read_options();
    assert_eq!(ro.snapshot, Some(seq));
    assert_eq!(db.get_with_options(&ro, b"a").unwrap(), Some(b"1".to_vec()));
    assert_eq!(db.get_with_options(&ro, b"b").unwrap(), None);
    assert_eq!(collect(db.iter_with_options(&ro).unwrap()), [("a".into(), "1".into())]);
    assert_eq!(db.get(b"a").unwrap(), None);
    // A sequence past the last committed one reads the latest state.
    let future = ReadOptions { snapshot: Some(u64::MAX), ..Default::default() };
    assert_eq!(db.get_with_options(&future, b"b").unwrap(), Some(b"new".to_vec()));
    // A snapshot may outlive close().
    db.close().unwrap();
    drop(snap);
    let closed = db.snapshot();
    assert!(closed.sequence() >= seq);
}

#[test]
fn close_then_reopen_keeps_data_and_releases_the_lock() {
    let dir = TempDir::new("reopen");
    let db = open(&dir);
    db.put(b"k", b"v").unwrap();
    // LOCK refuses a second open, even in this process.
    let second = DB::open(small_options(), dir.path());
    assert_eq!(second.err().unwrap().kind(), ErrorKind::InvalidArgument);
    db.close().unwrap();
    db.close().unwrap(); // idempotent
    for err in [
        db.put(b"x", b"y").unwrap_err(),
        db.get(b"k").unwrap_err(),
        db.iter().err().unwrap(),
        db.flush().unwrap_err(),
        db.delete_range(b"a", b"b").unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::DbClosed);
        assert_eq!(err.message(), "DB is closed");
    }
    assert_eq!(db.get_property("block-cache-usage").as_deref(), Some("0"));
    assert_eq!(db.dead_key_count(), 0);
    db.lazy_delete(b"k"); // no effect, no panic
    // Released at once, while the old handle still exists.
    let db2 = open(&dir);
    assert_eq!(db2.get(b"k").unwrap(), Some(b"v".to_vec()));
    drop(db2); // Drop without close keeps what is in the WAL
    drop(db);
    let db3 = open(&dir);
    assert_eq!(db3.get(b"k").unwrap(), Some(b"v".to_vec()));
    assert_eq!(db3.path(), dir.path());
}

#[test]
fn open_checks_come_in_order() {
    let dir = TempDir::new("checks");
    let bad_levels = DbOptions { num_levels: 1, create_if_missing: false, ..DbOptions::default() };
    let e = DB::open(bad_levels, dir.path()).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("num_levels"), "{e}");
    let bad_triggers = DbOptions { l0_slowdown_trigger: 13, ..DbOptions::default() };
    let e = DB::open(bad_triggers, dir.path()).err().unwrap();
    assert!(e.message().contains("l0_slowdown_trigger"), "{e}");
    let missing = DbOptions { create_if_missing: false, ..DbOptions::default() };
    let e = DB::open(missing.clone(), dir.path()).err().unwrap();
    assert_eq!((e.kind(), e.message()), (ErrorKind::InvalidArgument, "DB does not exist"));
    assert!(!dir.path().exists(), "a refused open must create nothing");
    let db = open(&dir);
    assert!(dir.path().join("CURRENT").exists(), "CURRENT exists once open returns");
    db.close().unwrap();
    let exists = DbOptions { error_if_exists: true, ..small_options() };
    let e = DB::open(exists, dir.path()).err().unwrap();
    assert_eq!((e.kind(), e.message()), (ErrorKind::InvalidArgument, "DB already exists"));
    DB::open(missing, dir.path()).unwrap().close().unwrap();
}

#[test]
fn read_only_handles_refuse_mutations_and_share_the_lock() {
    let dir = TempDir::new("ro");
    assert_eq!(DB::open_read_only(dir.path()).err().unwrap().kind(), ErrorKind::InvalidArgument);
    let db = open(&dir);
    db.put(b"a", b"1").unwrap();
    db.flush().unwrap();
    db.put(b"b", b"2").unwrap(); // only in the WAL
    // A writer holds LOCK: a reader is refused.
    assert_eq!(DB::open_read_only(dir.path()).err().unwrap().kind(), ErrorKind::InvalidArgument);
    drop(db); // no close: "b" stays in the WAL only
    let ro = DB::open_read_only(dir.path()).unwrap();
    let ro2 = DB::open_read_only_with_options(small_options(), dir.path()).unwrap();
    assert_eq!(collect(ro.iter().unwrap()), [("a".into(), "1".into()), ("b".into(), "2".into())]);
    assert_eq!(ro2.get(b"b").unwrap(), Some(b"2".to_vec()));
    let mut batch = WriteBatch::new();
    batch.put(b"c", b"3");
    for err in [
        ro.put(b"c", b"3").unwrap_err(),
        ro.delete(b"a").unwrap_err(),
        ro.delete_range(b"a", b"z").unwrap_err(),
        ro.write(batch).unwrap_err(),
        ro.write(WriteBatch::new()).unwrap_err(),
        ro.flush().unwrap_err(),
        ro.compact().unwrap_err(),
        ro.compact_range(Some(b"a"), None).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::ReadOnly);
    }
    ro.lazy_delete(b"a");
    ro.lazy_delete_batch([b"a"]);
    assert_eq!(ro.dead_key_count(), 0);
    // Readers hold a shared LOCK: a writer is refused until they close.
    assert_eq!(
        DB::open(small_options(), dir.path()).err().unwrap().kind(),
        ErrorKind::InvalidArgument
    );
    ro.close().unwrap();
    drop(ro2);
    let db = open(&dir);
    assert_eq!(db.get(b"b").unwrap(), Some(b"2".to_vec()));
}

#[test]
fn options_reach_the_engine() {
    let dir = TempDir::new("options");
    let pool = std::sync::Arc::new(mmdb::BlockCachePool::new(1 << 20));
    let opts = DbOptions {
        prefix_len: 8,
        compression_per_level: vec![
            CompressionType::Lz4,
            CompressionType::Lz4,
            CompressionType::Zstd,
        ],
        block_cache: Some(pool.clone()),
        block_size: 16384,
        max_subcompactions: 4,
        num_levels: 4,
        ..small_options()
    };
    let text = format!("{opts:?}");
    assert!(text.contains("prefix_len: 8") && text.contains("block_cache: Some(\"..\")"), "{text}");
    let db = DB::open(opts, dir.path()).unwrap();
    for i in 0..2000u32 {
        db.put(format!("{i:08}").as_bytes(), &[b'v'; 100]).unwrap();
    }
    db.flush().unwrap();
    assert_eq!(db.get(b"00000042").unwrap(), Some(vec![b'v'; 100]));
    assert!(db.get_property("num-files-at-level0").unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(db.get_property("num-files-at-level4"), None); // >= num_levels
    assert!(db.get_property("total-sst-size").unwrap().parse::<u64>().unwrap() > 0);
    assert!(db.get_property("block-cache-usage").unwrap().parse::<u64>().is_ok());
    assert!(matches!(db.get_property("compaction-pending").as_deref(), Some("0" | "1")));
    assert_eq!(db.get_property("no-such-property"), None);
    // Counters (vsdb: after a flush and repeated reads, hits and misses >= 1).
    for _ in 0..3 {
        for k in ["00000001", "00001500"] {
            db.get(k.as_bytes()).unwrap();
        }
    }
    let stat = |name: &str| db.get_property(name).unwrap().parse::<u64>().unwrap();
    assert!(stat("stats.block_cache_hits") >= 1);
    assert!(stat("stats.block_cache_misses") >= 1);
    assert!(stat("stats.flushes_completed") >= 1);
    assert!(stat("stats.bytes_written") >= 2000 * 100);
    let _ = (stat("stats.compactions_completed"), stat("stats.compaction_bytes_written"));
    let rate: f64 = db.get_property("stats.cache_hit_rate").unwrap().parse().unwrap();
    assert!(rate > 0.0 && rate <= 1.0);
    assert_eq!(db.get_property("stats.no_such_counter"), None);
    db.close().unwrap();
    // The presets open too.
    for preset in [DbOptions::balanced(), DbOptions::write_heavy(), DbOptions::read_heavy()] {
        let d = TempDir::new("preset");
        DB::open(DbOptions { block_cache_capacity: 1 << 20, ..preset }, d.path()).unwrap();
    }
    assert_eq!(CompressionType::from_u8(2), Some(CompressionType::Lz4));
    assert_eq!(CompressionType::from_u8(1), None);
}

#[test]
fn defaults_are_the_original_crates() {
    let o = DbOptions::default();
    assert!(o.create_if_missing && !o.error_if_exists && o.pin_l0_filter_and_index_blocks_in_cache);
    assert_eq!(
        (o.write_buffer_size, o.max_immutable_memtables, o.l0_compaction_trigger),
        (64 << 20, 4, 4)
    );
    assert_eq!((o.target_file_size_base, o.max_bytes_for_level_base), (64 << 20, 256 << 20));
    assert_eq!((o.max_bytes_for_level_multiplier, o.num_levels), (10.0, 7));
    assert_eq!((o.block_size, o.block_restart_interval, o.bloom_bits_per_key), (4096, 16, 10));
    assert_eq!(
        (o.compression, o.block_cache_capacity, o.max_open_files),
        (CompressionType::None, 64 << 20, 1000)
    );
    assert_eq!(
        (o.l0_slowdown_trigger, o.l0_stop_trigger, o.rate_limiter_bytes_per_sec),
        (8, 12, 0)
    );
    assert_eq!((o.prefix_len, o.max_background_compactions, o.max_subcompactions), (0, 1, 1));
    assert!(o.compression_per_level.is_empty() && o.compaction_filter.is_none());
    assert!(o.block_property_collectors.is_empty() && o.block_cache.is_none());
    assert_eq!(o.lazy_delete_compaction_threshold, 0);
    let w = DbOptions::write_heavy();
    assert_eq!(
        (w.write_buffer_size, w.l0_compaction_trigger, w.l0_slowdown_trigger, w.l0_stop_trigger),
        (128 << 20, 8, 20, 36)
    );
    assert_eq!((w.compression, w.max_background_compactions), (CompressionType::Lz4, 4));
    let r = DbOptions::read_heavy();
    assert_eq!(
        (
            r.write_buffer_size,
            r.l0_compaction_trigger,
            r.block_cache_capacity,
            r.bloom_bits_per_key
        ),
        (32 << 20, 2, 256 << 20, 14)
    );
    let ro = ReadOptions::default();
    assert!(ro.snapshot.is_none() && ro.fill_cache && ro.skip_point.is_none());
    let wo = WriteOptions::default();
    assert!(!wo.sync && !wo.disable_wal && !wo.no_slowdown);
}

#[test]
fn lazy_deletes_are_registered_and_keys_stay_readable() {
    let dir = TempDir::new("lazy");
    let db = open(&dir);
    db.put(b"a", b"1").unwrap();
    db.lazy_delete(b"a");
    db.lazy_delete_batch(vec![b"b".to_vec(), b"c".to_vec()]);
    assert_eq!(db.dead_key_count(), 3);
    assert_eq!(db.get(b"a").unwrap(), Some(b"1".to_vec()));
    db.clear_dead_keys();
    assert_eq!(db.dead_key_count(), 0);
}

#[test]
fn db_is_send_and_sync_and_shared_by_threads() {
    fn check<T: Send + Sync>() {}
    check::<DB>();
    check::<mmdb::Snapshot<'static>>();
    check::<WriteBatch>();
    check::<mmdb::BlockCachePool>();
    let dir = TempDir::new("threads");
    let db = std::sync::Arc::new(open(&dir));
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    db.put(format!("t{t}-{i:03}").as_bytes(), b"v").unwrap();
                }
            })
        })
        .collect();
    // A close racing the writers: each write either lands or sees DbClosed.
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(db.iter().unwrap().count(), 800);
    let progress = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let racer = {
        let db = db.clone();
        let progress = progress.clone();
        std::thread::spawn(move || {
            let mut i = 0u32;
            loop {
                match db.put(format!("r{i}").as_bytes(), b"v") {
                    Ok(()) => {
                        i += 1;
                        progress.store(i, std::sync::atomic::Ordering::Relaxed);
                    }
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::DbClosed);
                        return i;
                    }
                }
            }
        })
    };
    while progress.load(std::sync::atomic::Ordering::Relaxed) < 50 {
        std::thread::yield_now();
    }
    db.close().unwrap();
    let written = racer.join().unwrap();
    let db2 = open(&dir);
    let r_keys = db2.iter_with_prefix(b"r", &ReadOptions::default()).unwrap().count();
    assert_eq!(r_keys as u32, written);
}
