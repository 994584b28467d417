//! Random operations on the DB and on a BTreeMap model, with flushes,
//! compactions, snapshots and reopens; every read must agree (proptest:
//! failures shrink to a minimal sequence; PROPTEST_CASES sets the count).
mod common;

use std::collections::BTreeMap;
use std::ops::Bound;

use common::TempDir;
use mmdb::{DB, DbOptions, ReadOptions, WriteBatch};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Put(u8, u8),
    Delete(u8),
    DeleteRange(u8, u8),
    Batch(Vec<(u8, Option<u8>)>),
    Get(u8),
    Scan { lower: Option<u8>, upper: Option<u8>, reverse: bool },
    Prefix(u8),
    Seek(u8),
    SeekForPrev(u8),
    SnapshotCheck(u8),
    Flush,
    Compact,
    Reopen { close: bool },
}

/// Keys from a small space so that operations collide: "k" + two digits.
fn key(k: u8) -> Vec<u8> {
    format!("k{:02}", k % 40).into_bytes()
}

fn value(v: u8) -> Vec<u8> {
    // Some values are large, to fill blocks and memtables quickly.
    let len = if v.is_multiple_of(7) { 300 } else { 1 + v as usize % 20 };
    vec![b'a' + v % 26; len]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u8>(), any::<u8>()).prop_map(|(k, v)| Op::Put(k, v)),
        2 => any::<u8>().prop_map(Op::Delete),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Op::DeleteRange(a, b)),
        1 => prop::collection::vec((any::<u8>(), prop::option::of(any::<u8>())), 0..6).prop_map(Op::Batch),
        3 => any::<u8>().prop_map(Op::Get),
        1 => (prop::option::of(any::<u8>()), prop::option::of(any::<u8>()), any::<bool>())
            .prop_map(|(lower, upper, reverse)| Op::Scan { lower, upper, reverse }),
        1 => (0u8..4).prop_map(Op::Prefix),
        1 => any::<u8>().prop_map(Op::Seek),
        1 => any::<u8>().prop_map(Op::SeekForPrev),
        1 => any::<u8>().prop_map(Op::SnapshotCheck),
        1 => Just(Op::Flush),
        1 => Just(Op::Compact),
        1 => any::<bool>().prop_map(|close| Op::Reopen { close }),
    ]
}

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

fn options() -> DbOptions {
    DbOptions {
        write_buffer_size: 4 << 10,
        block_size: 256,
        block_cache_capacity: 256 << 10,
        l0_compaction_trigger: 2,
        target_file_size_base: 16 << 10,
        ..DbOptions::default()
    }
}

fn scan_model(m: &Model, lower: Option<&[u8]>, upper: Option<&[u8]>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let lo = lower.map_or(Bound::Unbounded, |l| Bound::Included(l.to_vec()));
    let hi = upper.map_or(Bound::Unbounded, |u| Bound::Excluded(u.to_vec()));
    if let (Some(l), Some(u)) = (lower, upper)
        && l >= u
    {
        return Vec::new();
    }
    m.range((lo, hi)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let dir = TempDir::new("model");
    let mut db = Some(DB::open(options(), dir.path()).unwrap());
    let mut model = Model::new();
    for op in ops {
        let d = db.as_ref().unwrap();
        match op {
            Op::Put(k, v) => {
                d.put(&key(k), &value(v)).unwrap();
                model.insert(key(k), value(v));
            }
            Op::Delete(k) => {
                d.delete(&key(k)).unwrap();
                model.remove(&key(k));
            }
            Op::DeleteRange(a, b) => {
                let (a, b) = (key(a), key(b));
                d.delete_range(&a, &b).unwrap();
                if a < b {
                    let doomed: Vec<_> = model.range(a..b).map(|(k, _)| k.clone()).collect();
                    for k in doomed {
                        model.remove(&k);
                    }
                }
            }
            Op::Batch(entries) => {
                let mut batch = WriteBatch::new();
                for (k, v) in entries {
                    match v {
                        Some(v) => {
                            batch.put(&key(k), &value(v));
                            model.insert(key(k), value(v));
                        }
                        None => {
                            batch.delete(&key(k));
                            model.remove(&key(k));
                        }
                    }
                }
                d.write(batch).unwrap();
            }
            Op::Get(k) => prop_assert_eq!(d.get(&key(k)).unwrap(), model.get(&key(k)).cloned()),
            Op::Scan { lower, upper, reverse } => {
                let (lower, upper) = (lower.map(key), upper.map(key));
                let want = scan_model(&model, lower.as_deref(), upper.as_deref());
                let mut it = d
                    .iter_with_range(&ReadOptions::default(), lower.as_deref(), upper.as_deref())
                    .unwrap();
                if reverse {
                    let mut got = Vec::new();
                    it.seek_to_last();
                    while it.valid() {
                        got.push((it.key().unwrap().to_vec(), it.value().unwrap().to_vec()));
                        it.prev();
                    }
                    got.reverse();
                    prop_assert_eq!(got, want);
                } else {
                    prop_assert_eq!(it.collect::<Vec<_>>(), want);
                }
            }
            Op::Prefix(p) => {
                let prefix = format!("k{p}").into_bytes();
                let want: Vec<_> = model
                    .iter()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let got: Vec<_> =
                    d.iter_with_prefix(&prefix, &ReadOptions::default()).unwrap().collect();
                prop_assert_eq!(got, want);
            }
            Op::Seek(k) => {
                let mut it = d.iter().unwrap();
                it.seek(&key(k));
                let want = model.range(key(k)..).next().map(|(k, _)| k.clone());
                prop_assert_eq!(it.key().map(<[u8]>::to_vec), want);
            }
            Op::SeekForPrev(k) => {
                let mut it = d.iter().unwrap();
                it.seek_for_prev(&key(k));
                let want = model.range(..=key(k)).next_back().map(|(k, _)| k.clone());
                prop_assert_eq!(it.key().map(<[u8]>::to_vec), want);
            }
            Op::SnapshotCheck(k) => {
                // A snapshot keeps seeing the state of its creation.
                let snap = d.snapshot();
                let before = model.get(&key(k)).cloned();
                d.put(&key(k), b"after-snapshot").unwrap();
                prop_assert_eq!(d.get_with_options(&snap.read_options(), &key(k)).unwrap(), before);
                model.insert(key(k), b"after-snapshot".to_vec());
            }
            Op::Flush => d.flush().unwrap(),
            Op::Compact => d.compact().unwrap(),
            Op::Reopen { close } => {
                let old = db.take().unwrap();
                if close {
                    old.close().unwrap();
                }
                drop(old); // without close: the WAL brings the data back
                db = Some(DB::open(options(), dir.path()).unwrap());
            }
        }
    }
    let d = db.as_ref().unwrap();
    let all: Vec<_> = d.iter().unwrap().collect();
    let want: Vec<_> = model.into_iter().collect();
    prop_assert_eq!(all, want);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    #[test]
    fn random_operations_match_a_btreemap(ops in prop::collection::vec(op(), 1..120)) {
        run(ops)?;
    }
}
