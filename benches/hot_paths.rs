//! The work behind the busiest interactions, on the shipped content: FAQ search (the `/faq`
//! answer and every autocomplete keystroke), crisis detection on a full-length reflection,
//! the next-check-in arithmetic the scheduler runs per member, and one database round trip
//! (the check that runs before every command) with the pool as shipped and without its
//! per-acquire ping. `cargo bench --bench hot_paths`.

use std::hint::black_box;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use criterion::{criterion_group, criterion_main, Criterion};
use rekindle::content::Content;
use rekindle::domain::member::MemberId;
use rekindle::domain::schedule::{catch_up, Rhythm};
use rekindle::domain::timing::{Frequency, LocalTime};
use rekindle::store::Store;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

fn content() -> Content {
    Content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn faq(c: &mut Criterion) {
    let content = content();
    let mut group = c.benchmark_group("faq");
    group.bench_function("search \"no contact\" best", |b| {
        b.iter(|| content.search_faq(black_box("no contact")).next().is_some())
    });
    group.bench_function("resolve key \"no-contact\" (/faq topic)", |b| {
        b.iter(|| content.resolve_faq(black_box("no-contact")).is_some())
    });
    group.bench_function("resolve words \"should I go no contact\"", |b| {
        b.iter(|| {
            content
                .resolve_faq(black_box("should I go no contact"))
                .is_some()
        })
    });
    // What autocomplete sees as a member types, one keystroke at a time: all choices.
    let keystrokes = [
        "n",
        "no",
        "no c",
        "no cont",
        "no contact",
        "jeal",
        "astro",
        "zzqx",
    ];
    group.bench_function("autocomplete 8 partials, all choices", |b| {
        b.iter(|| {
            keystrokes
                .iter()
                .map(|typed| content.search_faq(black_box(typed)).count())
                .sum::<usize>()
        })
    });
    group.bench_function("autocomplete \"no cont\", all choices", |b| {
        b.iter(|| content.search_faq(black_box("no cont")).count())
    });
    group.finish();
}

/// A 4,000-character reflection (the modal's limit) of everyday words, with no crisis
/// phrase (the whole text is scanned) or with one at its very end.
fn reflection(with_phrase: bool) -> String {
    let words = "Today I noticed that I kept checking my phone, hoping for a message. \
                 I went for a walk instead, called my sister, and wrote down three things \
                 I am grateful for. It still hurts, but less than last week. ";
    let ending = if with_phrase {
        " Sometimes I think I want to die."
    } else {
        " Tomorrow I will try again."
    };
    let mut text = words.repeat(4_000 / words.len() + 1);
    text.truncate(4_000 - ending.len());
    text.push_str(ending);
    assert_eq!(text.chars().count(), 4_000);
    text
}

fn crisis(c: &mut Criterion) {
    let content = content();
    let calm = reflection(false);
    let urgent = reflection(true);
    assert!(
        !content.is_crisis(&calm),
        "the calm text has no crisis phrase"
    );
    assert!(
        content.is_crisis(&urgent),
        "the shipped phrases include this one"
    );
    let mut group = c.benchmark_group("crisis");
    group.bench_function("is_crisis, 4000 chars, none", |b| {
        b.iter(|| content.is_crisis(black_box(&calm)))
    });
    group.bench_function("is_crisis, 4000 chars, phrase at end", |b| {
        b.iter(|| content.is_crisis(black_box(&urgent)))
    });
    group.finish();
}

fn rhythm(tz: Tz, time: &str, frequency: Frequency) -> Rhythm {
    Rhythm {
        tz,
        time: LocalTime::parse(time).expect("a time"),
        frequency,
        days: rekindle::domain::days::Days::EVERY_DAY,
    }
}

fn schedule(c: &mut Criterion) {
    let now: DateTime<Utc> = Utc
        .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .single()
        .expect("an instant");
    let zones = [
        chrono_tz::UTC,
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Asia::Kolkata,
    ];
    let rhythms: Vec<Rhythm> = zones
        .iter()
        .map(|tz| rhythm(*tz, "19:00", Frequency::Daily))
        .collect();
    let mut group = c.benchmark_group("schedule");
    group.bench_function("first_after, 5 timezones", |b| {
        b.iter(|| {
            rhythms
                .iter()
                .map(|r| r.first_after(black_box(now)).at.timestamp())
                .sum::<i64>()
        })
    });
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
    group.bench_function("following, 5 timezones", |b| {
        b.iter(|| {
            rhythms
                .iter()
                .map(|r| r.following(black_box(date)).at.timestamp())
                .sum::<i64>()
        })
    });
    // 02:30 does not exist in New York on 2026-03-08: the slot moves past the gap.
    let gap = rhythm(chrono_tz::America::New_York, "02:30", Frequency::Daily);
    let gap_day = NaiveDate::from_ymd_opt(2026, 3, 7).expect("a date");
    group.bench_function("following into a DST gap", |b| {
        b.iter(|| gap.following(black_box(gap_day)).at)
    });
    let stale = Duration::hours(12);
    let berlin = rhythm(chrono_tz::Europe::Berlin, "19:00", Frequency::Daily);
    let due = berlin.slot(NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date"));
    group.bench_function("catch_up, due yesterday", |b| {
        b.iter(|| catch_up(&berlin, black_box(due), black_box(now), stale))
    });
    let long_ago = berlin.slot(NaiveDate::from_ymd_opt(2025, 12, 1).expect("a date"));
    group.bench_function("catch_up, 90 days down (31 missed kept)", |b| {
        b.iter(|| catch_up(&berlin, black_box(long_ago), black_box(now), stale))
    });
    let weekly = rhythm(chrono_tz::America::New_York, "08:15", Frequency::Weekly);
    let weekly_due = weekly.slot(NaiveDate::from_ymd_opt(2026, 2, 1).expect("a date"));
    group.bench_function("catch_up, weekly, a month down", |b| {
        b.iter(|| catch_up(&weekly, black_box(weekly_due), black_box(now), stale))
    });
    group.finish();
}

/// The UPDATE behind `tell_if_unreachable`, the check before every command (and, in poise
/// 0.7.1, before every autocomplete request too).
const TAKE_NOTICE: &str = "UPDATE members SET unreachable_notice_pending = 0
     WHERE id = ?1 AND unreachable_notice_pending = 1";

fn store(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("hot.db").display());
    let store = runtime.block_on(Store::connect(&url)).expect("a database");
    let base: i64 = 100_000_000_000_000_000;
    runtime
        .block_on(
            sqlx::query(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 1000)
                 INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at)
                 SELECT ?1 + i, 'UTC', '19:00', 'daily', 1, 0 FROM n",
            )
            .bind(base)
            .execute(store.pool()),
        )
        .expect("members");
    let member = MemberId::new(base as u64 + 7);
    // The options `Store::connect` uses, except the ping before every acquire.
    let options = SqliteConnectOptions::from_str(&url)
        .expect("a url")
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(StdDuration::from_secs(5));
    let unpinged = runtime
        .block_on(
            SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .connect_with(options),
        )
        .expect("a pool");
    let mut group = c.benchmark_group("store");
    group.bench_function("take_unreachable_notice (shipped pool)", |b| {
        b.iter(|| runtime.block_on(store.take_unreachable_notice(black_box(member))))
    });
    group.bench_function("same UPDATE, pool without test_before_acquire", |b| {
        b.iter(|| {
            runtime.block_on(
                sqlx::query(TAKE_NOTICE)
                    .bind(black_box(member))
                    .execute(&unpinged),
            )
        })
    });
    group.bench_function("checkin_summary (shipped pool, 2 queries)", |b| {
        b.iter(|| runtime.block_on(store.checkin_summary(black_box(member))))
    });
    group.finish();
    runtime.block_on(unpinged.close());
    runtime.block_on(store.close());
}

fn quick() -> Criterion {
    Criterion::default()
        .warm_up_time(StdDuration::from_secs(1))
        .measurement_time(StdDuration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = quick();
    targets = faq, crisis, schedule, store
}
criterion_main!(benches);
