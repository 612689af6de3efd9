//! `/faq [topic] [share]`: answers from the FAQ of the place it is asked in (the server's, or
//! in DMs the member's home server's; see `service::faq`).

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::reply::in_time_as;
use crate::discord::{guild_of, member_of, render, Context, Error};
use crate::service;
use crate::service::faq::Place;

/// Answers to the questions people here ask most
#[poise::command(slash_command)]
pub async fn faq(
    ctx: Context<'_>,
    #[description = "A topic or question, e.g. no contact, jealous, astrology"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "Post the answer for everyone in this channel (otherwise only you see it)"]
    share: Option<bool>,
) -> Result<(), Error> {
    let services = &ctx.data().services;
    let content = services.content.get();
    if let Some(topic) = &topic {
        // Free text, like any other: someone may be telling us they are in danger.
        let member = member_of(ctx.author());
        let now = services.clock.now();
        if let Some((detection, form)) = services.safety.assess(&content, member, topic, now) {
            tracing::info!(
                level = detection.level.as_str(),
                category = detection.category,
                "crisis in an FAQ topic: replying"
            );
            let guild = guild_of(ctx.guild_id());
            let reply = services
                .safety
                .reply(&services.store, member, guild, detection, form)
                .await;
            ctx.send(render::crisis_reply(&content, &reply).reply())
                .await?;
            services.telemetry.metrics.crisis_reply("interaction");
            return Ok(());
        }
    }
    let place = Place::of(guild_of(ctx.guild_id()), member_of(ctx.author()));
    // The server's FAQ is read from the database: answer in time even when it is slow. Only
    // an answer asked to be shared may be public.
    let public = share.unwrap_or(false) && topic.is_some();
    let faq = in_time_as(
        ctx,
        !public,
        service::faq::faq_at(&services.store, &content, place),
    )
    .await??;
    let reply = match topic {
        None => CreateReply::default()
            .embed(render::faq_list(&faq))
            .components(render::faq_menu(&faq, None)),
        Some(topic) => match faq.resolve(&topic) {
            Some(entry) => {
                send(
                    ctx,
                    CreateReply::default().embed(render::faq_answer(entry)),
                    share,
                )
                .await?;
                service::faq::count(
                    &services.store,
                    guild_of(ctx.guild_id()),
                    member_of(ctx.author()),
                    &entry.key,
                )
                .await;
                return Ok(());
            }
            None if faq.is_empty() => CreateReply::default().embed(render::faq_list(&faq)),
            None => CreateReply::default()
                .content(render::faq_not_found(&topic))
                .embed(render::faq_list(&faq))
                .components(render::faq_menu(&faq, None)),
        },
    };
    ctx.send(reply.ephemeral(true)).await?;
    Ok(())
}

/// Only an answer can be shared; everything else stays private.
async fn send(ctx: Context<'_>, reply: CreateReply, share: Option<bool>) -> Result<(), Error> {
    ctx.send(reply.ephemeral(!share.unwrap_or(false))).await?;
    Ok(())
}

/// Suggests questions while the member types: every question for an empty box, else the
/// best matches over questions, keys and aliases.
async fn autocomplete_topic(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let services = &ctx.data().services;
    let content = services.content.get();
    let place = Place::of(guild_of(ctx.guild_id()), member_of(ctx.author()));
    let faq = match service::faq::faq_at(&services.store, &content, place).await {
        Ok(faq) => faq,
        Err(error) => {
            tracing::warn!(
                error = format!("{error:#}"),
                "FAQ autocomplete: the server's FAQ could not be read"
            );
            return serenity::CreateAutocompleteResponse::new();
        }
    };
    let choices: Vec<serenity::AutocompleteChoice> = if partial.trim().is_empty() {
        faq.iter().map(choice).collect()
    } else {
        faq.search(partial).map(choice).collect()
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

fn choice(entry: &crate::content::FaqEntry) -> serenity::AutocompleteChoice {
    serenity::AutocompleteChoice::new(entry.question.clone(), entry.key.clone())
}
