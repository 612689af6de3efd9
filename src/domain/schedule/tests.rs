use chrono::{Datelike, Timelike};

use super::*;
use crate::domain::days::Days;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a valid time")
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a valid instant")
}

fn tz(name: &str) -> Tz {
    name.parse().expect("a known timezone")
}

fn rhythm(zone: &str, h: u8, m: u8, frequency: Frequency) -> Rhythm {
    Rhythm {
        tz: tz(zone),
        time: LocalTime::from_hm(h, m).expect("valid"),
        frequency,
        days: Days::EVERY_DAY,
    }
}

/// Walks `days` daily slots from `start` and returns their local (date, hour, minute).
fn walk(r: &Rhythm, start: NaiveDate, count: usize) -> Vec<(NaiveDate, u32, u32)> {
    let mut slot = r.slot(start);
    let mut seen = Vec::new();
    for _ in 0..count {
        let local = slot.at.with_timezone(&r.tz);
        seen.push((local.date_naive(), local.hour(), local.minute()));
        slot = r.following(slot.date);
    }
    seen
}

#[test]
fn new_york_spring_forward_moves_a_skipped_time_to_the_next_valid_instant() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    let at = local_instant(tz("America/New_York"), date(2026, 3, 8), hm(2, 30));
    assert_eq!(at, utc(2026, 3, 8, 7, 0)); // 03:00 EDT
}

#[test]
fn new_york_fall_back_takes_the_earlier_of_an_ambiguous_time() {
    // 2026-11-01: 01:30 happens twice (EDT, then EST).
    let at = local_instant(tz("America/New_York"), date(2026, 11, 1), hm(1, 30));
    assert_eq!(at, utc(2026, 11, 1, 5, 30)); // 01:30 EDT
}

#[test]
fn berlin_daily_check_ins_keep_local_time_across_both_changes() {
    let r = rhythm("Europe/Berlin", 19, 0, Frequency::Daily);
    for start in [date(2026, 3, 27), date(2026, 10, 23)] {
        let seen = walk(&r, start, 5);
        for (index, (day, hour, minute)) in seen.iter().enumerate() {
            assert_eq!(
                *day,
                start + Duration::days(index as i64),
                "one slot per day, none skipped"
            );
            assert_eq!((*hour, *minute), (19, 0));
        }
    }
}

#[test]
fn berlin_a_time_inside_the_skipped_hour_is_sent_once_that_day() {
    let r = rhythm("Europe/Berlin", 2, 30, Frequency::Daily);
    let seen = walk(&r, date(2026, 3, 28), 3);
    assert_eq!(
        seen,
        vec![
            (date(2026, 3, 28), 2, 30),
            (date(2026, 3, 29), 3, 0),
            (date(2026, 3, 30), 2, 30)
        ]
    );
}

#[test]
fn berlin_an_ambiguous_time_is_sent_once_not_twice() {
    let r = rhythm("Europe/Berlin", 2, 30, Frequency::Daily);
    let on_the_day = r.slot(date(2026, 10, 25));
    assert_eq!(on_the_day.at, utc(2026, 10, 25, 0, 30)); // 02:30 CEST, the earlier
    let next = r.following(on_the_day.date);
    assert_eq!(next.date, date(2026, 10, 26));
    assert_eq!(next.at - on_the_day.at, Duration::hours(25));
}

