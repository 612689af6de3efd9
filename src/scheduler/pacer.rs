//! Pacing: at most N scheduled messages a second, so interactive replies keep room under
//! Discord's global limit of 50 requests a second.
//!
//! A simple schedule of send slots, one every `1/N` seconds: each sender takes the next slot
//! and waits for it. A global 429 pushes every future slot back by its `retry_after`.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn new(per_second: u32) -> Pacer {
        let interval = Duration::from_secs(1) / per_second.max(1);
        Pacer {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this sender's slot.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            // Unused time is not banked: after a quiet period the rate stays at N, no burst.
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Holds every sender back for `delay` (a global rate limit).
    pub async fn hold(&self, delay: Duration) {
        let mut next = self.next.lock().await;
        *next = (*next).max(Instant::now() + delay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_by_the_rate() {
        let pacer = Pacer::new(40);
        let start = Instant::now();
        for _ in 0..41 {
            pacer.wait().await;
        }
        // 41 slots: the first at once, then 40 more at 25 ms each.
        assert_eq!(Instant::now() - start, Duration::from_millis(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_pushes_the_next_slot_back() {
        let pacer = Pacer::new(10);
        pacer.wait().await;
        let start = Instant::now();
        pacer.hold(Duration::from_secs(2)).await;
        pacer.wait().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn idle_time_is_not_banked_into_a_burst() {
        let pacer = Pacer::new(10);
        tokio::time::advance(Duration::from_secs(5)).await;
        let start = Instant::now();
        for _ in 0..3 {
            pacer.wait().await;
        }
        assert_eq!(Instant::now() - start, Duration::from_millis(200));
    }
}
