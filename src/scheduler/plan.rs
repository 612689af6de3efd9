//! Turning what is due into outbox rows.
//!
//! Each planner reads due rows through a partial index, decides with the pure schedule
//! arithmetic, and commits its rows and the moved-on schedule in one transaction per batch.
//! A crash mid-way leaves each member either fully planned or not planned at all.

use chrono::{DateTime, Duration, Utc};

use super::nonce::{day_number, nonce, Kind};
use super::Scheduler;
use crate::domain::checkin::next_prompt;
use crate::domain::schedule::{self, catch_up, reminder_fate, ReminderFate, Rhythm};
use crate::store::{PlannedCheckin, PlannedEncouragement};

impl Scheduler {
    /// Plans everything due at `now` without sending; returns how many messages were
    /// queued. `run_due` calls it first; benchmarks call it alone to time the two phases.
    pub async fn plan(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        self.plan_again_after_clock_set_back(now).await?;
        let mut queued = self.plan_resumes(now).await?;
        queued += self.plan_checkins(now).await?;
        queued += self.plan_reminders(now).await?;
        queued += self.plan_encouragements(now).await?;
        queued += self.plan_public_posts(now).await?;
        self.purge(now).await?;
        Ok(queued)
    }

    /// Pauses whose end has come: the program runs again from now, and a short welcome back
    /// is queued (to a member DMs reach; one whose DMs are closed is resumed quietly and
    /// planned again when they open them).
    async fn plan_resumes(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let policy = self.services.settings.policy();
        let mut queued = 0;
        loop {
            let due = self
                .services
                .store
                .due_resumes(now, self.tuning.batch)
                .await?;
            if due.is_empty() {
                return Ok(queued);
            }
            for member in &due {
                let plan = member
                    .reachable
                    .then(|| schedule::plan(&member.settings, now, &policy));
                let nonce = member.reachable.then(|| {
                    nonce(
                        Kind::Resumed,
                        member.member.get(),
                        day_number(member.end.date),
                    )
                });
                let resumed = self
                    .services
                    .store
                    .resume_after_pause(member, plan, nonce.as_deref(), now)
                    .await?;
                if resumed && nonce.is_some() {
                    queued += 1;
                }
            }
            if due.len() < self.tuning.batch as usize {
                return Ok(queued);
            }
        }
    }

    /// Schedules further ahead than any rhythm reaches were planned while the clock ran
    /// ahead; now that it was set back, they are planned again from `now`, or members
    /// (and servers) would hear nothing until the wrong date came round. Normally a couple
    /// of index reads that find nothing.
    async fn plan_again_after_clock_set_back(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let policy = self.services.settings.policy();
        let beyond = now + schedule::horizon(&policy);
        let mut moved = 0;
        loop {
            let batch = self
                .services
                .store
                .replan_beyond(beyond, self.tuning.batch, |settings| {
                    schedule::plan(settings, now, &policy)
                })
                .await?;
            moved += batch;
            if batch == 0 {
                break;
            }
        }
        for mut post in self.services.store.public_posts_beyond(beyond).await? {
            let rhythm = Rhythm {
                tz: post.timezone.tz(),
                time: post.time,
                frequency: crate::domain::timing::Frequency::Daily,
                days: crate::domain::days::Days::EVERY_DAY,
            };
            post.next = Some(rhythm.first_after(now));
            self.services.store.save_public_post(&post).await?;
            moved += 1;
        }
        if moved > 0 {
            tracing::warn!(
                moved,
                "schedules lay further ahead than any rhythm: the clock was set back; planned again from now"
            );
        }
        Ok(())
    }

    async fn plan_checkins(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let content = self.services.content.get();
        let mut queued = 0;
        loop {
            let due = self
                .services
                .store
                .due_checkins(now, self.tuning.batch)
                .await?;
            if due.is_empty() {
                return Ok(queued);
            }
            let planned: Vec<PlannedCheckin> = due
                .iter()
                .map(|member| {
                    let rhythm = member.settings.rhythm();
                    let result = catch_up(&rhythm, member.slot, now, self.stale_after());
                    PlannedCheckin {
                        member: member.member,
                        step: member.step,
                        due: member.slot,
                        send: result.send.map(|slot| {
                            (
                                slot,
                                nonce(Kind::Checkin, member.member.get(), day_number(slot.date)),
                            )
                        }),
                        missed: result.missed,
                        next: result.next,
                    }
                })
                .collect();
            let prompts = |step: crate::domain::program::StepNumber| {
                content.step(step.get()).map_or(0, |s| s.prompts.len())
            };
            queued += self
                .services
                .store
                .plan_checkins(&planned, now, prompts)
                .await?;
        }
    }

    async fn plan_reminders(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let cutoff = now
            - Duration::hours(i64::from(
                self.services.settings.schedule.reminder_after_hours,
            ));
        let mut queued = 0;
        loop {
            let candidates = self
                .services
                .store
                .reminder_candidates(cutoff, self.tuning.batch)
                .await?;
            let mut send = Vec::new();
            let mut settle = Vec::new();
            for candidate in &candidates {
                match reminder_fate(candidate.active, candidate.delivered, candidate.failed) {
                    ReminderFate::Send => send.push((
                        *candidate,
                        nonce(
                            Kind::Reminder,
                            candidate.member.get(),
                            candidate.checkin.get().unsigned_abs(),
                        ),
                    )),
                    ReminderFate::Never => settle.push(candidate.checkin),
                    ReminderFate::Later => {}
                }
            }
            if send.is_empty() && settle.is_empty() {
                return Ok(queued);
            }
            queued += send.len();
            self.services
                .store
                .plan_reminders(&send, &settle, now)
                .await?;
        }
    }

