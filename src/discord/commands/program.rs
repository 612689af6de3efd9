//! `/program start | status | pause | resume | restart`.

use poise::CreateReply;

use crate::discord::{dm, render, Context, Error};
use crate::domain::member::MemberId;
use crate::domain::program::{Program, Refusal, StepNumber};
use crate::service::{self, ServiceError};

/// Your private walk through the seven steps
#[poise::command(
    slash_command,
    subcommands("start", "status", "pause", "resume", "restart"),
    subcommand_required
)]
pub async fn program(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Begin the program: what is kept and why, then step 1 by direct message
#[poise::command(slash_command)]
async fn start(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let member = MemberId::new(ctx.author().id.get());
    let content = data.content.get();
    let program = data.store.program(member).await?;
    let reachable = data
        .store
        .member(member)
        .await?
        .is_some_and(|m| m.reachable);
    match program {
        None => {
            let (embed, buttons) = render::consent();
            ctx.send(
                CreateReply::default()
                    .embed(embed)
                    .components(vec![buttons])
                    .ephemeral(true),
            )
            .await?;
        }
        // Enrolled, but the welcome never arrived: try again now.
        Some(Program::InStep { step, .. }) if !reachable => {
            let step = content.step(step.get()).ok_or(Refusal::NotEnrolled)?;
            let text = match dm::send(
                ctx.http(),
                &data.store,
                member,
                dm::embeds(render::welcome(step)),
            )
            .await
            {
                Ok(_) => {
                    service::program::reachable_again(data.service(&content), member).await?;
                    render::DM_SENT.to_owned()
                }
                Err(dm::DmError::Closed) => render::dms_closed("run `/program start` again."),
                Err(other) => return Err(other.into()),
            };
            ctx.send(CreateReply::default().content(text).ephemeral(true))
                .await?;
        }
        Some(Program::InStep { step, .. }) => {
            return Err(ServiceError::from(Refusal::AlreadyEnrolled(step)).into())
        }
        Some(Program::Finished { .. }) => {
            return Err(ServiceError::from(Refusal::AlreadyFinished).into())
        }
    }
    Ok(())
}

/// Where you are: step, days, check-ins, streak and mood trend (only you see it)
#[poise::command(slash_command)]
async fn status(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.content.get();
    let status =
        service::program::status(data.service(&content), MemberId::new(ctx.author().id.get()))
            .await?;
    ctx.send(
        CreateReply::default()
            .embed(render::status(&status))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Stop all check-ins and messages until you resume
#[poise::command(slash_command)]
async fn pause(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.content.get();
    service::program::pause(data.service(&content), MemberId::new(ctx.author().id.get())).await?;
    ctx.send(
        CreateReply::default()
            .content(render::PAUSED)
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Start your check-ins again after a pause
#[poise::command(slash_command)]
async fn resume(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.content.get();
    service::program::resume(data.service(&content), MemberId::new(ctx.author().id.get())).await?;
    ctx.send(
        CreateReply::default()
            .content(render::RESUMED)
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Go back to step 1 (everything you wrote is kept)
#[poise::command(slash_command)]
async fn restart(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.content.get();
    let member = MemberId::new(ctx.author().id.get());
    let step = service::program::restart(data.service(&content), member).await?;
    let text = match send_step(ctx, member, step).await? {
        true => render::restarted(),
        false => render::dms_closed("use `/checkin` and I'll send your check-in."),
    };
    ctx.send(CreateReply::default().content(text).ephemeral(true))
        .await?;
    Ok(())
}

/// Sends a step's introduction by DM; `false` if the member's DMs are closed (recorded).
async fn send_step(ctx: Context<'_>, member: MemberId, step: StepNumber) -> Result<bool, Error> {
    let data = ctx.data();
    let content = data.content.get();
    let Some(step) = content.step(step.get()) else {
        return Ok(true);
    };
    match dm::send(
        ctx.http(),
        &data.store,
        member,
        dm::embeds(vec![render::step_intro(step)]),
    )
    .await
    {
        Ok(_) => Ok(true),
        Err(dm::DmError::Closed) => {
            dm::closed_and_told(&data.store, member).await?;
            Ok(false)
        }
        Err(other) => Err(other.into()),
    }
}