#[test]
fn lord_howe_half_hour_shift_is_handled() {
    // Australia/Lord_Howe moves by 30 minutes: 2026-10-04 02:00 -> 02:30 (gap),
    // 2026-04-05 02:00 -> 01:30 (01:30-02:00 happens twice).
    let zone = tz("Australia/Lord_Howe");
    let in_gap = local_instant(zone, date(2026, 10, 4), hm(2, 15));
    assert_eq!(in_gap.with_timezone(&zone).time(), hm(2, 30));
    let ambiguous = local_instant(zone, date(2026, 4, 5), hm(1, 45));
    let later_offset = zone
        .from_local_datetime(&date(2026, 4, 5).and_time(hm(1, 45)))
        .latest()
        .expect("exists");
    assert!(ambiguous < later_offset.with_timezone(&Utc));
    let r = rhythm("Australia/Lord_Howe", 2, 15, Frequency::Daily);
    let seen = walk(&r, date(2026, 10, 2), 4);
    assert_eq!(
        seen.iter().map(|s| s.0.day()).collect::<Vec<_>>(),
        vec![2, 3, 4, 5]
    );
}

#[test]
fn kolkata_has_no_dst_and_a_steady_rhythm() {
    let r = rhythm("Asia/Kolkata", 8, 0, Frequency::Daily);
    let slot = r.slot(date(2026, 3, 29));
    assert_eq!(slot.at, utc(2026, 3, 29, 2, 30));
    assert_eq!(r.following(slot.date).at - slot.at, Duration::hours(24));
}

#[test]
fn every_frequency_steps_by_its_days_across_dst() {
    for (frequency, days) in [
        (Frequency::Daily, 1),
        (Frequency::EveryTwoDays, 2),
        (Frequency::Weekly, 7),
    ] {
        for zone in [
            "America/New_York",
            "Europe/Berlin",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
        ] {
            let r = rhythm(zone, 9, 0, frequency);
            let seen = walk(&r, date(2026, 3, 1), 30);
            for pair in seen.windows(2) {
                assert_eq!(
                    pair[1].0 - pair[0].0,
                    Duration::days(days),
                    "{zone} {frequency}"
                );
                assert_eq!(
                    (pair[1].1, pair[1].2),
                    (9, 0),
                    "{zone} {frequency} keeps local time"
                );
            }
        }
    }
}

#[test]
fn the_first_slot_is_today_if_still_ahead_else_tomorrow() {
    let r = rhythm("Europe/Berlin", 19, 0, Frequency::Daily);
    assert_eq!(r.first_after(utc(2026, 6, 1, 10, 0)).date, date(2026, 6, 1));
    assert_eq!(r.first_after(utc(2026, 6, 1, 17, 0)).date, date(2026, 6, 2)); // 19:00 CEST is 17:00 UTC
}

#[test]
fn a_due_slot_on_time_is_sent_and_the_next_follows() {
    let r = rhythm("UTC", 19, 0, Frequency::Daily);
    let due = r.slot(date(2026, 6, 1));
    let result = catch_up(&r, due, utc(2026, 6, 1, 19, 0), Duration::hours(12));
    assert_eq!(result.send, Some(due));
    assert!(result.missed.is_empty());
    assert_eq!(result.next.date, date(2026, 6, 2));
}

#[test]
fn after_two_days_of_downtime_only_the_latest_slot_is_sent() {
    let r = rhythm("UTC", 19, 0, Frequency::Daily);
    let due = r.slot(date(2026, 6, 1));
    let result = catch_up(&r, due, utc(2026, 6, 3, 20, 0), Duration::hours(12));
    assert_eq!(result.send.map(|s| s.date), Some(date(2026, 6, 3)));
    assert_eq!(
        result.missed.iter().map(|s| s.date).collect::<Vec<_>>(),
        vec![date(2026, 6, 1), date(2026, 6, 2)]
    );
    assert_eq!(result.next.date, date(2026, 6, 4));
}

#[test]
fn a_slot_older_than_stale_after_is_missed_not_sent() {
    let r = rhythm("UTC", 8, 0, Frequency::Daily);
    let due = r.slot(date(2026, 6, 1));
    let result = catch_up(&r, due, utc(2026, 6, 1, 21, 0), Duration::hours(12));
    assert_eq!(result.send, None);
    assert_eq!(result.missed, vec![due]);
    assert_eq!(result.next.date, date(2026, 6, 2));
}

