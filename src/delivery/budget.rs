//! The budget for ordinary replies: per member and in all, so no input can make the bot
//! exceed Discord's limits. Token buckets on tokio's clock (tests pause and advance it).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::domain::member::MemberId;

/// A token bucket: up to `capacity` at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(capacity: f64, now: Instant) -> Bucket {
        Bucket {
            tokens: capacity,
            at: now,
        }
    }

    fn refill(&mut self, capacity: f64, per_second: f64, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * per_second).min(capacity);
        self.at = now;
    }
}

#[derive(Debug)]
struct State {
    global: Bucket,
    members: HashMap<MemberId, Bucket>,
}

/// Ordinary replies: `per_second` in all, and per member a burst of `member_burst` then one
/// every `member_every`. Shed (not queued) when over.
#[derive(Debug)]
pub struct ReplyBudget {
    per_second: f64,
    member_burst: f64,
    member_every: Duration,
    state: Mutex<State>,
}

/// Members remembered at most; beyond this, full buckets are forgotten (they would refill
/// anyway), so a flood from many accounts cannot grow memory without bound.
const REMEMBERED: usize = 10_000;

impl ReplyBudget {
    pub fn new(per_second: u32, member_burst: u32, member_every: Duration) -> ReplyBudget {
        let per_second = f64::from(per_second.max(1));
        ReplyBudget {
            per_second,
            member_burst: f64::from(member_burst.max(1)),
            member_every,
            state: Mutex::new(State {
                global: Bucket::full(per_second, Instant::now()),
                members: HashMap::new(),
            }),
        }
    }

    /// Takes a reply's token for `member` now, or says no (shed the reply).
    pub fn try_take(&self, member: MemberId) -> bool {
        let now = Instant::now();
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let member_rate = 1.0 / self.member_every.as_secs_f64().max(0.001);
        let burst = self.member_burst;
        if state.members.len() >= REMEMBERED && !state.members.contains_key(&member) {
            state.members.retain(|_, bucket| {
                bucket.refill(burst, member_rate, now);
                bucket.tokens < burst
            });
        }
        state.global.refill(self.per_second, self.per_second, now);
        let personal = state
            .members
            .entry(member)
            .or_insert_with(|| Bucket::full(burst, now));
        personal.refill(burst, member_rate, now);
        if personal.tokens < 1.0 {
            return false;
        }
        if state.global.tokens < 1.0 {
            return false;
        }
        state.global.tokens -= 1.0;
        if let Some(personal) = state.members.get_mut(&member) {
            personal.tokens -= 1.0;
        }
        true
    }

    /// How many members are remembered (for tests of the memory bound).
    pub fn remembered(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .members
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> ReplyBudget {
        ReplyBudget::new(5, 3, Duration::from_secs(10))
    }

    #[tokio::test(start_paused = true)]
    async fn one_member_gets_a_burst_then_one_reply_every_ten_seconds() {
        let budget = budget();
        let alice = MemberId::new(1);
        assert!((0..3).all(|_| budget.try_take(alice)));
        assert!(!budget.try_take(alice), "the fourth reply at once is shed");
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(budget.try_take(alice));
        assert!(!budget.try_take(alice));
    }

    #[tokio::test(start_paused = true)]
    async fn many_members_at_once_get_at_most_the_global_rate() {
        let budget = budget();
        let granted = (0..200)
            .filter(|id| budget.try_take(MemberId::new(*id)))
            .count();
        assert_eq!(granted, 5);
        tokio::time::advance(Duration::from_secs(1)).await;
        let granted = (200..400)
            .filter(|id| budget.try_take(MemberId::new(*id)))
            .count();
        assert_eq!(granted, 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_of_accounts_does_not_grow_memory_without_bound() {
        let budget = ReplyBudget::new(1_000_000, 3, Duration::from_millis(1));
        for id in 0..(REMEMBERED as u64 * 3) {
            budget.try_take(MemberId::new(id));
            tokio::time::advance(Duration::from_micros(10)).await;
        }
        assert!(
            budget.remembered() <= REMEMBERED + 1,
            "{}",
            budget.remembered()
        );
    }
}
