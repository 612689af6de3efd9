//! Schedule arithmetic: when the next check-in, encouragement or public post is due.
//!
//! Slots are local calendar dates at a local time in the member's IANA timezone, so each
//! local day has exactly one slot whatever DST does: a local time that does not exist (spring
//! forward) moves to the next valid instant, an ambiguous one (fall back) takes the earlier.
//! Pure: the current instant is always an argument.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::days::Days;
use super::member::MemberSettings;
use super::program::Event;
use super::timing::{Frequency, LocalTime};

/// The instant of local `date` at `time` in `tz`.
pub fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let wanted = date.and_time(time);
    match tz.from_local_datetime(&wanted) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(first, second) => first.min(second).with_timezone(&Utc),
        LocalResult::None => {
            // Inside a gap: the first local minute after it is the next valid instant. Gaps
            // are whole minutes long and at most a few hours.
            (1..=24 * 60)
                .find_map(|minutes| {
                    match tz.from_local_datetime(&(wanted + Duration::minutes(minutes))) {
                        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
                        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
                        LocalResult::None => None,
                    }
                })
                .unwrap_or_else(|| Utc.from_utc_datetime(&wanted))
        }
    }
}

/// The local date at `at` in `tz`.
pub fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// When and how often: one member's check-in rhythm.
///
/// `days` narrows the frequency: a slot falls only on one of those days of the week, and the
/// frequency is the least gap between two slots. Daily on weekdays is Monday to Friday;
/// every two days on weekdays is Monday, Wednesday, Friday, then Monday again; weekly on
/// `mon,thu` is the first of those days a week after the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rhythm {
    pub tz: Tz,
    pub time: LocalTime,
    pub frequency: Frequency,
    pub days: Days,
}

/// A slot: a local date and the instant it falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub at: DateTime<Utc>,
}

impl Rhythm {
    pub fn slot(&self, date: NaiveDate) -> Slot {
        Slot {
            date,
            at: local_instant(self.tz, date, self.time.as_naive()),
        }
    }

    /// The first slot strictly after `now` on one of the member's days, starting from
    /// today's local date: what a new member (or a changed setting) gets.
    pub fn first_after(&self, now: DateTime<Utc>) -> Slot {
        let today = local_date(self.tz, now);
        let slot = self.first_on_or_after(today);
        if slot.at > now {
            slot
        } else {
            self.first_on_or_after(slot.date + Duration::days(1))
        }
    }

    /// The slot on `date` or the first of the member's days after it.
    pub fn first_on_or_after(&self, date: NaiveDate) -> Slot {
        self.slot(self.days.first_on_or_after(date))
    }

    /// The slot after `previous`: the frequency's gap, then the first of the member's days.
    pub fn following(&self, previous: NaiveDate) -> Slot {
        self.first_on_or_after(previous + Duration::days(i64::from(self.frequency.days())))
    }
}

/// What to do with a member whose next slot has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catchup {
    /// The one slot to send now, if it is recent enough.
    pub send: Option<Slot>,
    /// Slots that passed while nobody could send them: recorded as missed, never sent.
    pub missed: Vec<Slot>,
    /// The next slot, strictly after `now`.
    pub next: Slot,
}

/// The most slots of one member recorded as missed in one go (a very long downtime).
pub const MAX_MISSED: usize = 31;

/// Given the member's due slot (`due.at <= now`), sends at most the latest due slot, and
/// only if it is younger than `stale_after`; every earlier one is missed. Never a burst.
pub fn catch_up(rhythm: &Rhythm, due: Slot, now: DateTime<Utc>, stale_after: Duration) -> Catchup {
    let mut passed = vec![due];
    let mut next = rhythm.following(due.date);
    while next.at <= now {
        passed.push(next);
        next = rhythm.following(next.date);
    }
    let latest = passed.pop().unwrap_or(due);
    let send = (now - latest.at < stale_after).then_some(latest);
    if send.is_none() {
        passed.push(latest);
    }
    let skip = passed.len().saturating_sub(MAX_MISSED);
    Catchup {
        send,
        missed: passed.into_iter().skip(skip).collect(),
        next,
    }
}