#[test]
fn a_very_long_downtime_records_a_bounded_number_of_missed_slots() {
    let r = rhythm("UTC", 8, 0, Frequency::Daily);
    let due = r.slot(date(2026, 1, 1));
    let result = catch_up(&r, due, utc(2026, 6, 1, 9, 0), Duration::hours(12));
    assert!(result.missed.len() <= MAX_MISSED);
    assert_eq!(result.send.map(|s| s.date), Some(date(2026, 6, 1)));
}

#[test]
fn quiet_hours_may_cross_midnight() {
    assert!(is_quiet(hm(23, 0), hm(22, 0), hm(8, 0)));
    assert!(is_quiet(hm(3, 0), hm(22, 0), hm(8, 0)));
    assert!(!is_quiet(hm(8, 0), hm(22, 0), hm(8, 0)));
    assert!(!is_quiet(hm(12, 0), hm(22, 0), hm(8, 0)));
    assert!(is_quiet(hm(13, 0), hm(12, 0), hm(14, 0)));
}

#[test]
fn an_instant_in_quiet_hours_moves_to_their_end() {
    let zone = tz("Europe/Berlin");
    // 23:30 CEST on 1 June -> 08:00 CEST on 2 June.
    let moved = outside_quiet_hours(zone, utc(2026, 6, 1, 21, 30), hm(22, 0), hm(8, 0));
    assert_eq!(moved, utc(2026, 6, 2, 6, 0));
    // 03:00 -> 08:00 the same day.
    let early = outside_quiet_hours(zone, utc(2026, 6, 2, 1, 0), hm(22, 0), hm(8, 0));
    assert_eq!(early, utc(2026, 6, 2, 6, 0));
    let fine = utc(2026, 6, 2, 10, 0);
    assert_eq!(outside_quiet_hours(zone, fine, hm(22, 0), hm(8, 0)), fine);
}

#[test]
fn encouragement_lands_at_local_noon_every_n_days_outside_quiet_hours() {
    let zone = tz("Asia/Kolkata");
    let next = next_encouragement(zone, utc(2026, 6, 1, 3, 0), 3, hm(22, 0), hm(8, 0));
    assert_eq!(next, utc(2026, 6, 4, 6, 30));
    // With quiet hours covering noon, it moves to their end.
    let moved = next_encouragement(zone, utc(2026, 6, 1, 3, 0), 3, hm(11, 0), hm(13, 0));
    assert_eq!(moved, utc(2026, 6, 4, 7, 30));
}

fn policy() -> Policy {
    Policy {
        quiet_start: hm(22, 0),
        quiet_end: hm(8, 0),
        encouragement_every_days: 3,
    }
}

fn member_settings(encouragement: bool) -> MemberSettings {
    MemberSettings {
        timezone: crate::domain::timing::Timezone::parse("America/New_York").expect("valid"),
        checkin_time: LocalTime::from_hm(20, 0).expect("valid"),
        frequency: Frequency::Daily,
        days: Days::EVERY_DAY,
        encouragement,
    }
}

#[test]
fn enrolling_resuming_and_restarting_plan_a_fresh_schedule() {
    use crate::domain::program::Event;
    let now = utc(2026, 6, 1, 12, 0);
    for event in [Event::Enrolled, Event::Resumed, Event::Restarted] {
        let ScheduleChange::Set(plan) = change_for(event, &member_settings(true), now, &policy())
        else {
            panic!("{event:?} sets a schedule");
        };
        assert_eq!(plan.checkin.at, utc(2026, 6, 2, 0, 0)); // 20:00 EDT
        assert_eq!(plan.encouragement_at, Some(utc(2026, 6, 4, 16, 0))); // noon EDT, 3 days on
    }
}

