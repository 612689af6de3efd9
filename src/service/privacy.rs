//! A member's own data: export it whole, or delete it whole.
//!
//! The export format is documented in README.md ("Your data") and versioned: fields are
//! only ever added, never renamed or removed, within a version.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Ctx, ServiceError};
use crate::domain::member::MemberId;
pub use crate::store::Deleted;

/// The export's format name and version.
pub const FORMAT: &str = "rekindle-export";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Export {
    pub format: &'static str,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    /// The member's Discord user id, as a string (JSON numbers lose precision).
    pub member_id: String,
    pub settings: Option<ExportSettings>,
    pub program: Option<ExportProgram>,
    pub step_history: Vec<ExportHistory>,
    pub checkins: Vec<ExportCheckin>,
    /// Reflections (with `checkin_id`) and journal entries (`checkin_id: null`).
    pub reflections: Vec<ExportReflection>,
    /// Scheduled messages not sent yet.
    pub pending_messages: Vec<ExportPending>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportSettings {
    pub timezone: String,
    pub checkin_time: String,
    pub frequency: String,
    pub encouragement: bool,
    pub reachable_by_dm: bool,
    pub member_since: DateTime<Utc>,
    /// The country whose support lines come first (ISO code), if the member chose one.
    pub region: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportProgram {
    pub step: i64,
    pub step_since: DateTime<Utc>,
    pub paused: bool,
    pub outcome: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
    pub enrolled_at: DateTime<Utc>,
    pub next_checkin_at: Option<DateTime<Utc>>,
    pub next_encouragement_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportHistory {
    pub event: String,
    pub step: i64,
    pub outcome: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportCheckin {
    pub id: i64,
    pub step: i64,
    pub prompt: String,
    pub sent_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub mood: Option<i64>,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportReflection {
    pub checkin_id: Option<i64>,
    pub text: String,
    pub written_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportPending {
    pub kind: String,
    pub due_at: DateTime<Utc>,
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// Everything stored about the member, or `None` if nothing is.
pub async fn export(ctx: Ctx<'_>, member: MemberId) -> Result<Option<Export>, ServiceError> {
    let record = ctx.store.member_record(member).await?;
    let Some((timezone, checkin_time, frequency, encouragement, reachable, created, region)) =
        record.member
    else {
        return Ok(None);
    };
    let prompt = |step: i64, index: i64| {
        u8::try_from(step)
            .ok()
            .and_then(|s| ctx.content.step(s))
            .and_then(|s| usize::try_from(index).ok().and_then(|i| s.prompts.get(i)))
            .cloned()
            .unwrap_or_default()
    };
    Ok(Some(Export {
        format: FORMAT,
        version: VERSION,
        exported_at: ctx.now,
        member_id: member.to_string(),
        settings: Some(ExportSettings {
            timezone,
            checkin_time,
            frequency,
            encouragement: encouragement != 0,
            reachable_by_dm: reachable != 0,
            member_since: at(created),
            region,
        }),
        program: record.program.map(
            |(step, since, paused, outcome, finished, enrolled, next_checkin, next_enc)| {
                ExportProgram {
                    step,
                    step_since: at(since),
                    paused: paused != 0,
                    outcome,
                    finished_at: finished.map(at),
                    enrolled_at: at(enrolled),
                    next_checkin_at: next_checkin.map(at),
                    next_encouragement_at: next_enc.map(at),
                }
            },
        ),
        step_history: record
            .history
            .into_iter()
            .map(|(event, step, outcome, when)| ExportHistory {
                event,
                step,
                outcome,
                at: at(when),
            })
            .collect(),
        checkins: record
            .checkins
            .into_iter()
            .map(
                |(id, step, index, sent, answered, mood, status)| ExportCheckin {
                    id,
                    step,
                    prompt: prompt(step, index),
                    sent_at: at(sent),
                    answered_at: answered.map(at),
                    mood,
                    status,
                },
            )
            .collect(),
        reflections: record
            .reflections
            .into_iter()
            .map(|(checkin_id, text, written)| ExportReflection {
                checkin_id,
                text,
                written_at: at(written),
            })
            .collect(),
        pending_messages: record
            .pending
            .into_iter()
            .map(|(kind, due, _)| ExportPending {
                kind,
                due_at: at(due),
            })
            .collect(),
    }))
}

/// Deletes everything about the member; a later command starts from nothing.
pub async fn delete(ctx: Ctx<'_>, member: MemberId) -> Result<Deleted, ServiceError> {
    Ok(ctx.store.delete_member(member).await?)
}

#[cfg(test)]
mod tests;
