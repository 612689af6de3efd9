//! The one reminder, private encouragement, and the public post.

use super::*;

#[tokio::test]
async fn an_unanswered_check_in_gets_one_reminder_and_never_a_second() {
    let w = world().await;
    let mut settings = w.settings.as_ref().clone();
    settings.defaults.frequency = crate::domain::timing::Frequency::Weekly;
    let w = World {
        settings: Arc::new(settings),
        ..w
    };
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!(
        w.run(utc(2026, 6, 2, 12, 59)).await.sent,
        0,
        "not before 20 hours"
    );
    assert_eq!(w.run(utc(2026, 6, 2, 13, 0)).await.sent, 1);
    for day in 2..6 {
        assert_eq!(w.run(utc(2026, 6, day, 23, 0)).await.sent, 0);
    }
    assert_eq!(w.recorder.sent_kinds(), vec!["checkin", "reminder"]);
}

#[tokio::test]
async fn an_answered_check_in_gets_no_reminder() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.run(utc(2026, 6, 1, 17, 0)).await;
    let checkin = w
        .store
        .latest_checkin(member)
        .await
        .expect("read")
        .expect("a check-in");
    service::checkin::record_mood(w.ctx(utc(2026, 6, 1, 18, 0)), member, checkin.id, "3")
        .await
        .expect("mood");
    w.run(utc(2026, 6, 2, 14, 0)).await;
    assert_eq!(w.recorder.sent_kinds(), vec!["checkin"]);
}

#[tokio::test]
async fn encouragement_comes_every_few_days_never_twice_the_same_in_a_row_and_can_be_turned_off() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // Every 3 days at local noon (10:00 UTC in Berlin summer).
    let mut indexes = Vec::new();
    for cycle in 0..4 {
        let day = 4 + cycle * 3;
        w.run(utc(2026, 6, day, 10, 0)).await;
        let last = w
            .recorder
            .sent()
            .into_iter()
            .rfind(|r| r.kind == "encouragement")
            .expect("an encouragement");
        indexes.push(last.message_index);
    }
    assert_eq!(indexes.len(), 4);
    assert!(
        indexes.windows(2).all(|pair| pair[0] != pair[1]),
        "{indexes:?}"
    );
    let change = service::settings::RawChange {
        encouragement: Some(false),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 13, 11, 0)), member, change)
        .await
        .expect("updated");
    let before = w
        .recorder
        .sent_kinds()
        .iter()
        .filter(|k| *k == "encouragement")
        .count();
    w.run(utc(2026, 6, 20, 10, 0)).await;
    let after = w
        .recorder
        .sent_kinds()
        .iter()
        .filter(|k| *k == "encouragement")
        .count();
    assert_eq!(before, after, "no encouragement after opting out");
}

#[tokio::test]
async fn no_encouragement_is_delivered_in_quiet_hours() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // Downtime: the noon encouragement is found late, at 23:30 Berlin time (21:30 UTC).
    w.run(utc(2026, 6, 4, 21, 30)).await;
    assert!(!w
        .recorder
        .sent_kinds()
        .contains(&"encouragement".to_owned()));
    // It waits for 08:00 local.
    w.run(utc(2026, 6, 5, 5, 59)).await;
    assert!(!w
        .recorder
        .sent_kinds()
        .contains(&"encouragement".to_owned()));
    w.run(utc(2026, 6, 5, 6, 0)).await;
    assert!(w
        .recorder
        .sent_kinds()
        .contains(&"encouragement".to_owned()));
}

#[tokio::test]
async fn the_public_post_goes_out_daily_and_cycles_through_every_message() {
    let w = world().await;
    let zone = Timezone::parse("America/New_York").expect("valid");
    let time = LocalTime::parse("09:30").expect("valid");
    let rhythm = crate::domain::schedule::Rhythm {
        tz: zone.tz(),
        time,
        frequency: crate::domain::timing::Frequency::Daily,
        days: crate::domain::days::Days::EVERY_DAY,
    };
    let now = utc(2026, 6, 1, 0, 0);
    let post = PublicPost {
        guild: crate::domain::ids::GuildId::new(77),
        channel: crate::domain::ids::ChannelId::new(88),
        time,
        timezone: zone,
        enabled: true,
        next: Some(rhythm.first_after(now)),
        next_index: 0,
        last_failure: None,
    };
    w.store.save_public_post(&post).await.expect("saved");
    let count = w.content.public_encouragements.len();
    for day in 1..=(count as u32 + 1) {
        // 09:30 EDT is 13:30 UTC.
        assert_eq!(w.run(utc(2026, 6, day, 13, 29)).await.sent, 0);
        assert_eq!(w.run(utc(2026, 6, day, 13, 30)).await.sent, 1);
    }
    let indexes: Vec<usize> = w
        .recorder
        .sent()
        .iter()
        .filter_map(|r| r.message_index)
        .collect();
    let mut first_cycle = indexes[..count].to_vec();
    first_cycle.sort_unstable();
    assert_eq!(
        first_cycle,
        (0..count).collect::<Vec<_>>(),
        "every message once before any repeats"
    );
    assert_eq!(indexes[count], indexes[0]);
    assert!(w.recorder.sent().iter().all(|r| r.channel == Some(88)));
}

