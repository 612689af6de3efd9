//! Check-ins: preparing one, and the member's answers (mood, reflection, plain DM text).

use super::{Ctx, ServiceError};
use crate::domain::checkin::{next_prompt, Mood, Reflection};
use crate::domain::member::MemberId;
use crate::domain::program::{apply, Command, Program, Refusal, StepNumber};
use crate::domain::schedule::{local_date, Rhythm};
use crate::service::program::NextStep;
use crate::store::CheckinRow;

/// A check-in recorded and ready to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    pub id: i64,
    pub step: StepNumber,
    pub prompt_index: usize,
    /// Show "Ready for the next step": the step's `min_days` have passed.
    pub offer_next: bool,
}

/// Records a new check-in for the member's current step, with the next prompt in rotation.
pub async fn prepare(ctx: Ctx<'_>, member: MemberId) -> Result<Prepared, ServiceError> {
    let program = ctx
        .store
        .program(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    let Program::InStep { step, .. } = program else {
        return Err(Refusal::AlreadyFinished.into());
    };
    let prompts = ctx.content.step(step.get()).map_or(0, |s| s.prompts.len());
    let last = ctx.store.last_prompt_in_step(member, step).await?;
    let prompt_index = next_prompt(prompts, last);
    let id = ctx
        .store
        .create_checkin(member, step, prompt_index, ctx.now)
        .await?;
    Ok(Prepared {
        id,
        step,
        prompt_index,
        offer_next: super::program::offers_next_step(ctx, program),
    })
}

/// The check-in reached the member.
pub async fn delivered(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    super::program::reachable_again(ctx, member).await
}

/// The check-in could not be delivered because the member's DMs are closed: forget it and
/// stop sending until they open them.
pub async fn undeliverable(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: i64,
) -> Result<(), ServiceError> {
    ctx.store.delete_checkin(checkin).await?;
    ctx.store.mark_unreachable(member).await?;
    // The reply to `/checkin` tells them now; no second notice on their next command.
    ctx.store.take_unreachable_notice(member).await?;
    Ok(())
}

/// The member's own check-in, and a program that still takes answers.
async fn own_checkin(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: i64,
) -> Result<CheckinRow, ServiceError> {
    let (row, program) = ctx
        .store
        .checkin_and_program(checkin)
        .await?
        .filter(|(row, _)| row.member == member)
        .ok_or(ServiceError::UnknownCheckin)?;
    apply(program, Command::AnswerCheckin, ctx.now, 0)?;
    Ok(row)
}

/// The check-in, if it exists and is the member's: otherwise the same answer for both, so
/// nobody learns anything about someone else's check-ins.
async fn owned(ctx: Ctx<'_>, member: MemberId, checkin: i64) -> Result<CheckinRow, ServiceError> {
    ctx.store
        .checkin(checkin)
        .await?
        .filter(|row| row.member == member)
        .ok_or(ServiceError::UnknownCheckin)
}

pub async fn record_mood(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: i64,
    mood: &str,
) -> Result<Mood, ServiceError> {
    let mood = Mood::parse(mood)?;
    own_checkin(ctx, member, checkin).await?;
    ctx.store.set_mood(checkin, mood, ctx.now).await?;
    Ok(mood)
}

/// Checks that the check-in can take a reflection, before the modal opens.
pub async fn can_reflect(ctx: Ctx<'_>, member: MemberId, checkin: i64) -> Result<(), ServiceError> {
    own_checkin(ctx, member, checkin).await.map(|_| ())
}

pub async fn record_reflection(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: i64,
    text: &str,
) -> Result<(), ServiceError> {
    let reflection = Reflection::parse(text)?;
    own_checkin(ctx, member, checkin).await?;
    ctx.store
        .add_reflection(member, Some(checkin), &reflection, ctx.now)
        .await?;
    Ok(())
}

/// A reflection written with a crisis reply: for its check-in, or, when that check-in is
/// gone or no longer takes answers, as a journal entry, so the words are not lost. Only an
/// enrolled member's words are kept.
pub async fn keep_reflection(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: i64,
    text: &str,
) -> Result<(), ServiceError> {
    match record_reflection(ctx, member, checkin, text).await {
        Err(ServiceError::UnknownCheckin | ServiceError::Refused(_)) => {
            let reflection = Reflection::parse(text)?;
            ctx.store
                .program(member)
                .await?
                .ok_or(Refusal::NotEnrolled)?;
            ctx.store
                .add_reflection(member, None, &reflection, ctx.now)
                .await?;
            Ok(())
        }
        other => other,
    }
}

/// Where a plain DM from the member was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// As the reflection for their open check-in.
    Reflection { step: StepNumber },
    /// As a journal entry (no check-in open).
    Journal,
}

