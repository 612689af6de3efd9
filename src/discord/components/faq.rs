//! The FAQ select menu.

use crate::discord::reply::Reply;
use crate::discord::{render, Data, Error};
use crate::domain::ids::{GuildId, MemberId};
use crate::service;
use crate::service::faq::Place;

/// Shows the chosen answer in place of the list, keeping the menu so another can be picked.
/// The FAQ is the one of the place the menu is used in (a removed entry is no longer there);
/// the answer counts for the server it was picked in (`here`), or the picker's home server.
pub async fn pick(
    data: &Data,
    here: Option<GuildId>,
    picker: MemberId,
    chosen: Option<&str>,
) -> Result<Reply, Error> {
    let place = Place::of(here, picker);
    let content = data.services.content.get();
    let faq = service::faq::faq_at(&data.services.store, &content, place).await?;
    let entry = match chosen {
        Some(key) => service::faq::answer(&data.services.store, &faq, here, picker, key).await,
        None => None,
    };
    Ok(match entry {
        Some(entry) => Reply {
            text: Some(String::new()),
            update: true,
            ..Reply::default()
        }
        .embed(render::faq_answer(&entry))
        .rows(render::faq_menu(&faq, Some(&entry.key))),
        None => Reply {
            text: Some(if faq.is_empty() {
                String::new()
            } else {
                "That question is no longer in the list. Here is what I can answer now.".into()
            }),
            update: true,
            ..Reply::default()
        }
        .embed(render::faq_list(&faq))
        .rows(render::faq_menu(&faq, None)),
    })
}