/// Whether `time` lies in the quiet window `start..end` (which may cross midnight).
pub fn is_quiet(time: NaiveTime, start: NaiveTime, end: NaiveTime) -> bool {
    if start <= end {
        start <= time && time < end
    } else {
        time >= start || time < end
    }
}

/// `at`, or the end of the quiet window if `at` falls inside it (local to `tz`).
pub fn outside_quiet_hours(
    tz: Tz,
    at: DateTime<Utc>,
    start: NaiveTime,
    end: NaiveTime,
) -> DateTime<Utc> {
    let local = at.with_timezone(&tz);
    if !is_quiet(local.time(), start, end) {
        return at;
    }
    let date = local.date_naive();
    let end_date = if local.time() >= end {
        date + Duration::days(1)
    } else {
        date
    };
    local_instant(tz, end_date, end)
}

/// When to send a member's next private encouragement: `every_days` after the last (or
/// from now), at local noon, moved out of quiet hours if noon falls inside them.
pub fn next_encouragement(
    tz: Tz,
    from: DateTime<Utc>,
    every_days: u32,
    quiet_start: NaiveTime,
    quiet_end: NaiveTime,
) -> DateTime<Utc> {
    let date = local_date(tz, from) + Duration::days(i64::from(every_days));
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN);
    outside_quiet_hours(tz, local_instant(tz, date, noon), quiet_start, quiet_end)
}

/// The rules that shape every member's schedule (from the settings file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub quiet_start: NaiveTime,
    pub quiet_end: NaiveTime,
    pub encouragement_every_days: u32,
}

/// A member's next check-in and encouragement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub checkin: Slot,
    pub encouragement_at: Option<DateTime<Utc>>,
}

/// What a change to the program does to the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleChange {
    Keep,
    /// Nothing more is sent (paused, finished, unreachable).
    Clear,
    Set(Plan),
}

/// The furthest ahead a schedule planned now can lie: a weekly check-in that must then wait
/// up to six more days for one of the member's days, or an encouragement every
/// `encouragement_every_days`, and two days more for time zones, DST and quiet hours. A due
/// instant beyond it was planned by a clock that ran ahead and has since been set back: it
/// is planned again from now rather than waited for.
pub fn horizon(policy: &Policy) -> Duration {
    let longest = (Frequency::Weekly.days() + 6).max(policy.encouragement_every_days);
    Duration::days(i64::from(longest) + 2)
}

/// A fresh schedule from `now` for a member with these settings.
pub fn plan(settings: &MemberSettings, now: DateTime<Utc>, policy: &Policy) -> Plan {
    let rhythm = settings.rhythm();
    let encouragement_at = settings.encouragement.then(|| {
        next_encouragement(
            rhythm.tz,
            now,
            policy.encouragement_every_days,
            policy.quiet_start,
            policy.quiet_end,
        )
    });
    Plan {
        checkin: rhythm.first_after(now),
        encouragement_at,
    }
}

/// What happens to the schedule when the program records `event`.
pub fn change_for(
    event: Event,
    settings: &MemberSettings,
    now: DateTime<Utc>,
    policy: &Policy,
) -> ScheduleChange {
    match event {
        Event::Enrolled | Event::Restarted | Event::Resumed => {
            ScheduleChange::Set(plan(settings, now, policy))
        }
        Event::Paused | Event::Finished(_) => ScheduleChange::Clear,
        Event::Advanced { .. } | Event::Unchanged => ScheduleChange::Keep,
    }
}

/// What becomes of an open, unanswered check-in that is old enough for its reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderFate {
    /// Queue its one gentle reminder.
    Send,
    /// Never remind: nothing is scheduled for the member, or the check-in never arrived.
    Never,
    /// Its own message is still waiting to be delivered: look again later.
    Later,
}

/// The reminder rule: only a delivered check-in of a member whose schedule runs is
/// reminded, once; a check-in that never arrived is never reminded.
pub fn reminder_fate(schedule_running: bool, delivered: bool, failed: bool) -> ReminderFate {
    if schedule_running && delivered {
        ReminderFate::Send
    } else if !schedule_running || failed {
        ReminderFate::Never
    } else {
        ReminderFate::Later
    }
}

#[cfg(test)]
mod tests;
