//! Nonces for the messages that are not scheduled (crisis replies, answers to DMs, DMs a
//! member asked for, exports, notes to a support team): one per message, the same on every
//! retry of it.
//!
//! A request that times out (or gets a 5xx) may still have created its message: Discord
//! acted, only its answer was lost. Sent again without a nonce, that is a second message: a
//! second crisis reply to someone in distress, a second check-in, a second export. With the
//! same nonce and `enforce_nonce`, Discord returns the message it already created instead.
//! Scheduled messages carry their own deterministic nonces (`scheduler::nonce`, starting
//! with `c`, `r`, `e` or `p`); these start with `i`, so the two never meet.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Counts the nonces handed out by this process.
static NEXT: AtomicU64 = AtomicU64::new(0);
/// Where this process starts counting: random, so a restart does not reuse a nonce that
/// Discord still remembers for a channel.
static SEED: OnceLock<u64> = OnceLock::new();

/// A nonce for one message that is not scheduled: unique, at most 17 characters.
pub fn one_off() -> String {
    let seed = *SEED.get_or_init(|| {
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    });
    let n = seed.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed));
    format!("i{n:x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_off_nonces_are_distinct_short_and_never_look_scheduled() {
        let nonces: std::collections::HashSet<String> = (0..1000).map(|_| one_off()).collect();
        assert_eq!(nonces.len(), 1000);
        for nonce in &nonces {
            assert!(nonce.len() <= 25, "{nonce}");
            assert!(nonce.starts_with('i'), "{nonce}");
        }
    }
}
