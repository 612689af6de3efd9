//! Check-ins: sending one now, and the member's answers (mood, reflection, plain DM text).

use super::dm::{self, ClosedDms, Delivery};
use super::messages::Outgoing;
use super::{Ctx, ServiceError};
use crate::delivery::Lane;
use crate::domain::checkin::{CheckinStatus, Mood, Reflection};
use crate::domain::ids::CheckinId;
use crate::domain::member::MemberId;
use crate::domain::program::{apply, Command, Program, Refusal, StepNumber};
use crate::domain::schedule::local_date;
use crate::service::program::MovedOn;
use crate::store::CheckinRow;

/// Refuses a new reflection or journal entry when the member's journal is full
/// ([`crate::domain::checkin::MAX_ENTRIES`]).
pub(crate) async fn ensure_room(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    if ctx.store.journal_count(member).await? >= crate::domain::checkin::MAX_ENTRIES {
        return Err(crate::domain::checkin::AnswerError::JournalFull.into());
    }
    Ok(())
}

/// A check-in recorded and ready to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    pub id: CheckinId,
    pub step: StepNumber,
    pub prompt_index: usize,
    /// Show "Ready for the next step": the step's `min_days` have passed.
    pub offer_next: bool,
}

/// Records a new check-in for the member's current step, with the next prompt in rotation.
pub async fn prepare(ctx: Ctx<'_>, member: MemberId) -> Result<Prepared, ServiceError> {
    let prompts = |step: StepNumber| ctx.content.step(step.get()).map_or(0, |s| s.prompts.len());
    let (id, prompt_index, program) =
        match ctx.store.create_checkin(member, prompts, ctx.now).await? {
            Ok(created) => created,
            Err(None) => return Err(Refusal::NotEnrolled.into()),
            Err(Some(_)) => return Err(Refusal::AlreadyFinished.into()),
        };
    let Program::InStep { step, .. } = program else {
        return Err(Refusal::AlreadyFinished.into());
    };
    Ok(Prepared {
        id,
        step,
        prompt_index,
        offer_next: super::program::offers_next_step(ctx, program),
    })
}

/// `/checkin`: a new check-in, sent to the member's DMs now. A check-in that could not be
/// delivered is forgotten, so it does not count as unanswered.
pub async fn send_now(ctx: Ctx<'_>, member: MemberId) -> Result<Delivery, ServiceError> {
    let prepared = prepare(ctx, member).await?;
    let id = prepared.id;
    let delivery = dm::send(
        ctx,
        member,
        &Outgoing::Checkin(prepared),
        Lane::Interactive,
        ClosedDms::ToldNow,
    )
    .await;
    match delivery {
        Ok(Delivery::Sent) => Ok(Delivery::Sent),
        Ok(other) => {
            ctx.store.delete_checkin(id).await?;
            Ok(other)
        }
        Err(error) => {
            ctx.store.delete_checkin(id).await?;
            Err(error)
        }
    }
}

/// The member's own check-in, with a program that still takes answers. Another member's
/// check-in gets the same answer as one that does not exist, so nobody learns anything.
async fn answerable(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
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

/// The member's own check-in, whatever their program says (for buttons that act on the
/// program: the program decides then).
async fn own_checkin(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
) -> Result<CheckinRow, ServiceError> {
    ctx.store
        .checkin(checkin)
        .await?
        .filter(|row| row.member == member)
        .ok_or(ServiceError::UnknownCheckin)
}

pub async fn record_mood(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
    mood: &str,
) -> Result<Mood, ServiceError> {
    let mood = Mood::parse(mood)?;
    answerable(ctx, member, checkin).await?;
    if !ctx.store.set_mood(member, checkin, mood, ctx.now).await? {
        return Err(ServiceError::UnknownCheckin);
    }
    Ok(mood)
}

/// Checks that the check-in can take a reflection, before the modal opens.
pub async fn can_reflect(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
) -> Result<(), ServiceError> {
    answerable(ctx, member, checkin).await.map(|_| ())
}

pub async fn record_reflection(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
    text: &str,
) -> Result<(), ServiceError> {
    let reflection = Reflection::parse(text)?;
    answerable(ctx, member, checkin).await?;
    ensure_room(ctx, member).await?;
    if !ctx
        .store
        .add_reflection(member, Some(checkin), &reflection, ctx.now)
        .await?
    {
        return Err(ServiceError::UnknownCheckin);
    }
    Ok(())
}

/// A reflection written with a crisis reply: for its check-in, or, when that check-in is
/// gone or no longer takes answers, as a journal entry, so the words are not lost. Only an
/// enrolled member's words are kept.
pub async fn keep_reflection(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
    text: &str,
) -> Result<(), ServiceError> {
    match record_reflection(ctx, member, checkin, text).await {
        Err(ServiceError::UnknownCheckin | ServiceError::Refused(_)) => {
            let reflection = Reflection::parse(text)?;
            ctx.store
                .program(member)
                .await?
                .ok_or(Refusal::NotEnrolled)?;
            ensure_room(ctx, member).await?;
            if !ctx
                .store
                .add_reflection(member, None, &reflection, ctx.now)
                .await?
            {
                return Err(Refusal::NotEnrolled.into());
            }
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
            c.step == step
                && !c.has_reflection
                && !matches!(c.status, CheckinStatus::Snoozed | CheckinStatus::Missed)
        }),
        Program::Finished { .. } => None,
    };
    ensure_room(ctx, member).await?;
    let (checkin, kept) = match open {
        Some(checkin) => (Some(checkin.id), Kept::Reflection { step: checkin.step }),
        None => (None, Kept::Journal),
    };
    if !ctx
        .store
        .add_reflection(member, checkin, &reflection, ctx.now)
        .await?
    {
        // Erased (or the check-in removed) a moment ago: nothing was kept.
        return Err(Refusal::NotEnrolled.into());
    }
    Ok(kept)
}

/// "Snooze a day": this check-in is set aside; the next one comes a day later.
pub async fn snooze(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
) -> Result<(), ServiceError> {
    answerable(ctx, member, checkin).await?;
    // Only a check-in still waiting is set aside: an answered one keeps counting as answered.
    ctx.store.snooze_checkin(checkin).await?;
    // "Again tomorrow": bring the next check-in forward to tomorrow's slot when the member's
    // rhythm (every 2 days, weekly) would put it later. Never pushes one back.
    if let Some(settings) = ctx.store.member(member).await?.map(|m| m.settings) {
        let rhythm = settings.rhythm();
        // Tomorrow, or the first of the member's days after it.
        let tomorrow =
            rhythm.first_on_or_after(local_date(rhythm.tz, ctx.now) + chrono::Duration::days(1));
        ctx.store.bring_checkin_forward(member, tomorrow).await?;
    }
    Ok(())
}

/// "Ready for the next step" on a check-in: only a check-in of the step the member is in
/// now can move them on, so an old message cannot skip them past a step. Pressed again
/// (twice at once, or later), it answers as the first press did, without moving them twice.
pub async fn next_step_from(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
) -> Result<MovedOn, ServiceError> {
    let row = own_checkin(ctx, member, checkin).await?;
    super::program::move_on(ctx, member, row.step).await
}

/// Confirms a check-in belongs to the member (for buttons that act on the program).
pub async fn verify_owner(
    ctx: Ctx<'_>,
    member: MemberId,
    checkin: CheckinId,
) -> Result<(), ServiceError> {
    own_checkin(ctx, member, checkin).await.map(|_| ())
}
