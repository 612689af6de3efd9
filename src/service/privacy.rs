//! A member's own data: export it whole, or delete it whole.
//!
//! The export format is documented in README.md ("Your data") and versioned: fields are
//! only ever added, never renamed or removed, within a version.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::dm::{self, ClosedDms, Delivery};
use super::messages::{Destination, Outgoing};
use super::{Ctx, ServiceError};
use crate::delivery::{Lane, SendError};
use crate::domain::ids::CheckinId;
use crate::domain::member::MemberId;
use crate::domain::outbox::Kind;
use crate::domain::program::StepNumber;
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
    /// Changes the member made to a server's FAQ as its admin (kept with their id).
    pub faq_changes: Vec<ExportFaqChange>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportFaqChange {
    /// The server's id, as a string.
    pub server_id: String,
    pub key: String,
    /// `added`, `edited` or `removed`.
    pub action: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportSettings {
    pub timezone: String,
    pub checkin_time: String,
    pub frequency: String,
    /// `every_day`, `weekdays`, `weekends` or a list like `mon,wed,fri`.
    pub days: String,
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
    /// The local date (`YYYY-MM-DD`) a pause with an end is over; null otherwise.
    pub paused_until: Option<String>,
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

/// A scheduled message: `queued` when it is already a row waiting to be sent, otherwise the
/// next one the schedule will create (the next check-in, encouragement or end of a pause).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportPending {
    pub kind: String,
    pub due_at: DateTime<Utc>,
    pub queued: bool,
}

/// Everything stored about the member, or `None` if nothing is. Someone who never started
/// the program but changed a server's FAQ as its admin has those changes, and nothing else.
pub async fn export(ctx: Ctx<'_>, member: MemberId) -> Result<Option<Export>, ServiceError> {
    let record = ctx.store.member_record(member).await?;
    if record.member.is_none() && record.faq_changes.is_empty() {
        return Ok(None);
    }
    let prompt = |step: StepNumber, index: usize| {
        ctx.content
            .step(step.get())
            .and_then(|s| s.prompts.get(index))
            .cloned()
            .unwrap_or_default()
    };
    Ok(Some(Export {
        format: FORMAT,
        version: VERSION,
        exported_at: ctx.now,
        member_id: member.to_string(),
        settings: record.member.clone().map(|row| ExportSettings {
            timezone: row.settings.timezone.name().to_owned(),
            checkin_time: row.settings.checkin_time.to_string(),
            frequency: row.settings.frequency.as_str().to_owned(),
            days: row.settings.days.as_string(),
            encouragement: row.settings.encouragement,
            reachable_by_dm: row.reachable,
            member_since: row.created_at,
            region: row.region.map(|country| country.code.to_owned()),
        }),
        pending_messages: pending_messages(&record),
        faq_changes: record
            .faq_changes
            .iter()
            .map(|change| ExportFaqChange {
                server_id: change.guild.to_string(),
                key: change.key.clone(),
                action: change.kind.as_str().to_owned(),
                at: change.at,
            })
            .collect(),
        program: record.program.map(|program| ExportProgram {
            step: i64::from(program.step.get()),
            step_since: program.step_since,
            paused: program.paused,
            outcome: program.outcome.map(|o| o.as_str().to_owned()),
            finished_at: program.finished_at.map(Into::into),
            enrolled_at: program.enrolled_at,
            next_checkin_at: program.next_checkin_at.map(Into::into),
            next_encouragement_at: program.next_encouragement_at.map(Into::into),
            paused_until: program.paused_until,
        }),
        step_history: record
            .history
            .into_iter()
            .map(|line| ExportHistory {
                event: line.event.as_str().to_owned(),
                step: i64::from(line.step.get()),
                outcome: line.outcome.map(|o| o.as_str().to_owned()),
                at: line.at,
            })
            .collect(),
        checkins: record
            .checkins
            .into_iter()
            .map(|checkin| ExportCheckin {
                id: checkin.id.get(),
                step: i64::from(checkin.step.get()),
                prompt: prompt(checkin.step, checkin.prompt_index),
                sent_at: checkin.sent_at,
                answered_at: checkin.answered_at.map(Into::into),
                mood: checkin.mood.map(|m| i64::from(m.get())),
                status: checkin.status.as_str().to_owned(),
            })
            .collect(),
        reflections: record
            .reflections
            .into_iter()
            .map(|reflection| ExportReflection {
                checkin_id: reflection.checkin_id.map(CheckinId::get),
                text: reflection.body,
                written_at: reflection.created_at,
            })
            .collect(),
    }))
}

/// Every message waiting to go out: the queued rows, and the next ones the schedule will
/// queue (the next check-in, encouragement, end of a pause), soonest first.
fn pending_messages(record: &crate::store::MemberRecord) -> Vec<ExportPending> {
    let mut pending: Vec<ExportPending> = record
        .pending
        .iter()
        .map(|row| ExportPending {
            kind: row.kind.as_str().to_owned(),
            due_at: row.due_at,
            queued: true,
        })
        .collect();
    if let Some(program) = &record.program {
        let scheduled = [
            (Kind::Checkin, program.next_checkin_at),
            (Kind::Encouragement, program.next_encouragement_at),
            (Kind::Resumed, program.resume_at),
        ];
        for (kind, at) in scheduled {
            let Some(at) = at else { continue };
            let at: DateTime<Utc> = at.into();
            if record
                .pending
                .iter()
                .any(|row| row.kind == kind && row.due_at == at)
            {
                continue;
            }
            pending.push(ExportPending {
                kind: kind.as_str().to_owned(),
                due_at: at,
                queued: false,
            });
        }
    }
    pending.sort_by_key(|p| p.due_at);
    pending
}

/// Sends the member everything stored about them, as a JSON file by DM; `None` when
/// nothing is stored. Read under the member's lock, like the send: an erasure (and a new
/// start after it) cannot fall between what is read and what is sent.
pub async fn export_to_dm(
    ctx: Ctx<'_>,
    member: MemberId,
) -> Result<Option<Delivery>, ServiceError> {
    let held = ctx.guards.lock(member).await;
    let Some(export) = export(ctx, member).await? else {
        return Ok(None);
    };
    let enrolled = export.settings.is_some();
    let json = serde_json::to_vec_pretty(&export).map_err(anyhow::Error::from)?;
    let message = Outgoing::Export { json };
    if !enrolled {
        // An admin who only changed a server's FAQ: no member row to keep a DM channel or
        // closed DMs on, so the file goes to them directly (still under their lock).
        let to = Destination::Member {
            member,
            channel: None,
        };
        return match ctx
            .messenger
            .send(to, &message, Lane::Interactive, None)
            .await
        {
            Ok(_) => Ok(Some(Delivery::Sent)),
            Err(SendError::DmsClosed) => Ok(Some(Delivery::Closed)),
            Err(error) => Err(ServiceError::Send(error)),
        };
    }
    let delivery = dm::send_held(
        ctx,
        &held,
        member,
        &message,
        Lane::Interactive,
        None,
        ClosedDms::ToldNow,
    )
    .await?;
    Ok(Some(delivery))
}

/// Deletes everything about the member; a later command starts from nothing. Under the
/// member's lock: a DM already on its way finishes first, and none starts after (each send
/// checks the member still exists), so nothing reaches them once this returns.
pub async fn delete(ctx: Ctx<'_>, member: MemberId) -> Result<Deleted, ServiceError> {
    let _held = ctx.guards.lock(member).await;
    Ok(ctx.store.delete_member(member).await?)
}

#[cfg(test)]
mod tests;
