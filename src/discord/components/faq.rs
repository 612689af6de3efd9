//! The FAQ select menu.

use crate::discord::reply::Reply;
use crate::discord::{render, Data};
use crate::domain::ids::{GuildId, MemberId};
use crate::service;

/// Shows the chosen answer in place of the list, keeping the menu so another can be picked.
/// The answer counts for the server it was picked in (`here`), or the picker's home server.
pub async fn pick(
    data: &Data,
    here: Option<GuildId>,
    picker: MemberId,
    chosen: Option<&str>,
) -> Reply {
    let content = data.services.content.get();
    let entry = match chosen {
        Some(key) => service::faq::answer(&data.services.store, &content, here, picker, key).await,
        None => None,
    };
    match entry {
        Some(entry) => Reply {
            text: Some(String::new()),
            update: true,
            ..Reply::default()
        }
        .embed(render::faq_answer(&entry))
        .rows(vec![render::faq_menu(&content, Some(&entry.key))]),
        None => Reply {
            text: Some(
                "That question is no longer in the list. Here is what I can answer now.".into(),
            ),
            update: true,
            ..Reply::default()
        }
        .embed(render::faq_list(&content))
        .rows(vec![render::faq_menu(&content, None)]),
    }
}
