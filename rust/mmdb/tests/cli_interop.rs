//! The crate and the C++ CLI (tools/mmdb) read each other's directories
//! exactly. MMDB_CLI names the CLI binary (CTest passes the one it built);
//! without it the test fails, unless MMDB_SKIP_CLI_TESTS=1 is set for a
//! build outside the repository's CMake tree.
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TempDir;
use mmdb::{DB, DbOptions, WriteBatch};

fn cli() -> Option<PathBuf> {
    match std::env::var_os("MMDB_CLI") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("MMDB_SKIP_CLI_TESTS").is_some() => None,
        None => panic!("set MMDB_CLI to the tools/mmdb binary (or MMDB_SKIP_CLI_TESTS=1)"),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn run(cli: &Path, db: &Path, args: &[&str]) -> String {
    let out = Command::new(cli).arg("--db").arg(db).arg("--hex").args(args).output().unwrap();
    assert!(out.status.success(), "mmdb {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Entries with awkward bytes: NUL, 0xFF, empty key, empty and large values.
fn entries() -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut v: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (b"".to_vec(), b"empty key".to_vec()),
        (b"a\0b".to_vec(), b"nul\0inside".to_vec()),
        (vec![0xFF, 0xFE], vec![0x00]),
        (b"empty-value".to_vec(), Vec::new()),
    ];
    for i in 0..500u32 {
        v.push((format!("key{i:05}").into_bytes(), vec![(i % 251) as u8; (i % 50) as usize * 20]));
    }
    v.sort();
    v
}

#[test]
fn crate_writes_cli_reads() {
    let Some(cli) = cli() else { return };
    let dir = TempDir::new("cli-read");
    let db = DB::open(
        DbOptions {
            write_buffer_size: 16 << 10,
            compression: mmdb::CompressionType::Lz4,
            ..DbOptions::default()
        },
        dir.path(),
    )
    .unwrap();
    for (k, v) in entries() {
        db.put(&k, &v).unwrap();
    }
    db.put(b"gone", b"x").unwrap();
    let mut batch = WriteBatch::new();
    batch.delete(b"gone");
    batch.delete_range(b"key00100", b"key00200");
    db.write(batch).unwrap();
    db.flush().unwrap();
    db.put(b"wal-only", b"in the WAL").unwrap();
    db.close().unwrap();
    let want: String = entries()
        .into_iter()
        .filter(|(k, _)| !(k.as_slice() >= &b"key00100"[..] && k.as_slice() < &b"key00200"[..]))
        .chain([(b"wal-only".to_vec(), b"in the WAL".to_vec())])
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .map(|(k, v)| format!("{}\t{}\n", hex(&k), hex(&v)))
        .collect();
    assert_eq!(run(&cli, dir.path(), &["scan"]), want);
}

#[test]
fn cli_writes_crate_reads() {
    let Some(cli) = cli() else { return };
    let dir = TempDir::new("cli-write");
    let mut want = std::collections::BTreeMap::new();
    for (k, v) in entries().into_iter().step_by(25) {
        run(&cli, dir.path(), &["put", &hex(&k), &hex(&v)]);
        want.insert(k, v);
    }
    run(&cli, dir.path(), &["flush"]);
    run(&cli, dir.path(), &["put", &hex(b"zz"), &hex(b"last")]);
    run(&cli, dir.path(), &["delete", &hex(b"key00000")]);
    want.insert(b"zz".to_vec(), b"last".to_vec());
    want.remove(&b"key00000"[..]);
    let db = DB::open(DbOptions::default(), dir.path()).unwrap();
    let got: std::collections::BTreeMap<_, _> = db.iter().unwrap().collect();
    assert_eq!(got, want);
    let mut it = db.iter().unwrap();
    it.seek_to_last();
    assert_eq!(it.key(), Some(&b"zz"[..]));
    drop(it);
    db.close().unwrap();
    // Read-only, as a second process would.
    let ro = DB::open_read_only(dir.path()).unwrap();
    assert_eq!(ro.get(b"zz").unwrap(), Some(b"last".to_vec()));
}