#[test]
fn pausing_and_finishing_clear_the_schedule_and_moving_on_keeps_it() {
    use crate::domain::program::{Event, Outcome, StepNumber};
    let now = utc(2026, 6, 1, 12, 0);
    assert_eq!(
        change_for(Event::Paused, &member_settings(true), now, &policy()),
        ScheduleChange::Clear
    );
    assert_eq!(
        change_for(
            Event::Finished(Outcome::MovingOn),
            &member_settings(true),
            now,
            &policy()
        ),
        ScheduleChange::Clear
    );
    let advanced = Event::Advanced {
        to: StepNumber::new(2).expect("valid"),
    };
    assert_eq!(
        change_for(advanced, &member_settings(true), now, &policy()),
        ScheduleChange::Keep
    );
}

#[test]
fn no_encouragement_is_planned_for_a_member_who_turned_it_off() {
    let plan = plan(&member_settings(false), utc(2026, 6, 1, 12, 0), &policy());
    assert_eq!(plan.encouragement_at, None);
}

#[test]
fn a_check_in_is_reminded_only_once_delivered_and_never_when_it_cannot_arrive() {
    use ReminderFate::{Later, Never, Send};
    // (schedule running, delivered, failed) -> fate
    let cases = [
        ((true, true, false), Send),
        ((true, false, false), Later),
        ((true, false, true), Never),
        ((false, true, false), Never),
        ((false, false, false), Never),
        ((false, false, true), Never),
    ];
    for ((running, delivered, failed), fate) in cases {
        assert_eq!(
            reminder_fate(running, delivered, failed),
            fate,
            "running {running}, delivered {delivered}, failed {failed}"
        );
    }
}

fn on_days(zone: &str, frequency: Frequency, days: &str) -> Rhythm {
    Rhythm {
        days: Days::parse(days).expect("valid days"),
        ..rhythm(zone, 19, 0, frequency)
    }
}

#[test]
fn weekday_check_ins_skip_both_weekend_days_across_berlins_spring_forward() {
    // 2026-03-29 (a Sunday) is the change; walk from Friday 27 March for two weeks.
    let r = on_days("Europe/Berlin", Frequency::Daily, "weekdays");
    let seen = walk(&r, date(2026, 3, 27), 10);
    let dates: Vec<NaiveDate> = seen.iter().map(|s| s.0).collect();
    assert_eq!(
        dates,
        [27, 30, 31]
            .map(|d| date(2026, 3, d))
            .into_iter()
            .chain([1, 2, 3, 6, 7, 8, 9].map(|d| date(2026, 4, d)))
            .collect::<Vec<_>>()
    );
    assert!(seen.iter().all(|s| (s.1, s.2) == (19, 0)), "{seen:?}");
}

#[test]
fn weekend_check_ins_keep_their_time_across_new_yorks_fall_back() {
    // 2026-11-01 (a Sunday) is the change in New York.
    let r = on_days("America/New_York", Frequency::Daily, "weekends");
    let seen = walk(&r, date(2026, 10, 31), 4);
    assert_eq!(
        seen.iter().map(|s| s.0).collect::<Vec<_>>(),
        [
            date(2026, 10, 31),
            date(2026, 11, 1),
            date(2026, 11, 7),
            date(2026, 11, 8)
        ]
    );
    assert!(seen.iter().all(|s| (s.1, s.2) == (19, 0)), "{seen:?}");
    // The Sunday of the change is 25 hours long: still one slot, at 19:00 EST.
    assert_eq!(r.slot(date(2026, 11, 1)).at, utc(2026, 11, 2, 0, 0));
}

