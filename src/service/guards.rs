//! One lock per member, held while something is sent to them, while their data is erased,
//! while their schedule is paused and while their settings change: a DM that has begun
//! finishes before the erasure (or the pause) commits, and none begins after (each send
//! checks, under the lock, that the member still exists and, for a scheduled message, that
//! their schedule still runs); a pause until a date and a new timezone take turns.
//!
//! Beside the locks, and read only under them: when a member's last welcome or step
//! introduction could not be sent (Discord failed, not closed DMs), so a press repeating it
//! a moment later answers the same instead of "sent".
//!
//! In memory and per process: Rekindle runs as one process per database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::domain::ids::MemberId;

/// The members' locks. Entries exist only while someone holds or waits for one.
#[derive(Debug, Default)]
pub struct Guards {
    locks: Mutex<HashMap<MemberId, Arc<AsyncMutex<()>>>>,
    /// When a DM sent under a member's lock last failed; only members whose last such DM
    /// failed within the window they were noted with, so it stays small.
    unsent: Mutex<HashMap<MemberId, DateTime<Utc>>>,
}

/// A held member lock; released (and forgotten when unused) on drop.
pub struct Held<'a> {
    guards: &'a Guards,
    member: MemberId,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Guards {
    pub fn new() -> Guards {
        Guards::default()
    }

    /// Waits for `member`'s lock.
    pub async fn lock(&self, member: MemberId) -> Held<'_> {
        let lock = {
            let mut locks = self
                .locks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            locks.entry(member).or_default().clone()
        };
        let guard = lock.lock_owned().await;
        Held {
            guards: self,
            member,
            guard: Some(guard),
        }
    }

    /// How many members have a lock entry (for the test of the memory bound).
    pub fn len(&self) -> usize {
        self.locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many hold or wait for `member`'s lock (for tests that line up a race).
    #[cfg(test)]
    pub fn holders_and_waiters(&self, member: MemberId) -> usize {
        self.locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&member)
            .map_or(0, |lock| Arc::strong_count(lock) - 1)
    }
}

impl Held<'_> {
    /// The DM this holder sent could not go, at `at`; entries older than `window` are dropped.
    pub fn note_unsent(&self, at: DateTime<Utc>, window: Duration) {
        let mut unsent = self.unsent();
        unsent.retain(|_, when| at - *when < window);
        unsent.insert(self.member, at);
    }

    /// The DM this holder sent went (or DMs are closed, which is known otherwise).
    pub fn clear_unsent(&self) {
        self.unsent().remove(&self.member);
    }

    /// Whether a DM sent under this lock failed within `window` before `now`.
    pub fn unsent_within(&self, now: DateTime<Utc>, window: Duration) -> bool {
        self.unsent()
            .get(&self.member)
            .is_some_and(|when| now - *when < window && *when <= now)
    }

    fn unsent(&self) -> std::sync::MutexGuard<'_, HashMap<MemberId, DateTime<Utc>>> {
        self.guards
            .unsent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut locks = self
            .guards
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Only the map holds it now: nobody holds or waits for this lock.
        if locks
            .get(&self.member)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            locks.remove(&self.member);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_holder_waits_and_unused_locks_are_forgotten() {
        let guards = Arc::new(Guards::new());
        let member = MemberId::new(5);
        let held = guards.lock(member).await;
        let waiting = {
            let guards = guards.clone();
            tokio::spawn(async move {
                let _held = guards.lock(member).await;
            })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "the second holder waits");
        drop(held);
        waiting.await.expect("the second holder gets the lock");
        assert!(guards.is_empty(), "no lock is kept for nobody");
    }
}
