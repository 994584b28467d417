//! DBIterator and BidiIterator: directions, seeks, bounds, prefixes, the lazy
//! current entry, and life after the DB.
mod common;

use common::{TempDir, collect, keys, open};
use mmdb::{BidiIterator, DB, DBIterator, ReadOptions};

fn fill(db: &DB, ks: &[&str]) {
    for k in ks {
        db.put(k.as_bytes(), format!("v-{k}").as_bytes()).unwrap();
    }
}

fn key_of(it: &mut DBIterator) -> Option<String> {
    it.key().map(|k| String::from_utf8(k.to_vec()).unwrap())
}

#[test]
fn forward_and_backward_with_seeks() {
    let dir = TempDir::new("iter");
    let db = open(&dir);
    fill(&db, &["a", "b", "c", "d", "e"]);
    db.delete(b"c").unwrap();
    let mut it = db.iter().unwrap();
    assert_eq!(key_of(&mut it).as_deref(), Some("a")); // unpositioned: first access = first key
    it.seek_to_last();
    assert_eq!(key_of(&mut it).as_deref(), Some("e"));
    it.prev();
    assert_eq!(key_of(&mut it).as_deref(), Some("d"));
    it.prev();
    assert_eq!(key_of(&mut it).as_deref(), Some("b")); // "c" is deleted
    it.seek(b"bb");
    assert_eq!(key_of(&mut it).as_deref(), Some("d"));
    it.seek_for_prev(b"bb");
    assert_eq!(key_of(&mut it).as_deref(), Some("b"));
    it.seek_for_prev(b"d"); // inclusive
    assert_eq!(key_of(&mut it).as_deref(), Some("d"));
    assert_eq!(it.value(), Some(&b"v-d"[..]));
    it.seek(b"zz");
    assert!(!it.valid());
    it.prev(); // invalid: no wrap-around
    assert!(!it.valid());
    it.seek_to_first();
    assert_eq!(keys(&mut it), ["a", "b", "d", "e"]);
    assert!(it.error().is_none());
    // Backward over the whole DB.
    let mut it = db.iter().unwrap();
    let mut back = Vec::new();
    it.seek_to_last();
    while let Some(k) = key_of(&mut it) {
        back.push(k);
        it.prev();
    }
    assert_eq!(back, ["e", "d", "b", "a"]);
}

#[test]
fn key_and_value_on_an_invalid_iterator_are_none() {
    let dir = TempDir::new("invalid");
    let db = open(&dir);
    let mut it = db.iter().unwrap();
    assert!(!it.valid());
    assert_eq!(it.key(), None);
    assert_eq!(it.value(), None);
    it.advance();
    it.prev();
    it.next_prefix(3);
    assert_eq!(it.next(), None);
    assert_eq!(it.last_user_key(), None);
    fill(&db, &["a"]);
    let mut it = db.iter().unwrap();
    assert_eq!(it.next().map(|(k, _)| k), Some(b"a".to_vec()));
    assert_eq!(it.key(), None);
    assert_eq!(it.value(), None);
    assert_eq!(it.next(), None);
}

#[test]
fn valid_peeks_next_takes_and_advance_skips_only_a_computed_entry() {
    let dir = TempDir::new("lazy-entry");
    let db = open(&dir);
    fill(&db, &["a", "b", "c", "d"]);
    let mut it = db.iter().unwrap();
    it.advance(); // fresh: nothing computed, nothing skipped
    assert!(it.valid());
    assert_eq!(it.last_user_key(), Some(&b"a"[..]));
    it.advance(); // skips the computed "a"
    assert_eq!(it.next().map(|(k, _)| k), Some(b"b".to_vec()));
    it.advance(); // after next(): nothing computed
    assert_eq!(key_of(&mut it).as_deref(), Some("c"));
    it.seek(b"a");
    assert_eq!(it.last_user_key(), None); // right after a seek
    it.advance(); // after a seek: nothing computed
    assert_eq!(collect(&mut it)[0], ("a".into(), "v-a".into()));
}