    async fn plan_encouragements(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let content = self.services.content.get();
        let policy = self.services.settings.policy();
        let every = self.services.settings.schedule.encouragement_every_days;
        let mut queued = 0;
        loop {
            let due = self
                .services
                .store
                .due_encouragements(now, self.tuning.batch)
                .await?;
            if due.is_empty() {
                return Ok(queued);
            }
            let planned: Vec<PlannedEncouragement> = due
                .iter()
                .map(|member| {
                    let tz = member.timezone.tz();
                    if !member.wanted {
                        return PlannedEncouragement {
                            member: member.member,
                            due_at: member.due_at,
                            send: None,
                            next_at: None,
                        };
                    }
                    let quiet_end = schedule::outside_quiet_hours(
                        tz,
                        now,
                        policy.quiet_start,
                        policy.quiet_end,
                    );
                    if quiet_end > now {
                        // Never inside quiet hours: wait for them to end.
                        return PlannedEncouragement {
                            member: member.member,
                            due_at: member.due_at,
                            send: None,
                            next_at: Some(quiet_end),
                        };
                    }
                    let next_at = Some(schedule::next_encouragement(
                        tz,
                        now,
                        every,
                        policy.quiet_start,
                        policy.quiet_end,
                    ));
                    let messages = content
                        .step(member.step.get())
                        .map_or(0, |s| s.encouragements.len());
                    if now - member.due_at >= self.stale_after() || messages == 0 {
                        return PlannedEncouragement {
                            member: member.member,
                            due_at: member.due_at,
                            send: None,
                            next_at,
                        };
                    }
                    let index = next_prompt(messages, member.last_index);
                    let slot = day_number(schedule::local_date(tz, now));
                    let nonce = nonce(Kind::Encouragement, member.member.get(), slot);
                    PlannedEncouragement {
                        member: member.member,
                        due_at: member.due_at,
                        send: Some((member.step, index, nonce)),
                        next_at,
                    }
                })
                .collect();
            queued += planned.iter().filter(|p| p.send.is_some()).count();
            self.services
                .store
                .plan_encouragements(&planned, now)
                .await?;
        }
    }

    async fn plan_public_posts(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let content = self.services.content.get();
        let messages = content.public_encouragements.len();
        let mut queued = 0;
        for post in self.services.store.due_public_posts(now).await? {
            let Some(due) = post.next else { continue };
            let rhythm = Rhythm {
                tz: post.timezone.tz(),
                time: post.time,
                frequency: crate::domain::timing::Frequency::Daily,
                days: crate::domain::days::Days::EVERY_DAY,
            };
            let result = catch_up(&rhythm, due, now, self.stale_after());
            // A server the bot no longer serves gets nothing (its slot still moves on).
            let served = self.services.settings.servers.allows(post.guild);
            let send = match result.send {
                Some(slot) if post.enabled && served && messages > 0 => Some((
                    post.channel,
                    post.next_index % messages,
                    nonce(Kind::Public, post.guild.get(), day_number(slot.date)),
                )),
                _ => None,
            };
            let next_index = if send.is_some() {
                (post.next_index + 1) % messages.max(1)
            } else {
                post.next_index
            };
            let will_send = send.is_some();
            let planned = self
                .services
                .store
                .plan_public_post(&post, send, result.next, next_index, now)
                .await?;
            // Not planned: an admin changed the post meanwhile, and their settings stand.
            queued += usize::from(planned && will_send);
        }
        Ok(queued)
    }

    /// Reflections and journal entries older than the retention period are deleted, and
    /// erased words left in the write-ahead log by an unfinished scrub leave it.
    async fn purge(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        self.services.store.scrub_if_owed().await?;
        // Once an hour is plenty, and keeps the idle run a few index reads.
        {
            let mut last = self
                .last_purge
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.is_some_and(|at| now - at < Duration::hours(1) && now >= at) {
                return Ok(());
            }
            *last = Some(now);
        }
        let cutoff = now
            - Duration::days(i64::from(
                self.services.settings.privacy.reflection_retention_days,
            ));
        let purged = self.services.store.purge_reflections_before(cutoff).await?;
        if purged > 0 {
            tracing::info!(purged, "old reflections deleted");
        }
        // Settled rows are kept a week for diagnosis (what failed and why, health counts);
        // the nonce de-duplication itself needs them only for minutes.
        let done = self
            .services
            .store
            .purge_outbox_before(now - Duration::days(OUTBOX_KEEP_DAYS))
            .await?;
        if done > 0 {
            tracing::debug!(done, "old outbox rows deleted");
        }
        Ok(())
    }
}

/// Days a sent or failed outbox row is kept (for diagnosis) before it is deleted.
const OUTBOX_KEEP_DAYS: i64 = 7;
