//! Gateway events that are not slash commands: components (and, later, modals and DMs).

use poise::serenity_prelude as serenity;

use super::{components, Data, Error};

/// poise's `event_handler`: routes what poise does not handle itself.
pub fn handle<'a>(
    framework: poise::FrameworkContext<'a, Data, Error>,
    event: &'a serenity::FullEvent,
) -> poise::BoxFuture<'a, Result<(), Error>> {
    Box::pin(async move {
        let ctx = framework.serenity_context;
        let data = framework.user_data;
        match event {
            serenity::FullEvent::InteractionCreate { interaction: serenity::Interaction::Component(component) } => {
                if let Err(error) = components::handle(ctx, data, component).await {
                    tracing::error!(
                        custom_id = %component.data.custom_id,
                        error = format!("{error:#}"),
                        "component failed"
                    );
                    super::errors::apologise_component(ctx, component).await;
                }
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
