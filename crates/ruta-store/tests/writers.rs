//! Two writers: the second waits for the first (bounded), then proceeds; past the wait
//! it fails with a message naming the lock, never "read-only". A database on a read-only
//! mount opens read-only (immutable).

use ruta_store::{Access, Store, StoreError};
use std::time::{Duration, Instant};

#[test]
fn a_second_writer_waits_its_turn_then_gives_up_clearly() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("ruta.db");
    drop(Store::open(&db, Access::ReadWrite).unwrap());

    // Another process (here: connection) holds the write lock for 700 ms.
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let holder = {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut a = Store::open(&db, Access::ReadWrite).unwrap();
            let w = a.writer().unwrap();
            held_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(700));
            w.commit().unwrap();
        })
    };
    held_rx.recv().unwrap();
    let t = Instant::now();
    // Opening for writing (as `ruta init` does) waits, then proceeds.
    let mut b = Store::open(&db, Access::ReadWrite).expect("waits for the lock, then opens");
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    b.writer().unwrap().commit().unwrap();
    holder.join().unwrap();

    // A writer that waits longer than allowed fails with the lock named.
    ruta_store::set_write_wait(Duration::from_millis(300));
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let holder = {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut a = Store::open(&db, Access::ReadWrite).unwrap();
            let _w = a.writer().unwrap();
            held_tx.send(()).unwrap();
            let _ = done_rx.recv_timeout(Duration::from_secs(10));
        })
    };
    held_rx.recv().unwrap();
    match b.writer() {
        Err(e @ StoreError::Busy { .. }) => {
            assert!(
                e.to_string()
                    .contains("another ruta process holds the write lock"),
                "{e}"
            )
        }
        Err(e) => panic!("expected Busy, got {e}"),
        Ok(_) => panic!("expected Busy, got a writer"),
    }
    match Store::open(&db, Access::ReadWrite) {
        Err(StoreError::Busy { .. }) => {}
        Err(e) => panic!("expected Busy, got {e}"),
        Ok(_) => panic!("expected Busy, got a store"),
    }
    done_tx.send(()).unwrap();
    holder.join().unwrap();
    ruta_store::set_write_wait(Duration::from_secs(60));
}

#[test]
fn immutable_opening_reads_a_database_without_its_wal_index() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("ruta.db");
    {
        let mut s = Store::open(&db, Access::ReadWrite).unwrap();
        s.writer().unwrap().commit().unwrap();
        s.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }
    let c = ruta_store::open_immutable(&db).unwrap();
    let v: i32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, ruta_store::schema::SCHEMA_VERSION);
}

/// A database on a read-only mount (here a read-only bind mount, which needs root; the
/// test skips without it) opens read-only: SQLite cannot create the WAL index there, and
/// the store falls back to `immutable=1` instead of calling the file "not a SQLite
/// database".
#[test]
fn a_database_on_a_read_only_mount_opens_read_only() {
    use std::process::Command;
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    let mnt = d.path().join("mnt");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&mnt).unwrap();
    {
        let mut s = Store::open(src.join("ruta.db"), Access::ReadWrite).unwrap();
        s.writer().unwrap().commit().unwrap();
    }
    assert!(
        !src.join("ruta.db-wal").exists(),
        "a clean close removes the WAL"
    );
    let ok = |c: &mut Command| c.status().map(|s| s.success()).unwrap_or(false);
    if !ok(Command::new("mount").arg("--bind").arg(&src).arg(&mnt)) {
        eprintln!("SKIP: cannot bind-mount (needs root)");
        return;
    }
    let remounted = ok(Command::new("mount")
        .args(["-o", "remount,bind,ro"])
        .arg(&mnt));
    let result = std::panic::catch_unwind(|| {
        assert!(remounted, "cannot remount read-only");
        assert!(
            std::fs::write(mnt.join("probe"), b"x").is_err(),
            "the mount is read-only"
        );
        let s = Store::open(mnt.join("ruta.db"), Access::ReadOnly).expect("opens read-only");
        assert!(!s.is_writable());
        let v: i32 = s
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, ruta_store::schema::SCHEMA_VERSION);
        // PreferWrite (what `ruta projects` uses) falls back to read-only too.
        let s = Store::open(mnt.join("ruta.db"), Access::PreferWrite).expect("prefers write");
        assert!(!s.is_writable());
    });
    let _ = Command::new("umount").arg(&mnt).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