/// A plain DM text: the reflection for the open check-in, else a journal entry. Only
/// enrolled members' words are kept; anyone else gets `NotEnrolled` and nothing is stored.
pub async fn dm_text(ctx: Ctx<'_>, member: MemberId, text: &str) -> Result<Kept, ServiceError> {
    // Enrolment first: someone who never enrolled hears why nothing is kept, even when
    // their message has no text (an image, a sticker).
    let program = ctx
        .store
        .program(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    let reflection = Reflection::parse(text)?;
    let open = match program {
        Program::InStep { step, .. } => ctx.store.latest_checkin(member).await?.filter(|c| {
            c.step == step.get()
                && !c.has_reflection
                && c.status != "snoozed"
                && c.status != "missed"
        }),
        Program::Finished { .. } => None,
    };
    match open {
        Some(checkin) => {
            ctx.store
                .add_reflection(member, Some(checkin.id), &reflection, ctx.now)
                .await?;
            let step = StepNumber::new(checkin.step).unwrap_or(StepNumber::FIRST);
            Ok(Kept::Reflection { step })
        }
        None => {
            ctx.store
                .add_reflection(member, None, &reflection, ctx.now)
                .await?;
            Ok(Kept::Journal)
        }
    }
}

/// "Snooze a day": this check-in is set aside; the next one comes a day later.
pub async fn snooze(ctx: Ctx<'_>, member: MemberId, checkin: i64) -> Result<(), ServiceError> {
    let row = own_checkin(ctx, member, checkin).await?;
    // Only a check-in still waiting is set aside: an answered one keeps counting as answered.
    if row.status == "open" {
        ctx.store.set_checkin_status(checkin, "snoozed").await?;
    }
    // "Again tomorrow": bring the next check-in forward to tomorrow's slot when the member's
    // rhythm (every 2 days, weekly) would put it later. Never pushes one back.
    if let Some(settings) = ctx.store.member(member).await?.map(|m| m.settings) {
        let rhythm = Rhythm {
            tz: settings.timezone.tz(),
            time: settings.checkin_time,
            frequency: settings.frequency,
        };
        let tomorrow = rhythm.slot(local_date(rhythm.tz, ctx.now) + chrono::Duration::days(1));
        ctx.store.bring_checkin_forward(member, tomorrow).await?;
    }
    Ok(())
}

/// "Ready for the next step" on a check-in: only a check-in of the step the member is in
/// now can move them on, so an old message cannot skip them past a step.
pub async fn next_step_from(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: i64,
) -> Result<NextStep, ServiceError> {
    let row = owned(ctx, member, checkin).await?;
    if let Some(Program::InStep { step, .. }) = ctx.store.program(member).await? {
        if step.get() != row.step {
            return Err(Refusal::OlderStep(step).into());
        }
    }
    super::program::next_step(ctx, member).await
}

/// Confirms a check-in belongs to the member (for buttons that act on the program).
pub async fn verify_owner(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: i64,
) -> Result<(), ServiceError> {
    owned(ctx, member, checkin).await.map(|_| ())
}
