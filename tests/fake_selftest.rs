//! Proves the fake Discord in `tests/support` works with a raw serenity 0.12.5 client:
//! READY, interactions of every kind, DMs, resume after a dropped connection, op 7 / op 9,
//! nonce de-duplication, closed DMs, 429 bodies, the global rate limit and payload limits.

mod support;

use std::time::Duration;

use serde_json::json;
use serenity::all::{
    Builder, ChannelId, Client, ClientBuilder, Command, CommandOptionType, Context,
    CreateActionRow, CreateAttachment, CreateAutocompleteResponse, CreateButton, CreateCommand,
    CreateCommandOption, CreateInputText, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateMessage, CreateModal, EditInteractionResponse,
    EventHandler, GatewayIntents, Http, HttpBuilder, HttpError, InputTextStyle, Interaction,
    Message, Nonce, Ready, UserId,
};
use support::{Actor, FakeDiscord};

const T: Duration = Duration::from_secs(5);

struct Handler;

fn commands() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("ping").description("Answers pong"),
        CreateCommand::new("long").description("Answers with a message over the limit"),
        CreateCommand::new("file").description("Answers with an attachment"),
        CreateCommand::new("form").description("Shows a modal"),
        CreateCommand::new("buttons").description("Shows a button"),
        CreateCommand::new("slow").description("Defers, then edits"),
        CreateCommand::new("pick")
            .description("Autocompletes")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "fruit", "A fruit")
                    .required(true)
                    .set_autocomplete(true),
            ),
    ]
}

fn msg(content: impl Into<String>) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().content(content)
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, _ready: Ready) {
        Command::set_global_commands(&ctx.http, commands())
            .await
            .expect("register commands");
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token, response) = match &interaction {
            Interaction::Command(c) => {
                let response = match c.data.name.as_str() {
                    "long" => {
                        // serenity's builder refuses 2001 characters client-side; go raw.
                        let body =
                            serde_json::json!({"type": 4, "data": {"content": "x".repeat(2001)}});
                        let _ = ctx
                            .http
                            .create_interaction_response(c.id, &c.token, &body, vec![])
                            .await;
                        return;
                    }
                    "file" => CreateInteractionResponse::Message(
                        msg("here")
                            .add_file(CreateAttachment::bytes(b"hello file".to_vec(), "a.txt")),
                    ),
                    "form" => CreateInteractionResponse::Modal(
                        CreateModal::new("form-1", "A form").components(vec![
                            CreateActionRow::InputText(CreateInputText::new(
                                InputTextStyle::Short,
                                "Name",
                                "name",
                            )),
                        ]),
                    ),
                    "slow" => {
                        c.defer_ephemeral(&ctx.http).await.expect("defer");
                        let edit = EditInteractionResponse::new().content("done");
                        c.edit_response(&ctx.http, edit)
                            .await
                            .expect("edit original");
                        return;
                    }
                    "buttons" => CreateInteractionResponse::Message(
                        msg("press").button(CreateButton::new("press-1").label("Press")),
                    ),
                    _ => CreateInteractionResponse::Message(msg("pong").ephemeral(true)),
                };
                (c.id, c.token.clone(), response)
            }
            Interaction::Autocomplete(a) => {
                let typed = a
                    .data
                    .autocomplete()
                    .map(|o| o.value.to_string())
                    .unwrap_or_default();
                let response = CreateInteractionResponse::Autocomplete(
                    CreateAutocompleteResponse::new()
                        .add_string_choice(format!("{typed}-apple"), "apple"),
                );
                (a.id, a.token.clone(), response)
            }
            Interaction::Component(c) => (
                c.id,
                c.token.clone(),
                CreateInteractionResponse::UpdateMessage(msg(format!(
                    "pressed {}",
                    c.data.custom_id
                ))),
            ),
            Interaction::Modal(m) => {
                let value = m
                    .data
                    .components
                    .iter()
                    .flat_map(|r| r.components.iter())
                    .find_map(|c| match c {
                        serenity::all::ActionRowComponent::InputText(t) => t.value.clone(),
                        _ => None,
                    });
                (
                    m.id,
                    m.token.clone(),
                    CreateInteractionResponse::Message(msg(format!(
                        "hello {}",
                        value.unwrap_or_default()
                    ))),
                )
            }
            _ => return,
        };
        // Errors (e.g. the deliberate over-limit reply) are the fake's to record.
        let _ = response.execute(&ctx.http, (id, &token)).await;
    }

    async fn message(&self, ctx: Context, message: Message) {
        if message.guild_id.is_none() && !message.author.bot {
            let reply = CreateMessage::new().content(format!("echo: {}", message.content));
            message
                .author
                .direct_message(&ctx.http, reply)
                .await
                .expect("DM reply");
        }
    }
}