#[test]
fn every_frequency_keeps_its_gap_and_only_the_chosen_days_across_dst() {
    for (frequency, gap) in [
        (Frequency::Daily, 1),
        (Frequency::EveryTwoDays, 2),
        (Frequency::Weekly, 7),
    ] {
        for days in ["weekdays", "weekends", "mon,wed,fri", "sun", "every_day"] {
            for zone in [
                "America/New_York",
                "Europe/Berlin",
                "Australia/Lord_Howe",
                "Asia/Kolkata",
            ] {
                let r = on_days(zone, frequency, days);
                let allowed = Days::parse(days).expect("valid");
                let start = r.first_on_or_after(date(2026, 3, 1)).date;
                let seen = walk(&r, start, 40);
                for pair in seen.windows(2) {
                    let between = (pair[1].0 - pair[0].0).num_days();
                    assert!(
                        between >= gap && between < gap + 7,
                        "{zone} {frequency} {days}: {} then {}",
                        pair[0].0,
                        pair[1].0
                    );
                    // No chosen day is skipped beyond the gap.
                    for skipped in 1..between {
                        let day = pair[0].0 + Duration::days(skipped);
                        assert!(
                            skipped < gap || !allowed.allows(day),
                            "{zone} {frequency} {days}: {day} was passed over"
                        );
                    }
                }
                for (day, hour, minute) in &seen {
                    assert!(allowed.allows(*day), "{zone} {frequency} {days}: {day}");
                    assert_eq!((*hour, *minute), (19, 0), "{zone} {frequency} {days}");
                }
            }
        }
    }
}

#[test]
fn the_first_slot_waits_for_the_first_chosen_day() {
    let r = on_days("Europe/Berlin", Frequency::Daily, "weekdays");
    // Saturday 6 June 2026, morning: the first check-in is Monday's.
    assert_eq!(r.first_after(utc(2026, 6, 6, 8, 0)).date, date(2026, 6, 8));
    // Friday after 19:00 CEST: Monday too.
    assert_eq!(
        r.first_after(utc(2026, 6, 5, 17, 30)).date,
        date(2026, 6, 8)
    );
    // Friday before it: that evening.
    assert_eq!(r.first_after(utc(2026, 6, 5, 16, 0)).date, date(2026, 6, 5));
}

#[test]
fn downtime_over_a_weekend_sends_the_latest_chosen_day_only() {
    let r = on_days("UTC", Frequency::Daily, "weekdays");
    // Due Friday 5 June 19:00; the bot is back Monday 8 June 20:00.
    let due = r.slot(date(2026, 6, 5));
    let result = catch_up(&r, due, utc(2026, 6, 8, 20, 0), Duration::hours(12));
    assert_eq!(result.send.map(|s| s.date), Some(date(2026, 6, 8)));
    assert_eq!(
        result.missed.iter().map(|s| s.date).collect::<Vec<_>>(),
        [date(2026, 6, 5)]
    );
    assert_eq!(result.next.date, date(2026, 6, 9));
}

#[test]
fn nothing_planned_now_lies_beyond_the_horizon() {
    let policy = Policy {
        quiet_start: hm(22, 0),
        quiet_end: hm(8, 0),
        encouragement_every_days: 3,
    };
    let horizon = horizon(&policy);
    let now = utc(2026, 3, 28, 23, 59);
    for zone in [
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
        "Europe/Berlin",
        "Asia/Kolkata",
    ] {
        for (frequency, days) in [Frequency::Daily, Frequency::EveryTwoDays, Frequency::Weekly]
            .into_iter()
            .flat_map(|f| ["every_day", "sun", "mon,thu", "weekends"].map(|d| (f, d)))
        {
            let rhythm = Rhythm {
                days: Days::parse(days).expect("valid days"),
                ..rhythm(zone, 23, 59, frequency)
            };
            let first = rhythm.first_after(now);
            // A slot that has just come is followed by the next one by the frequency, on
            // one of the member's days (weekly on Sundays only: up to 13 days on).
            let next = rhythm.following(first.date);
            assert!(next.at - first.at < horizon, "{zone} {frequency:?} {days}");
            assert!(first.at - now < horizon, "{zone} {frequency:?} {days}");
            let encouragement =
                next_encouragement(rhythm.tz, now, 3, policy.quiet_start, policy.quiet_end);
            assert!(encouragement - now < horizon, "{zone}");
        }
    }
}
