//! Every use vsdb makes of the crate (RUST_API.md section 14), written the
//! way vsdb writes it, so that a signature change breaks this build.
mod common;

use std::path::Path;
use std::sync::{Arc, LazyLock};

use common::TempDir;
use mmdb::{BidiIterator, BlockCachePool, CompressionType, DB, DbOptions, WriteBatch};

type Entries = Box<dyn DoubleEndedIterator<Item = (Vec<u8>, Vec<u8>)>>;

fn shard_options(pool: &Arc<BlockCachePool>) -> DbOptions {
    DbOptions {
        create_if_missing: true,
        prefix_len: 8,
        compression_per_level: vec![
            CompressionType::Lz4,
            CompressionType::Lz4,
            CompressionType::Zstd,
            CompressionType::Zstd,
            CompressionType::Zstd,
            CompressionType::Zstd,
            CompressionType::Zstd,
        ],
        write_buffer_size: 1 << 20,
        max_immutable_memtables: 4,
        block_cache: Some(pool.clone()),
        block_cache_capacity: 1 << 20,
        block_size: 16384,
        l0_compaction_trigger: 4,
        max_subcompactions: 4,
        max_background_compactions: 1,
        ..DbOptions::default()
    }
}

fn error_chain(e: mmdb::Error) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(e)
}

static ROOT: LazyLock<TempDir> = LazyLock::new(|| TempDir::new("vsdb"));
static SHARDS: LazyLock<Box<[DB]>> = LazyLock::new(|| {
    let pool = Arc::new(BlockCachePool::new(4 << 20));
    (0..2)
        .map(|i| {
            let dir = ROOT.path().join(format!("mmdb/shard_{i:02}"));
            DB::open(shard_options(&pool), dir.as_path() as &Path).expect("open shard")
        })
        .collect()
});

#[test]
fn vsdb_calls_compile_and_behave() {
    let db: &DB = &SHARDS[0];
    assert!(ROOT.path().join("mmdb/shard_00/CURRENT").exists());
    let meta: [u8; 1] = [0];
    assert_eq!(db.get(&meta).map_err(error_chain).unwrap(), None);
    let prefix: [u8; 8] = *b"prefix01";
    let key: Vec<u8> = [&prefix[..], b"k1"].concat();
    db.put(&key, b"v1").expect("put");
    assert_eq!(db.get(&key).unwrap(), Some(b"v1".to_vec()));

    // Staged batch: delete_range(prefix..) first, later puts survive.
    let mut batch = WriteBatch::new();
    let end: Vec<u8> = b"prefix02".to_vec();
    batch.delete_range(&prefix, &end);
    batch.put(&[&prefix[..], b"k2"].concat(), b"v2");
    batch.put(&[&prefix[..], b"k3"].concat(), b"v3");
    batch.delete(&[&prefix[..], b"k3"].concat());
    db.write(batch).map_err(error_chain).unwrap();

    let it = db.iter_with_prefix(&prefix, &mmdb::ReadOptions::default()).unwrap();
    let entries: Entries =
        Box::new(BidiIterator::lazy(it).filter(|(k, _)| !k.is_empty()).map(|e| e));
    let back: Vec<_> = entries.rev().collect();
    assert_eq!(back, vec![([&prefix[..], b"k2"].concat(), b"v2".to_vec())]);

    let lo: Vec<u8> = prefix.to_vec();
    let mut it =
        db.iter_with_range(&mmdb::ReadOptions::default(), Some(&lo[..]), Some(&end[..])).unwrap();
    it.seek(&lo);
    let entries: Entries = Box::new(BidiIterator::lazy(it));
    assert_eq!(entries.count(), 1);

    db.lazy_delete(&key);
    db.lazy_delete_batch(vec![key.clone()]);
    db.delete(&key).expect("delete");
    db.flush().unwrap();
    for _ in 0..3 {
        db.get(&[&prefix[..], b"k2"].concat()).unwrap();
    }
    let hits: u64 = db.get_property("stats.block_cache_hits").unwrap().parse().unwrap();
    let misses: u64 = db.get_property("stats.block_cache_misses").unwrap().parse().unwrap();
    assert!(hits >= 1 && misses >= 1);
    let _: u64 = db.get_property("block-cache-usage").unwrap().parse().unwrap();
    assert_eq!(db.get_property("no-such-property"), None);
    // A DBIterator used directly as an Iterator.
    assert_eq!(db.iter().unwrap().count(), 1);
    // close() through &DB, then the shard reopens at once.
    for shard in SHARDS.iter() {
        shard.close().unwrap();
    }
    let again = DB::open(DbOptions::default(), ROOT.path().join("mmdb/shard_00")).unwrap();
    assert_eq!(again.get(&[&prefix[..], b"k2"].concat()).unwrap(), Some(b"v2".to_vec()));
    drop(again);
    // Statics are never dropped: remove the directory here.
    std::fs::remove_dir_all(ROOT.path()).unwrap();
}