fn http(fake: &FakeDiscord) -> Http {
    HttpBuilder::new(FakeDiscord::TOKEN)
        .proxy(fake.origin())
        .ratelimiter_disabled(true)
        .build()
}

/// Starts the fake and a serenity client connected to it; waits for READY and registration.
async fn start() -> FakeDiscord {
    let fake = FakeDiscord::start().await;
    let intents = GatewayIntents::GUILDS | GatewayIntents::DIRECT_MESSAGES;
    let mut client: Client = ClientBuilder::new_with_http(http(&fake), intents)
        .event_handler(Handler)
        .await
        .expect("client");
    tokio::spawn(async move { client.start().await });
    fake.wait_ready(T).await;
    fake.wait_commands_registered(T).await;
    fake
}

/// The status and Discord error code serenity parsed from a failed request.
fn http_error(result: serenity::Result<Message>) -> (u16, isize, String) {
    match result {
        Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(e))) => {
            (e.status_code.as_u16(), e.error.code, e.error.message)
        }
        other => panic!("expected an unsuccessful request, got {other:?}"),
    }
}

async fn ping(fake: &FakeDiscord, who: &Actor) {
    let i = fake.slash(who, "ping", json!([])).await;
    let cb = fake.wait_callback(&i, T).await;
    assert_eq!(cb["type"], 4, "{cb}");
    assert_eq!(cb["data"]["flags"], 64, "{cb}");
    assert_eq!(cb["data"]["content"], "pong", "{cb}");
}

#[tokio::test]
async fn ready_and_slash_answered_ephemerally() {
    let fake = start().await;
    assert_eq!(fake.identify_intents(), Some((1 << 0) | (1 << 12)));
    ping(&fake, &Actor::member(1001)).await;
    ping(&fake, &Actor::admin(1002).in_dm()).await;
    fake.assert_no_violations();
}

#[tokio::test]
async fn every_interaction_kind_reaches_serenity() {
    let fake = start().await;
    let who = Actor::member(1101);

    let i = fake
        .autocomplete(
            &who,
            "pick",
            json!([{"type": 3, "name": "fruit", "value": "ap", "focused": true}]),
        )
        .await;
    let cb = fake.wait_callback(&i, T).await;
    assert_eq!(cb["type"], 8, "{cb}");
    assert_eq!(cb["data"]["choices"][0]["name"], "ap-apple", "{cb}");

    let i = fake.slash(&who, "buttons", json!([])).await;
    assert_eq!(
        fake.wait_callback(&i, T).await["data"]["components"][0]["components"][0]["custom_id"],
        "press-1"
    );
    let on = fake.original_response(&i).expect("the reply message");
    let i = fake.component(&who, "press-1", 2, &[], Some(on)).await;
    let cb = fake.wait_callback(&i, T).await;
    assert_eq!(
        (cb["type"].clone(), cb["data"]["content"].clone()),
        (json!(7), json!("pressed press-1"))
    );

    let i = fake.slash(&who, "form", json!([])).await;
    assert_eq!(fake.wait_callback(&i, T).await["type"], 9);
    let i = fake.modal_submit(&who, "form-1", &[("name", "Ada")]).await;
    assert_eq!(
        fake.wait_callback(&i, T).await["data"]["content"],
        "hello Ada"
    );

    let i = fake.slash(&who, "slow", json!([])).await;
    let cb = fake.wait_callback(&i, T).await;
    assert_eq!(
        (cb["type"].clone(), cb["data"]["flags"].clone()),
        (json!(5), json!(64)),
        "{cb}"
    );
    let edit = fake.wait_followup_or_edit(&i, T).await;
    assert_eq!((edit.method.as_str(), edit.status), ("PATCH", 200));
    assert_eq!(edit.body["content"], "done");

    let i = fake.slash(&who, "file", json!([])).await;
    let cb = fake.wait_callback(&i, T).await;
    assert_eq!(cb["files"][0]["filename"], "a.txt", "{cb}");
    assert_eq!(cb["files"][0]["content"], "hello file", "{cb}");
    fake.assert_no_violations();
}

#[tokio::test]
async fn dm_gets_a_reply() {
    let fake = start().await;
    let user = Actor::member(1201);
    fake.dm_message(&user, "hello").await;
    let sent = fake.wait_dm_messages(user.id, 1, T).await;
    assert_eq!(sent[0]["content"], "echo: hello");
    assert_eq!(fake.dm_messages_to(user.id).len(), 1);
    fake.assert_no_violations();
}

