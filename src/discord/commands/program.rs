//! `/program start | status | pause | resume | restart`.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::reply::in_time;
use crate::discord::{member_of, render, Context, Error};
use crate::domain::program::Refusal;
use crate::service::dm::Delivery;
use crate::service::program::{Start, StartedOver};
use crate::service::{self, patiently, ServiceError};

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
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let start = in_time(
        ctx,
        patiently(service::LONG_WAIT, || {
            service::program::start(data.service(&content), member)
        }),
    )
    .await??;
    let reply = match start {
        Start::AskConsent => {
            let (embed, buttons) = render::consent();
            CreateReply::default()
                .embed(embed)
                .components(vec![buttons])
        }
        Start::WelcomeAgain => {
            // Enrolled, but the welcome never arrived: answer first, then send it.
            ctx.defer_ephemeral().await?;
            let delivery = patiently(service::LONG_WAIT, || {
                service::program::send_welcome_again(data.service(&content), member)
            })
            .await?;
            CreateReply::default().content(match delivery {
                Delivery::Closed => render::dms_closed("run `/program start` again."),
                _ => render::DM_SENT.to_owned(),
            })
        }
    };
    ctx.send(reply.ephemeral(true)).await?;
    Ok(())
}

/// Where you are: step, days, check-ins, streak and mood trend (only you see it)
#[poise::command(slash_command)]
async fn status(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let status = in_time(
        ctx,
        patiently(service::LONG_WAIT, || {
            service::program::status(data.service(&content), member)
        }),
    )
    .await??;
    let mut reply = CreateReply::default()
        .embed(render::status(&status))
        .ephemeral(true);
    if let Some(chart) = &status.chart {
        reply = reply.attachment(
            serenity::CreateAttachment::bytes(chart.png.clone(), render::CHART_FILE)
                .description(chart.alt_text.clone()),
        );
    }
    ctx.send(reply).await?;
    Ok(())
}

/// Stop all check-ins and messages until you resume, or until a date
#[poise::command(slash_command)]
async fn pause(
    ctx: Context<'_>,
    #[description = "A date (YYYY-MM-DD) or a number of days; without it, until you resume"]
    until: Option<String>,
) -> Result<(), Error> {
    let Some(until) = until else {
        return change(ctx, Change::Pause).await;
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let date = in_time(
        ctx,
        patiently(service::LONG_WAIT, || {
            service::program::pause_until(data.service(&content), member, &until)
        }),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .content(render::paused_until(date))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Start your check-ins again after a pause
#[poise::command(slash_command)]
async fn resume(ctx: Context<'_>) -> Result<(), Error> {
    change(ctx, Change::Resume).await
}

/// A change of the member's program that sends no DM.
#[derive(Debug, Clone, Copy)]
enum Change {
    Pause,
    Resume,
}

async fn change(ctx: Context<'_>, change: Change) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let work = patiently(service::LONG_WAIT, || async {
        let service = data.service(&content);
        match change {
            Change::Pause => service::program::pause(service, member).await,
            Change::Resume => service::program::resume(service, member).await,
        }
    });
    in_time(ctx, work).await??;
    let done = match change {
        Change::Pause => render::PAUSED,
        Change::Resume => render::RESUMED,
    };
    ctx.send(CreateReply::default().content(done).ephemeral(true))
        .await?;
    Ok(())
}

/// Go back to step 1 (everything you wrote is kept)
#[poise::command(slash_command)]
async fn restart(ctx: Context<'_>) -> Result<(), Error> {
    // Sends step 1 by DM: answer first.
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    // Not retried whole: the restart waits out a busy database inside, and step 1 is sent once.
    let started = service::program::start_over(data.service(&content), member).await?;
    let text = match started {
        StartedOver::Delivered(Delivery::Sent) => render::restarted(),
        StartedOver::Delivered(Delivery::Closed) => {
            render::dms_closed("use `/checkin` and I'll send your check-in.")
        }
        StartedOver::Delivered(Delivery::Gone) => {
            return Err(ServiceError::from(Refusal::NotEnrolled).into())
        }
        StartedOver::Unsent => render::RESTARTED_NOT_SENT.to_owned(),
    };
    ctx.send(CreateReply::default().content(text).ephemeral(true))
        .await?;
    Ok(())
}
