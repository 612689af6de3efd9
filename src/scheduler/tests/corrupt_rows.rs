//! A stored row that does not fit its type (written by an older build, a hand edit, a
//! restore gone wrong) stops that member's messages, loudly, and nobody else's.

use std::io::Write;
use std::sync::Mutex;

use sqlx::Connection as _;

use super::*;

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// This thread's log lines, from now until the guard is dropped. Every test here captures,
/// even those that do not read the lines: tracing caches whether a log line is wanted at all
/// when it is first reached, and a line first reached on a thread with nobody listening could
/// be skipped for a test running beside it that does listen.
fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

/// Runs `sql` on a connection of its own, as a hand edit would.
async fn corrupt(w: &World, sql: &str) {
    let path = w._dir.path().join("nested/rekindle.db");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("a second connection");
    // As a hand edit could: past the columns' CHECK constraints too.
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut conn)
        .await
        .expect("checks off");
    sqlx::query(sql)
        .execute(&mut conn)
        .await
        .expect("the row is corrupted");
    conn.close().await.expect("closed");
}

#[tokio::test]
async fn one_members_unreadable_row_stops_their_messages_only_and_says_so() {
    let (logs, _logging) = capture();

    let w = world().await;
    let broken = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let fine = w.enrol(2, utc(2026, 6, 1, 9, 0)).await;
    let paused = w.enrol(3, utc(2026, 6, 1, 9, 0)).await;
    w.enrol(4, utc(2026, 6, 1, 9, 0)).await;
    service::program::pause_until(w.ctx(utc(2026, 6, 1, 10, 0)), paused, "2")
        .await
        .expect("paused until a date");
    // A timezone this build does not know (renamed in a newer tz database, say), and a
    // pause end that is not a date.
    corrupt(
        &w,
        "UPDATE members SET timezone = 'Mars/Olympus_Mons' WHERE id = 1",
    )
    .await;
    corrupt(
        &w,
        "UPDATE programs SET paused_until = '2026-13-45' WHERE member_id = 3",
    )
    .await;
    // A step past the seventh.
    corrupt(&w, "UPDATE programs SET step = 8 WHERE member_id = 4").await;

    let report = w
        .scheduler
        .run_due(utc(2026, 6, 5, 17, 0))
        .await
        .expect("the run goes on past an unreadable row");
    let to: Vec<MemberId> = w
        .recorder
        .sent()
        .iter()
        .filter(|sent| sent.kind == "checkin")
        .filter_map(|sent| sent.member)
        .collect();
    assert_eq!(to, vec![fine], "{report:?}");

    let logs = logs.text();
    assert!(logs.contains("ERROR"), "{logs}");
    assert!(logs.contains("owner=\"member\" id=1"), "{logs}");
    assert!(logs.contains("owner=\"member\" id=3"), "{logs}");
    assert!(logs.contains("owner=\"member\" id=4"), "{logs}");
    assert!(
        logs.contains("Mars/Olympus_Mons"),
        "what does not fit is named: {logs}"
    );

    // Set aside: the next run neither reads them again nor fails.
    let again = w
        .scheduler
        .run_due(utc(2026, 6, 6, 17, 0))
        .await
        .expect("a later run");
    assert_eq!(again.sent, 1, "{again:?}");
    assert_eq!(
        w.count(
            "SELECT COUNT(*) FROM programs WHERE member_id = 1 AND next_checkin_at IS NOT NULL"
        )
        .await,
        0
    );
    // The member hears an apology, not a made-up timezone.
    let status = service::program::status(w.ctx(utc(2026, 6, 6, 18, 0)), broken).await;
    assert!(status.is_err(), "{status:?}");
}

#[tokio::test]
async fn a_queued_message_whose_row_cannot_be_read_is_given_up_on_not_claimed_forever() {
    let (logs, _logging) = capture();

    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let fine = w.enrol(2, utc(2026, 6, 1, 9, 0)).await;
    let now = utc(2026, 6, 1, 17, 0);
    assert_eq!(w.scheduler.plan(now).await.expect("planned"), 2);
    // Queued, then the member's days are mangled before the sender claims the row.
    corrupt(&w, "UPDATE members SET days = 'someday' WHERE id = 1").await;

    w.scheduler.run_due(now).await.expect("a run");
    let to: Vec<MemberId> = w.recorder.sent().iter().filter_map(|s| s.member).collect();
    assert_eq!(to, vec![fine]);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM outbox WHERE member_id = 1 AND status = 'pending'")
            .await,
        0,
        "not left pending, to be claimed and fail again every run"
    );
    assert_eq!(
        w.count("SELECT COUNT(*) FROM outbox WHERE member_id = 1 AND status = 'failed'")
            .await,
        1
    );
    let logs = logs.text();
    assert!(logs.contains("ERROR"), "{logs}");
    assert!(logs.contains("cannot be read"), "{logs}");
    assert!(
        logs.contains("someday"),
        "what does not fit is named: {logs}"
    );
}

#[tokio::test]
async fn one_servers_unreadable_public_post_stops_that_post_only() {
    let (_logs, _logging) = capture();
    let w = world().await;
    let fine = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    for guild in [77, 78] {
        let post = PublicPost {
            guild: crate::domain::ids::GuildId::new(guild),
            channel: crate::domain::ids::ChannelId::new(guild + 100),
            time: LocalTime::parse("09:30").expect("valid"),
            timezone: Timezone::parse("UTC").expect("valid"),
            enabled: true,
            next: Some(crate::domain::schedule::Slot {
                date: utc(2026, 6, 2, 9, 30).date_naive(),
                at: utc(2026, 6, 2, 9, 30),
            }),
            next_index: 0,
            last_failure: None,
        };
        w.store.save_public_post(&post).await.expect("saved");
    }
    corrupt(
        &w,
        "UPDATE public_encouragement SET timezone = 'Atlantis/Capital' WHERE guild_id = 77",
    )
    .await;

    w.scheduler
        .run_due(utc(2026, 6, 2, 9, 30))
        .await
        .expect("the run goes on past an unreadable post");
    let channels: Vec<u64> = w.recorder.sent().iter().filter_map(|s| s.channel).collect();
    assert_eq!(channels, vec![178]);
    // And the members' messages still go out.
    w.scheduler
        .run_due(utc(2026, 6, 2, 17, 0))
        .await
        .expect("a later run");
    assert!(w
        .recorder
        .sent()
        .iter()
        .any(|s| s.kind == "checkin" && s.member == Some(fine)));
}

#[tokio::test]
async fn after_the_clock_is_set_back_one_unreadable_row_does_not_stop_the_others() {
    let (_logs, _logging) = capture();
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let fine = w.enrol(2, utc(2026, 6, 1, 9, 0)).await;
    w.run(utc(2026, 6, 1, 17, 0)).await;
    // The clock ran a month ahead: every schedule now lies a month away.
    w.run(utc(2026, 7, 1, 17, 0)).await;
    corrupt(
        &w,
        "UPDATE members SET timezone = 'Mars/Olympus_Mons' WHERE id = 1",
    )
    .await;
    let before = w.recorder.sent().len();
    // Set back: the fine member is planned again from now and hears from us the next evening.
    w.scheduler
        .run_due(utc(2026, 6, 2, 8, 0))
        .await
        .expect("planned again past an unreadable row");
    w.scheduler
        .run_due(utc(2026, 6, 2, 17, 0))
        .await
        .expect("a run");
    let to: Vec<MemberId> = w.recorder.sent()[before..]
        .iter()
        .filter(|s| s.kind == "checkin")
        .filter_map(|s| s.member)
        .collect();
    assert_eq!(to, vec![fine]);
}
