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
use crate::delivery::ReplyBudget;
use crate::domain::crisis::reply::{self, CrisisReply, Form};
use crate::domain::crisis::{Detection, Level};
use crate::domain::ids::GuildId;
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
    /// Replies that could not be delivered by DM, and when: given on the member's next
    /// interaction (within [`UNDELIVERED_FOR`]).
    undelivered: HashMap<MemberId, (CrisisReply, DateTime<Utc>)>,
    /// When each member last asked a server's support team to reach out.
    asked: HashMap<(MemberId, GuildId), DateTime<Utc>>,
}

/// The safety net's memory; one per running bot.
#[derive(Debug)]
pub struct SafetyNet {
    memory: Mutex<Memory>,
    bursts: ReplyBudget,
}

impl Default for SafetyNet {
    fn default() -> Self {
        SafetyNet {
            memory: Mutex::default(),
            bursts: ReplyBudget::new(u32::MAX, BURST, BURST_EVERY),
        }
    }
}

/// An undelivered crisis reply is given with the member's next interaction within this long.
const UNDELIVERED_FOR: chrono::Duration = chrono::Duration::hours(24);

/// Short crisis replies per member: a burst of 5, then one every 2 seconds. A script
/// sending crisis words by the hundred cannot hold up other members' replies; a person
/// writing several messages still gets a reply to each.
const BURST: u32 = 5;
const BURST_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

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
        if form == Form::Short && !self.bursts.try_take(member) {
            // A burst (or a script): the replies a moment ago already carry a line to call.
            return None;
        }
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

    /// Like [`Self::assess`], for a reflection written in a modal: a deliberate, private piece
    /// of writing always gets the full reply.
    pub fn assess_in_full(
        &self,
        content: &Content,
        member: MemberId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Option<(Detection, Form)> {
        let (detection, _) = self.assess(content, member, text, now)?;
        let mut memory = self.memory();
        memory.last_full.insert(member, (now, detection.level));
        Some((detection, Form::Full))
    }

    /// The reply for a detection: with the member's country and support team when the
    /// database answers within [`CONTEXT_DEADLINE`], without them otherwise.
    pub async fn reply(
        &self,
        store: &Store,
        member: MemberId,
        guild: Option<GuildId>,
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
            region: context.region.map(|country| country.code.to_owned()),
            support_guild: context.support_guild.map(GuildId::get),
        }
    }

    /// The support lines on their own for the member ("Show me support lines"), with their
    /// country when the database answers in time.
    pub async fn region(&self, store: &Store, member: MemberId) -> Option<String> {
        match tokio::time::timeout(CONTEXT_DEADLINE, store.crisis_context(member, None)).await {
            Ok(Ok(context)) => context.region.map(|country| country.code.to_owned()),
            _ => None,
        }
    }

    /// A crisis reply could not be delivered by DM: keep it for the member's next
    /// interaction, which can always answer them. The most urgent one is kept.
    pub fn undelivered(&self, member: MemberId, reply: CrisisReply, now: DateTime<Utc>) {
        let mut memory = self.memory();
        let reply = CrisisReply {
            form: Form::Full,
            ..reply
        };
        if memory.undelivered.len() > TIDY_ABOVE {
            memory
                .undelivered
                .retain(|_, (_, at)| now - *at < UNDELIVERED_FOR);
        }
        match memory.undelivered.get(&member) {
            Some((kept, at)) if kept.level > reply.level && now - *at < UNDELIVERED_FOR => {}
            _ => {
                memory.undelivered.insert(member, (reply, now));
            }
        }
    }

    /// The undelivered crisis reply for `member`, once (if it is recent enough to matter).
    pub fn take_undelivered(&self, member: MemberId, now: DateTime<Utc>) -> Option<CrisisReply> {
        let mut memory = self.memory();
        if memory.undelivered.is_empty() {
            return None;
        }
        memory
            .undelivered
            .remove(&member)
            .filter(|(_, at)| now - *at < UNDELIVERED_FOR)
            .map(|(reply, _)| reply)
    }

    /// Whether `member` may ask `guild`'s support team now (once an hour); records the ask.
    pub fn may_ask(&self, member: MemberId, guild: GuildId, now: DateTime<Utc>) -> bool {
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
    pub fn ask_failed(&self, member: MemberId, guild: GuildId) {
        self.memory().asked.remove(&(member, guild));
    }
}

/// What pressing "Ask the server's support team to reach out" led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// The team was told (the member's mention and that they asked; never their words).
    Posted,
    /// Already asked within the hour: not posted again.
    AlreadyAsked,
    /// No support team could be reached (none set, not the member's server, or the post
    /// failed).
    Unavailable,
}

/// The member pressed the button for `guild` (as the button says, which proves nothing)
/// while interacting from `here` (a server, or DMs). Only the server the safety net itself
/// would offer them is told: the one they enrolled in or are writing in.
pub async fn ask_support(
    ctx: super::Ctx<'_>,
    safety: &SafetyNet,
    member: MemberId,
    guild: GuildId,
    here: Option<GuildId>,
) -> Result<Asked, super::ServiceError> {
    let offered = ctx.store.crisis_context(member, here).await?.support_guild;
    if offered != Some(guild) {
        tracing::warn!("a support request for a server the member was not offered: refused");
        return Ok(Asked::Unavailable);
    }
    if !safety.may_ask(member, guild, ctx.now) {
        return Ok(Asked::AlreadyAsked);
    }
    let Some(channel) = ctx.store.support_channel(guild).await? else {
        safety.ask_failed(member, guild);
        return Ok(Asked::Unavailable);
    };
    let sent = ctx
        .messenger
        .send(
            super::messages::Destination::Channel(channel),
            &super::messages::Outgoing::SupportRequest { member },
            crate::delivery::Lane::Crisis,
            None,
        )
        .await;
    match sent {
        Ok(_) => {
            tracing::info!("a member asked the support team to reach out: posted");
            Ok(Asked::Posted)
        }
        Err(error) => {
            tracing::warn!(error = %error, "support request not posted");
            safety.ask_failed(member, guild);
            if matches!(
                error,
                crate::delivery::SendError::Channel(
                    crate::delivery::ChannelProblem::UnknownChannel
                )
            ) {
                // The channel no longer exists: stop offering it.
                ctx.store.set_support_channel(guild, None, ctx.now).await?;
            }
            Ok(Asked::Unavailable)
        }
    }
}