#[test]
fn range_iterators_enforce_bounds_both_ways() {
    let dir = TempDir::new("range");
    let db = open(&dir);
    fill(&db, &["a", "b", "c", "d", "e", "f"]);
    db.flush().unwrap();
    fill(&db, &["bb", "dd"]);
    let ro = ReadOptions::default();
    let it = db.iter_with_range(&ro, Some(b"b"), Some(b"e")).unwrap();
    assert_eq!(keys(it), ["b", "bb", "c", "d", "dd"]);
    let mut it = db.iter_with_range(&ro, Some(b"b"), Some(b"e")).unwrap();
    it.seek_to_last();
    assert_eq!(key_of(&mut it).as_deref(), Some("dd"));
    it.seek_for_prev(b"z"); // upper bound <= target: the last key below it
    assert_eq!(key_of(&mut it).as_deref(), Some("dd"));
    it.seek(b"a"); // raised to the lower bound
    assert_eq!(key_of(&mut it).as_deref(), Some("b"));
    it.prev();
    assert!(!it.valid());
    it.seek(b"e");
    assert!(!it.valid());
    // ReadOptions bounds and argument bounds: the tighter wins.
    let ro = ReadOptions {
        iterate_lower_bound: Some(b"c".to_vec()),
        iterate_upper_bound: Some(b"f".to_vec()),
        ..Default::default()
    };
    assert_eq!(keys(db.iter_with_range(&ro, Some(b"a"), Some(b"dd")).unwrap()), ["c", "d"]);
    assert_eq!(keys(db.iter_with_options(&ro).unwrap()), ["c", "d", "dd", "e"]);
    assert_eq!(keys(db.iter_with_range(&ro, Some(b"d"), None).unwrap()), ["d", "dd", "e"]);
}

#[test]
fn prefix_iterators_stay_in_their_prefix() {
    let dir = TempDir::new("prefix");
    let db = open(&dir);
    fill(&db, &["a", "ab1", "ab2", "ab3", "ac", "b"]);
    db.put(&[0xFF, 0xFF, 1], b"x").unwrap();
    db.put(&[0xFF, 0xFF, 2], b"y").unwrap();
    let ro = ReadOptions::default();
    let mut it = db.iter_with_prefix(b"ab", &ro).unwrap();
    assert_eq!(key_of(&mut it).as_deref(), Some("ab1")); // positioned at creation
    assert_eq!(keys(&mut it), ["ab1", "ab2", "ab3"]);
    let mut it = db.iter_with_prefix(b"ab", &ro).unwrap();
    it.seek_to_last();
    assert_eq!(key_of(&mut it).as_deref(), Some("ab3"));
    it.seek(b"a"); // raised to the prefix
    assert_eq!(key_of(&mut it).as_deref(), Some("ab1"));
    it.seek_for_prev(b"zzz");
    assert_eq!(key_of(&mut it).as_deref(), Some("ab3"));
    it.seek(b"ac");
    assert!(!it.valid());
    // Prefix plus bounds.
    let bounded = ReadOptions { iterate_lower_bound: Some(b"ab2".to_vec()), ..Default::default() };
    assert_eq!(keys(db.iter_with_prefix(b"ab", &bounded).unwrap()), ["ab2", "ab3"]);
    // Empty prefix: the whole DB; all-0xFF prefix: no upper end.
    assert_eq!(db.iter_with_prefix(b"", &ro).unwrap().count(), 8);
    assert_eq!(db.iter_with_prefix(&[0xFF, 0xFF], &ro).unwrap().count(), 2);
    assert_eq!(db.iter_with_prefix(b"zz", &ro).unwrap().count(), 0);
}

#[test]
fn next_prefix_skips_a_whole_prefix() {
    let dir = TempDir::new("next-prefix");
    let db = open(&dir);
    fill(&db, &["aa1", "aa2", "ab1", "b", "ba1"]);
    db.put(&[0xFF, 1], b"x").unwrap();
    db.put(&[0xFF, 2], b"y").unwrap();
    let mut it = db.iter().unwrap();
    it.next_prefix(2); // nothing computed: nothing happens
    assert_eq!(key_of(&mut it).as_deref(), Some("aa1"));
    it.next_prefix(2);
    assert_eq!(key_of(&mut it).as_deref(), Some("ab1"));
    it.next_prefix(2);
    assert_eq!(key_of(&mut it).as_deref(), Some("b"));
    it.next_prefix(2); // shorter key: acts as advance()
    assert_eq!(key_of(&mut it).as_deref(), Some("ba1"));
    it.next_prefix(1);
    assert_eq!(it.key(), Some(&[0xFF, 1][..]));
    it.next_prefix(1); // all 0xFF: exhausted
    assert!(!it.valid());
    let mut it = db.iter().unwrap();
    assert!(it.valid());
    it.next_prefix(0);
    assert!(!it.valid());
}

#[test]
fn skip_point_hides_keys_in_both_directions() {
    let dir = TempDir::new("skip");
    let db = open(&dir);
    fill(&db, &["a", "b", "c", "d"]);
    let ro = ReadOptions {
        skip_point: Some(std::sync::Arc::new(|k: &[u8]| k == b"b" || k == b"d")),
        ..Default::default()
    };
    assert_eq!(keys(db.iter_with_options(&ro).unwrap()), ["a", "c"]);
    let mut it = db.iter_with_options(&ro).unwrap();
    it.seek_to_last();
    assert_eq!(key_of(&mut it).as_deref(), Some("c"));
    it.prev();
    assert_eq!(key_of(&mut it).as_deref(), Some("a"));
    assert_eq!(db.get_with_options(&ro, b"b").unwrap(), Some(b"v-b".to_vec())); // get ignores it
}