#[tokio::test]
async fn a_manual_check_in_supersedes_the_open_one_so_only_one_reminder_can_come() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.run(utc(2026, 6, 1, 17, 0)).await;
    service::checkin::prepare(w.ctx(utc(2026, 6, 1, 18, 0)), member)
        .await
        .expect("a manual check-in");
    w.run(utc(2026, 6, 2, 14, 30)).await;
    let reminders = w
        .recorder
        .sent_kinds()
        .iter()
        .filter(|k| *k == "reminder")
        .count();
    assert_eq!(reminders, 1, "one reminder, for the newest check-in");
    assert_eq!(
        w.count("SELECT COUNT(*) FROM checkins WHERE status = 'open'")
            .await,
        1
    );
}

/// Discord answers 429 to every try of one run: the row stays pending for the next run.
fn rate_limited_all_run(w: &World) {
    let limited = SendError::RateLimited {
        retry_after: Some(StdDuration::from_millis(1)),
        global: false,
    };
    let tries = Tuning::default().rate_limit_retries as usize + 1;
    w.recorder.script(std::iter::repeat_n(Err(limited), tries));
}

#[tokio::test]
async fn an_encouragement_held_back_by_a_rate_limit_is_not_sent_after_the_member_opts_out() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    for day in 1..4 {
        w.run(utc(2026, 6, day, 17, 0)).await;
    }
    rate_limited_all_run(&w);
    let held = w.run(utc(2026, 6, 4, 10, 0)).await;
    assert_eq!((held.queued, held.deferred), (1, 1), "{held:?}");
    let change = service::settings::RawChange {
        encouragement: Some(false),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 4, 10, 1)), member, change)
        .await
        .expect("opted out");
    w.run(utc(2026, 6, 4, 10, 2)).await;
    assert!(
        !w.recorder
            .sent_kinds()
            .contains(&"encouragement".to_owned()),
        "{:?}",
        w.recorder.sent_kinds()
    );
}

/// `/admin encouragement` for server 77: `channel` at 09:30 UTC, on or off, at `now`.
async fn configure_post(w: &World, channel: u64, enabled: bool, now: DateTime<Utc>) {
    // Discord says the channel is one of server 77's.
    *w.recorder
        .channel_guild
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) =
        Some(crate::domain::ids::GuildId::new(77));
    let raw = service::admin::RawPublicPost {
        channel: Some(crate::domain::ids::ChannelId::new(channel)),
        time: Some("09:30"),
        timezone: Some("UTC"),
        enabled: Some(enabled),
    };
    service::admin::configure_public_post(w.ctx(now), crate::domain::ids::GuildId::new(77), raw)
        .await
        .expect("configured");
}

#[tokio::test]
async fn a_public_post_held_back_by_a_rate_limit_is_not_sent_after_the_admin_turns_it_off_or_moves_it(
) {
    for (channel, enabled) in [(88, false), (99, true)] {
        let w = world().await;
        configure_post(&w, 88, true, utc(2026, 6, 1, 0, 0)).await;
        rate_limited_all_run(&w);
        let held = w.run(utc(2026, 6, 1, 9, 30)).await;
        assert_eq!((held.queued, held.deferred), (1, 1), "{held:?}");
        configure_post(&w, channel, enabled, utc(2026, 6, 1, 9, 31)).await;
        w.run(utc(2026, 6, 1, 9, 32)).await;
        assert!(
            w.recorder.sent().is_empty(),
            "channel {channel}, enabled {enabled}: {:?}",
            w.recorder.sent()
        );
    }
}
