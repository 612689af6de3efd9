//! The `/privacy delete` confirmation buttons.

use std::time::Duration;

use crate::discord::reply::Reply;
use crate::discord::{render, Data, Error};
use crate::domain::ids::MemberId;
use crate::service::{self, patiently};

/// However busy the database, a deletion waits its turn and happens.
const DELETE_WITHIN: Duration = Duration::from_secs(60);

/// Confirmed: everything about the member goes, in one transaction; pressed twice, it
/// answers the same.
pub async fn delete(data: &Data, member: MemberId) -> Result<Reply, Error> {
    let content = data.services.content.get();
    let deleted = patiently(DELETE_WITHIN, || {
        service::privacy::delete(data.service(&content), member)
    })
    .await?;
    tracing::info!("member data deleted on request");
    Ok(Reply::replace(render::deleted(&deleted)))
}

pub fn keep() -> Reply {
    Reply::replace(render::NOTHING_DELETED)
}
