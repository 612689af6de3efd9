//! Plain direct messages: handed to the service's intake (crisis reply first, then the
//! words kept, then a short answer).

use poise::serenity_prelude as serenity;
use serenity::Message;

use super::{member_of, Data};
use crate::domain::ids::ChannelId;
use crate::service::intake;

pub async fn handle(data: &Data, message: &Message) {
    intake::direct_message(
        &data.services,
        member_of(&message.author),
        ChannelId::new(message.channel_id.get()),
        &message.content,
    )
    .await;
}
