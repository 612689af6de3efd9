//! `rekindle backup PATH` through the binary, against a database that another connection
//! keeps writing to, as the running bot does.

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rekindle::store::Store;
use sqlx::{Connection as _, SqliteConnection};

const BINARY: &str = env!("CARGO_BIN_EXE_rekindle");
const DEADLINE: Duration = Duration::from_secs(60);
/// Members written before the backup starts: enough pages that the copy takes a while.
const SEEDED: i64 = 5_000;

fn url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// `rekindle backup destination` in `folder`, with only `DATABASE_URL` set.
async fn backup(folder: &Path, database: &Path, destination: &Path) -> Output {
    tokio::process::Command::new(BINARY)
        .arg("backup")
        .arg(destination)
        .current_dir(folder)
        .env_clear()
        .env("DATABASE_URL", url(database))
        .output()
        .await
        .expect("the binary runs")
}

/// One member and their program, in one transaction: a copy holds both or neither.
async fn enrol(store: &Store, id: i64) -> anyhow::Result<()> {
    let mut tx = store.pool().begin().await?;
    sqlx::query(
        "INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at)
         VALUES (?1, 'Europe/Berlin', '19:00', 'daily', 1, ?1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO programs (member_id, step, step_since, enrolled_at) VALUES (?1, 1, ?1, ?1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a backup file holds.
struct Copy {
    integrity: String,
    members: i64,
    programs: i64,
    highest_id: i64,
}

async fn read_copy(path: &Path) -> Copy {
    let mut connection = SqliteConnection::connect(&format!("{}?mode=ro", url(path)))
        .await
        .expect("the copy opens");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await
        .expect("integrity_check runs");
    let (members, highest_id): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM members")
            .fetch_one(&mut connection)
            .await
            .expect("members are readable");
    let programs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM programs")
        .fetch_one(&mut connection)
        .await
        .expect("programs are readable");
    Copy {
        integrity,
        members,
        programs,
        highest_id,
    }
}

/// The files in `folder`, but for SQLite's `-wal` and `-shm`, which come and go with the
/// database's connections.
fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("the folder is readable")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_while_members_write_is_whole_and_consistent_and_never_overwritten() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let database = folder.path().join("rekindle.db");
    let store = Store::connect(&url(&database))
        .await
        .expect("the database opens");
    let mut tx = store.pool().begin().await.expect("a transaction");
    for id in 1..=SEEDED {
        sqlx::query(
            "INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at)
             VALUES (?1, 'Europe/Berlin', '19:00', 'daily', 1, ?1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .expect("seeded");
        sqlx::query("INSERT INTO programs (member_id, step, step_since, enrolled_at) VALUES (?1, 1, ?1, ?1)")
            .bind(id)
            .execute(&mut *tx)
            .await
            .expect("seeded");
    }
    tx.commit().await.expect("seeded");

    // Members keep enrolling, one transaction each, until the backup is done.
    let written = Arc::new(AtomicI64::new(SEEDED));
    let stop = Arc::new(AtomicBool::new(false));
    let (progress, mut progressed) = tokio::sync::watch::channel(SEEDED);
    let writer = tokio::spawn({
        let (store, written, stop) = (store.clone(), written.clone(), stop.clone());
        async move {
            let mut id = SEEDED;
            while !stop.load(Ordering::SeqCst) {
                id += 1;
                enrol(&store, id).await.expect("a member enrols");
                written.store(id, Ordering::SeqCst);
                progress.send_replace(id);
            }
        }
    });
    tokio::time::timeout(DEADLINE, progressed.wait_for(|id| *id >= SEEDED + 20))
        .await
        .expect("the writer is writing")
        .expect("the writer is alive");

    let destination = folder.path().join("copy.db");
    let before = written.load(Ordering::SeqCst);
    let output = backup(folder.path(), &database, &destination).await;
    let after = written.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("the writer stops cleanly");

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(after > before, "members kept writing during the backup");
    let size = std::fs::metadata(&destination)
        .expect("the copy exists")
        .len();
    let stdout = stdout.trim_end();
    assert!(
        stdout.starts_with(&format!("✓ database copied to {} (", destination.display()))
            && stdout.ends_with(&format!(" KiB, {size} bytes)")),
        "the message names where the copy went and its size: {stdout}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&destination)
            .expect("the copy")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "only the owner may read what members wrote"
        );
    }

    let copy = read_copy(&destination).await;
    assert_eq!(copy.integrity, "ok");
    assert!(
        copy.members >= before && copy.members <= after,
        "the copy holds every member written before it started ({before}) and none after it ended ({after}): {}",
        copy.members
    );
    assert_eq!(copy.highest_id, copy.members, "no member is missing");
    assert_eq!(
        copy.programs, copy.members,
        "every member has their program"
    );

    // A second backup to the same path is refused and leaves the first one as it was.
    let first = std::fs::read(&destination).expect("the copy is readable");
    let again = backup(folder.path(), &database, &destination).await;
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains(&format!("{} already exists", destination.display())),
        "{stderr}"
    );
    assert!(again.stdout.is_empty());
    assert_eq!(std::fs::read(&destination).expect("still there"), first);

    // A copy restored over the database is one the bot opens and brings up to date.
    store.close().await;
    let restored = Store::connect(&url(&destination))
        .await
        .expect("the copy opens as a database");
    restored.close().await;
    assert!(
        !files_in(folder.path())
            .iter()
            .any(|name| name.contains("partial")),
        "{:?}",
        files_in(folder.path())
    );
}

#[tokio::test]
async fn a_backup_of_a_stopped_bot_adds_nothing_but_the_copy() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let database = folder.path().join("rekindle.db");
    let store = Store::connect(&url(&database))
        .await
        .expect("the database opens");
    enrol(&store, 7).await.expect("a member enrols");
    store.close().await;
    let before = files_in(folder.path());

    let output = backup(folder.path(), &database, Path::new("relative.db")).await;

    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut expected = before;
    expected.push("relative.db".to_owned());
    expected.sort();
    assert_eq!(files_in(folder.path()), expected);
    let copy = read_copy(&folder.path().join("relative.db")).await;
    assert_eq!((copy.members, copy.programs), (1, 1));
}

#[tokio::test]
async fn a_failed_backup_creates_nothing() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let missing_database = folder.path().join("nowhere.db");

    let output = backup(folder.path(), &missing_database, Path::new("copy.db")).await;

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "there is no database at {}",
            missing_database.display()
        )),
        "{stderr}"
    );
    assert!(
        files_in(folder.path()).is_empty(),
        "{:?}",
        files_in(folder.path())
    );

    let database = folder.path().join("rekindle.db");
    Store::connect(&url(&database))
        .await
        .expect("the database opens")
        .close()
        .await;
    let before = files_in(folder.path());
    let output = backup(
        folder.path(),
        &database,
        Path::new("no/such/folder/copy.db"),
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not exist; create it first"),
        "{stderr}"
    );
    assert_eq!(files_in(folder.path()), before);
}