#[test]
fn an_iterator_outlives_its_db() {
    let dir = TempDir::new("outlive");
    let db = open(&dir);
    fill(&db, &["a", "b"]);
    db.flush().unwrap();
    fill(&db, &["c"]); // memtable only
    let mut it = db.iter().unwrap();
    let mut it2 = db.iter_with_prefix(b"b", &ReadOptions::default()).unwrap();
    let bidi = BidiIterator::lazy(db.iter().unwrap());
    db.put(b"d", b"later").unwrap(); // not in the iterators' view
    db.close().unwrap();
    drop(db);
    assert_eq!(key_of(&mut it).as_deref(), Some("a"));
    assert_eq!(keys(&mut it), ["a", "b", "c"]);
    it.seek_to_last();
    assert_eq!(key_of(&mut it).as_deref(), Some("c"));
    assert_eq!(keys(&mut it2), ["b"]);
    assert_eq!(keys(bidi.rev()), ["c", "b", "a"]);
    // And the directory can be reopened while they live.
    let db = open(&dir);
    assert_eq!(db.get(b"d").unwrap(), Some(b"later".to_vec()));
    drop(it);
}

#[test]
fn iterators_are_static_and_send() {
    fn check<T: Send + 'static>() {}
    check::<DBIterator>();
    check::<BidiIterator>();
    let dir = TempDir::new("send");
    let db = open(&dir);
    fill(&db, &["a", "b"]);
    let it = db.iter().unwrap();
    let boxed: Box<dyn DoubleEndedIterator<Item = (Vec<u8>, Vec<u8>)> + Send> =
        Box::new(BidiIterator::lazy(it));
    let got = std::thread::spawn(move || keys(boxed)).join().unwrap();
    assert_eq!(got, ["a", "b"]);
}

#[test]
fn bidi_eager_mode() {
    let entries: Vec<_> = ["a", "b", "c"].iter().map(|k| (k.as_bytes().to_vec(), vec![])).collect();
    let mut it = BidiIterator::new(entries);
    assert_eq!((it.remaining(), it.is_empty(), it.size_hint()), (3, false, (3, Some(3))));
    assert_eq!(it.next_back().unwrap().0, b"c");
    assert_eq!(it.next().unwrap().0, b"a");
    assert_eq!(it.remaining(), 1);
    assert_eq!(it.next().unwrap().0, b"b");
    assert!(it.is_empty() && it.next().is_none() && it.next_back().is_none());
    assert!(it.error().is_none());
}

#[test]
fn bidi_lazy_mode_never_yields_twice() {
    let dir = TempDir::new("bidi");
    let db = open(&dir);
    let all = ["a", "b", "c", "d", "e", "f"];
    fill(&db, &all);
    // From both ends, alternating, until they meet.
    let mut it = BidiIterator::lazy(db.iter().unwrap());
    assert_eq!((it.remaining(), it.is_empty(), it.size_hint()), (0, false, (0, None)));
    let mut got = Vec::new();
    for i in 0.. {
        let e = if i % 2 == 0 { it.next() } else { it.next_back() };
        match e {
            Some((k, _)) => got.push(String::from_utf8(k).unwrap()),
            None => break,
        }
    }
    got.sort();
    assert_eq!(got, all);
    assert!(it.next().is_none() && it.next_back().is_none());
    // Front first, then back: the back stops at the front frontier.
    let mut it = BidiIterator::lazy(db.iter().unwrap());
    assert_eq!(it.next().unwrap().0, b"a");
    assert_eq!(it.next().unwrap().0, b"b");
    assert_eq!(keys(it.by_ref().rev()), ["f", "e", "d", "c"]);
    assert!(it.next().is_none());
    // vsdb: seek, wrap, stream forward; bounds hold.
    let mut raw = db.iter_with_range(&ReadOptions::default(), Some(b"b"), Some(b"e")).unwrap();
    raw.seek(b"c");
    assert_eq!(keys(BidiIterator::lazy(raw)), ["c", "d"]);
    let raw = db.iter_with_range(&ReadOptions::default(), Some(b"b"), Some(b"e")).unwrap();
    assert_eq!(keys(BidiIterator::lazy(raw).rev()), ["d", "c", "b"]);
    // Forward only.
    let mut fwd = BidiIterator::lazy_forward(db.iter().unwrap());
    assert!(fwd.next_back().is_none());
    assert_eq!(fwd.count(), 6);
    // Prefix + filter/map + rev, as vsdb boxes it.
    let p = db.iter_with_prefix(b"", &ReadOptions::default()).unwrap();
    let boxed: Box<dyn DoubleEndedIterator<Item = Vec<u8>>> =
        Box::new(BidiIterator::lazy(p).filter(|(k, _)| k != b"c").map(|(k, _)| k));
    assert_eq!(boxed.rev().count(), 5);
}
