//! The safety net's buttons: "Show me support lines" and "Ask the server's support team to
//! reach out". Only the member's press posts to the team, and never their words.

use crate::discord::reply::Reply;
use crate::discord::{render, Data, Error};
use crate::domain::ids::{GuildId, MemberId};
use crate::service::safety::{self, Asked};

/// The support lines, for the member's country when we know it.
pub async fn lines(data: &Data, member: MemberId) -> Reply {
    let services = &data.services;
    let content = services.content.get();
    let region = services.safety.region(&services.store, member).await;
    Reply::default().embed(render::support_lines(&content, region.as_deref()))
}

/// The member asked `guild`'s support team to reach out (from `here`).
pub async fn ask(
    data: &Data,
    member: MemberId,
    guild: GuildId,
    here: Option<GuildId>,
) -> Result<Reply, Error> {
    let services = &data.services;
    let content = services.content.get();
    let asked = safety::ask_support(
        data.service(&content),
        &services.safety,
        member,
        guild,
        here,
    )
    .await?;
    Ok(Reply::private(match asked {
        Asked::Posted => render::SUPPORT_ASKED,
        Asked::AlreadyAsked => render::SUPPORT_ALREADY_ASKED,
        Asked::Unavailable => render::SUPPORT_UNAVAILABLE,
    }))
}