#[tokio::test]
async fn resumes_after_drop_reconnect_and_resumable_invalid_session() {
    let fake = start().await;
    let who = Actor::member(1301);
    ping(&fake, &who).await;

    fake.drop_gateway().await;
    ping(&fake, &who).await;
    assert!(
        fake.sessions_resumed() >= 1,
        "resumed {}",
        fake.sessions_resumed()
    );

    fake.request_reconnect().await;
    ping(&fake, &who).await;
    assert!(
        fake.sessions_resumed() >= 2,
        "resumed {}",
        fake.sessions_resumed()
    );

    fake.invalidate_session(true).await;
    ping(&fake, &who).await;
    assert!(
        fake.sessions_resumed() >= 3,
        "resumed {}",
        fake.sessions_resumed()
    );
    assert_eq!(fake.sessions_identified(), 1);
    fake.assert_no_violations();
}

#[tokio::test]
async fn nonce_deduplicates_and_is_limited() {
    let fake = FakeDiscord::start().await;
    let http = http(&fake);
    let channel = ChannelId::new(fake.channel_id());
    let send = || {
        channel.send_message(
            &http,
            CreateMessage::new()
                .content("x")
                .nonce(Nonce::String("abc".into()))
                .enforce_nonce(true),
        )
    };
    let first = send().await.expect("first");
    let second = send().await.expect("second");
    assert_eq!(first.id, second.id);
    assert_eq!(fake.messages_to_channel(fake.channel_id()).len(), 1);
    assert_eq!(
        fake.created_messages(fake.channel_id())[0]["id"],
        first.id.to_string()
    );
    fake.assert_no_violations();

    let long = CreateMessage::new()
        .content("x")
        .nonce(Nonce::String("n".repeat(26)))
        .enforce_nonce(true);
    assert_eq!(http_error(channel.send_message(&http, long).await).0, 400);
    assert!(fake.take_violations().iter().any(|v| v.contains("nonce")));
}

#[tokio::test]
async fn closed_dms_429_and_forced_failures() {
    let fake = FakeDiscord::start().await;
    let http = http(&fake);
    fake.close_dms_for(1401);
    let (status, code, _) = http_error(
        UserId::new(1401)
            .direct_message(&http, CreateMessage::new().content("hi"))
            .await,
    );
    assert_eq!((status, code), (403, 50007));

    let channel = ChannelId::new(fake.channel_id());
    let say = || channel.say(&http, "hello");
    fake.fail_next_messages_with_429(1, 1.5, false);
    let (status, code, message) = http_error(say().await);
    assert_eq!(
        (status, code),
        (429, -1),
        "without `code` serenity cannot decode the body: {message}"
    );
    fake.fail_next_messages_with_429(1, 1.5, true);
    let (status, code, message) = http_error(say().await);
    assert_eq!(
        (status, code, message.as_str()),
        (429, 0, "You are being rate limited.")
    );
    let rec = fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.status == 429)
        .unwrap();
    assert_eq!(
        rec.path,
        format!("/channels/{}/messages", fake.channel_id())
    );
    fake.fail_next_messages_with_status(1, 502);
    assert_eq!(http_error(say().await).0, 502);
    say()
        .await
        .expect("succeeds once the forced failures are used up");

    fake.set_rate_limit_per_second(Some(2));
    say().await.expect("1st within limit");
    say().await.expect("2nd within limit");
    assert_eq!(http_error(say().await).0, 429);
    assert_eq!(fake.rate_limit_hits(), 1);
    assert_eq!(fake.messages_to_channel(fake.channel_id()).len(), 3);
    fake.assert_no_violations();
}

#[tokio::test]
async fn payload_limits_are_reported() {
    let fake = start().await;
    let http = http(&fake);
    let channel = ChannelId::new(fake.channel_id());

    // serenity's builders check some limits client-side; the raw route reaches the fake.
    let raw = |body: serde_json::Value| {
        let http = &http;
        async move { http.send_message(channel, vec![], &body).await }
    };
    let (status, code, _) = http_error(raw(json!({"content": "y".repeat(2001)})).await);
    assert_eq!((status, code), (400, 50035));
    let fields: Vec<_> = (0..26)
        .map(|n| json!({"name": format!("f{n}"), "value": "v"}))
        .collect();
    let embed = json!({"title": "t".repeat(257), "fields": fields});
    assert_eq!(http_error(raw(json!({"embeds": [embed]})).await).0, 400);
    assert_eq!(
        http_error(channel.send_message(&http, CreateMessage::new()).await).0,
        400
    );

    http.set_application_id(fake.application_id().into()); // a client sets it from READY
    let bad = json!([{"name": "Bad", "description": "", "type": 1}]);
    assert!(http.create_global_commands(&bad).await.is_err());

    let i = fake.slash(&Actor::member(1501), "long", json!([])).await;
    fake.wait_callback(&i, T).await;

    let v = fake.take_violations();
    let expect = [
        "content: must be 2000",
        "embeds.0.title",
        "embeds.0.fields",
        "empty message",
        "must be lowercase",
        "description",
        "callback: data.content",
    ];
    for needle in expect {
        assert!(
            v.iter().any(|l| l.contains(needle)),
            "no violation mentioning {needle:?} in {v:#?}"
        );
    }
}
