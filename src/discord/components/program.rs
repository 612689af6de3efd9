//! Consent ("Begin" / "Not now") and the step-7 outcome.

use std::time::Duration;

use crate::discord::reply::Reply;
use crate::discord::{render, Data, Error};
use crate::domain::ids::{GuildId, MemberId};
use crate::domain::program::Outcome;
use crate::service::dm::Delivery;
use crate::service::program::Began;
use crate::service::{self, patiently};

const ANSWER_WITHIN: Duration = Duration::from_secs(12);

/// Consent given: enrol, then the welcome and step 1 by DM. A second press changes nothing
/// and answers the same.
pub async fn begin(data: &Data, member: MemberId, here: Option<GuildId>) -> Result<Reply, Error> {
    let content = data.services.content.get();
    let began = patiently(ANSWER_WITHIN, || {
        service::program::enrol(data.service(&content), member, here)
    })
    .await?;
    Ok(Reply::replace(match began {
        Began::Enrolled(Delivery::Closed)
        | Began::AlreadyIn {
            reachable: false, ..
        } => render::dms_closed("run `/program start` again and I'll send step 1."),
        Began::EnrolledUnsent => render::WELCOME_NOT_SENT.to_owned(),
        Began::Enrolled(_) | Began::AlreadyIn { .. } => render::DM_SENT.to_owned(),
    }))
}

pub fn not_now() -> Reply {
    Reply::replace(render::NOT_NOW)
}

pub async fn finish(data: &Data, member: MemberId, outcome: Outcome) -> Result<Reply, Error> {
    let content = data.services.content.get();
    patiently(ANSWER_WITHIN, || {
        service::program::finish(data.service(&content), member, outcome)
    })
    .await?;
    Ok(Reply {
        update: true,
        rows: Some(Vec::new()),
        ..Reply::default()
    }
    .embed(render::finished(outcome)))
}
