//! Gateway events that are not slash commands: components, modals and direct messages.

use poise::serenity_prelude as serenity;

use super::{components, incoming, Data, Error};

/// poise's `event_handler`: routes what poise does not handle itself.
pub fn handle<'a>(
    framework: poise::FrameworkContext<'a, Data, Error>,
    event: &'a serenity::FullEvent,
) -> poise::BoxFuture<'a, Result<(), Error>> {
    Box::pin(async move {
        let ctx = framework.serenity_context;
        let data = framework.user_data;
        match event {
            serenity::FullEvent::InteractionCreate {
                interaction: serenity::Interaction::Component(component),
            } => {
                components::handle_component(ctx, data, component).await?;
            }
            serenity::FullEvent::InteractionCreate {
                interaction: serenity::Interaction::Modal(modal),
            } => {
                components::handle_modal(ctx, data, modal).await?;
            }
            serenity::FullEvent::Message { new_message }
                if new_message.guild_id.is_none() && !new_message.author.bot =>
            {
                incoming::handle(data, new_message).await;
            }
            serenity::FullEvent::Ready { data_about_bot } => {
                tracing::info!(user = %data_about_bot.user.name, guilds = data_about_bot.guilds.len(), "connected to Discord");
            }
            serenity::FullEvent::Resume { .. } => tracing::info!("gateway session resumed"),
            _ => {}
        }
        Ok(())
    })
}
