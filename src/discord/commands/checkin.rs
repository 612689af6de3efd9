//! `/checkin`: today's check-in, now, by DM.

use poise::CreateReply;

use crate::discord::{member_of, render, Context, Error};
use crate::service::dm::Delivery;
use crate::service::{self, patiently};

/// Send today's check-in to your DMs now
#[poise::command(slash_command)]
pub async fn checkin(ctx: Context<'_>) -> Result<(), Error> {
    // Answer first (the DM may be slow), then send.
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let delivery = patiently(service::LONG_WAIT, || {
        service::checkin::send_now(data.service(&content), member)
    })
    .await?;
    let text = match delivery {
        Delivery::Sent => render::CHECKIN_SENT.to_owned(),
        Delivery::Closed => render::dms_closed("run `/checkin` again."),
        Delivery::Gone => render::NOT_ENROLLED.to_owned(),
    };
    ctx.send(CreateReply::default().content(text).ephemeral(true))
        .await?;
    Ok(())
}
