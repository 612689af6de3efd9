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

/// Discord's global limit, shared by every lane: at most `limit` requests in any second.
/// Lanes that can wait take a slot in turn; a lane that would rather not send takes one only
/// when it leaves `reserve` free. Crisis replies reserve nothing and wait for nothing but the
/// limit itself, so they go first and never cause a global 429.
#[derive(Debug)]
pub struct GlobalBudget {
    limit: usize,
    sent: Mutex<std::collections::VecDeque<Instant>>,
}

/// A little over a second: requests counted when they leave may arrive closer together, so
/// the window Discord counts in never sees more than the limit.
const WINDOW: Duration = Duration::from_millis(1050);

impl GlobalBudget {
    pub fn new(limit: u32) -> GlobalBudget {
        GlobalBudget {
            limit: usize::try_from(limit.max(1)).unwrap_or(1),
            sent: Mutex::new(std::collections::VecDeque::new()),
        }
    }

    /// Takes a slot now if fewer than `limit - reserve` were taken in the last second.
    pub fn try_take(&self, reserve: usize) -> bool {
        self.take_or_wait(reserve).is_none()
    }

    /// Waits for a slot that leaves `reserve` free.
    pub async fn take(&self, reserve: usize) {
        while let Some(wait) = self.take_or_wait(reserve) {
            tokio::time::sleep(wait).await;
        }
    }

    /// Takes a slot (`None`), or says how long until one may be free.
    fn take_or_wait(&self, reserve: usize) -> Option<Duration> {
        let now = Instant::now();
        let mut sent = self
            .sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while sent
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= WINDOW)
        {
            sent.pop_front();
        }
        if sent.len() + reserve < self.limit {
            sent.push_back(now);
            return None;
        }
        let oldest = sent.front().copied().unwrap_or(now);
        Some(
            (oldest + WINDOW)
                .saturating_duration_since(now)
                .max(Duration::from_millis(1)),
        )
    }
}

#[cfg(test)]
mod global_tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_reserve_stays_free_for_the_lanes_that_need_it() {
        let budget = GlobalBudget::new(10);
        let ordinary = (0..20).filter(|_| budget.try_take(3)).count();
        assert_eq!(ordinary, 7, "ordinary traffic leaves three of ten free");
        let urgent = (0..20).filter(|_| budget.try_take(0)).count();
        assert_eq!(urgent, 3, "urgent traffic gets the reserve");
        tokio::time::advance(WINDOW).await;
        assert!(budget.try_take(3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_sender_goes_when_a_slot_frees_and_the_limit_holds() {
        let budget = GlobalBudget::new(5);
        let start = Instant::now();
        for _ in 0..12 {
            budget.take(0).await;
        }
        // 12 sends, 5 a window: the last two windows in.
        assert_eq!(Instant::now() - start, WINDOW * 2);
    }
}
