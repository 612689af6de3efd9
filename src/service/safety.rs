//! The safety net: deciding the crisis reply, independently of the database.
//!
//! Detection is pure and runs on the text in hand, before anything is stored. What the reply
//! needs beyond that (the member's country, whose support team they may ask) is read with a
//! short deadline: a locked or failing database makes the reply less personal (international
//! lines, no support button), never later. Which members had a full reply recently, and
//! which replies could not be delivered, is kept in memory for the same reason.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::content::Content;
use crate::domain::crisis::reply::{self, CrisisReply, Form};
use crate::domain::crisis::{Detection, Level};
use crate::domain::member::MemberId;
use crate::store::{CrisisContext, Store};

/// How long the reply may wait for the member's country before going out without it.
pub const CONTEXT_DEADLINE: Duration = Duration::from_millis(300);
/// A member may ask the support team to reach out once in this long.
const ASK_EVERY: chrono::Duration = chrono::Duration::hours(1);

#[derive(Debug, Default)]
struct Memory {
    /// When each member last had a full reply, and how urgent it was.
    last_full: HashMap<MemberId, (DateTime<Utc>, Level)>,
    /// Replies that could not be delivered by DM: given on the member's next interaction.
    undelivered: HashMap<MemberId, CrisisReply>,
    /// When each member last asked a server's support team to reach out.
    asked: HashMap<(MemberId, u64), DateTime<Utc>>,
}

/// The safety net's memory; one per running bot.
#[derive(Debug, Default)]
pub struct SafetyNet {
    memory: Mutex<Memory>,
}

/// Entries older than this are forgotten when memory is tidied.
const FORGET_AFTER: chrono::Duration = chrono::Duration::hours(2);
const TIDY_ABOVE: usize = 10_000;

impl SafetyNet {
    pub fn new() -> SafetyNet {
        SafetyNet::default()
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `text` calls for a crisis reply, and in which form. A full reply is remembered
    /// so the next few get the short one. No database, no await: this cannot be delayed.
    pub fn assess(
        &self,
        content: &Content,
        member: MemberId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Option<(Detection, Form)> {
        let detection = content.detect_crisis(text)?;
        let mut memory = self.memory();
        let form = reply::form(memory.last_full.get(&member).copied(), detection.level, now);
        if form == Form::Full {
            if memory.last_full.len() > TIDY_ABOVE {
                memory
                    .last_full
                    .retain(|_, (at, _)| now - *at < FORGET_AFTER);
            }
            memory.last_full.insert(member, (now, detection.level));
        }
        Some((detection, form))
    }

    /// The reply for a detection: with the member's country and support team when the
    /// database answers within [`CONTEXT_DEADLINE`], without them otherwise.
    pub async fn reply(
        &self,
        store: &Store,
        member: MemberId,
        guild: Option<u64>,
        detection: Detection,
        form: Form,
    ) -> CrisisReply {
        let context =
            match tokio::time::timeout(CONTEXT_DEADLINE, store.crisis_context(member, guild)).await
            {
                Ok(Ok(context)) => context,
                Ok(Err(error)) => {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "crisis reply without the member's country: database error"
                    );
                    CrisisContext::default()
                }
                Err(_) => {
                    tracing::warn!("crisis reply without the member's country: database too slow");
                    CrisisContext::default()
                }
            };
        CrisisReply {
            level: detection.level,
            form,
            region: context.region,
            support_guild: context.support_guild,
        }
    }

    /// The support lines on their own for the member ("Show me support lines"), with their
    /// country when the database answers in time.
    pub async fn region(&self, store: &Store, member: MemberId) -> Option<String> {
        match tokio::time::timeout(CONTEXT_DEADLINE, store.crisis_context(member, None)).await {
            Ok(Ok(context)) => context.region,
            _ => None,
        }
    }

    /// A crisis reply could not be delivered by DM: keep it for the member's next
    /// interaction, which can always answer them.
    pub fn undelivered(&self, member: MemberId, reply: CrisisReply) {
        let mut memory = self.memory();
        let reply = CrisisReply {
            form: Form::Full,
            ..reply
        };
        memory.undelivered.insert(member, reply);
    }

    /// The undelivered crisis reply for `member`, once.
    pub fn take_undelivered(&self, member: MemberId) -> Option<CrisisReply> {
        let mut memory = self.memory();
        if memory.undelivered.is_empty() {
            return None;
        }
        memory.undelivered.remove(&member)
    }

    /// Whether `member` may ask `guild`'s support team now (once an hour); records the ask.
    pub fn may_ask(&self, member: MemberId, guild: u64, now: DateTime<Utc>) -> bool {
        let mut memory = self.memory();
        match memory.asked.get(&(member, guild)) {
            Some(at) if now - *at < ASK_EVERY && now >= *at => false,
            _ => {
                if memory.asked.len() > TIDY_ABOVE {
                    memory.asked.retain(|_, at| now - *at < ASK_EVERY);
                }
                memory.asked.insert((member, guild), now);
                true
            }
        }
    }

    /// The ask did not reach the team: let the member try again.
    pub fn ask_failed(&self, member: MemberId, guild: u64) {
        self.memory().asked.remove(&(member, guild));
    }
}
