//! The websocket gateway at `/gateway`: Hello, Identify -> READY (+ GUILD_CREATE),
//! heartbeats, RESUME with replay from a per-session buffer, and the fault controls (drop
//! the TCP connection, op 7, op 9). Dispatches from the test side go through [`dispatch`].

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State as AxumState};
use axum::response::Response;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::payloads::{check_dispatch, guild_create_json, ready_json};
use super::state::{Conn, ConnCmd, Session, Shared, State, SESSION_WAIT};
use super::{Dir, Frame, TOKEN};

pub(crate) async fn ws_handler(
    AxumState(shared): AxumState<Arc<Shared>>,
    RawQuery(query): RawQuery,
    ws: WebSocketUpgrade,
) -> Response {
    {
        let mut st = shared.lock();
        if st.gateway_down {
            st.gateway_refusals += 1;
            drop(st);
            shared.changed();
            return axum::response::IntoResponse::into_response((
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "gateway down (fake-discord)",
            ));
        }
    }
    if query
        .as_deref()
        .is_none_or(|q| !q.split('&').any(|kv| kv == "v=10"))
    {
        shared
            .lock()
            .violation(format!("gateway connected without ?v=10 (query {query:?})"));
    }
    ws.on_upgrade(move |socket| run_connection(shared, socket))
}

fn record(st: &mut State, conn: u64, dir: Dir, frame: &Value) {
    st.frames.push(Frame {
        conn,
        dir,
        op: frame["op"].as_u64().unwrap_or(u64::MAX),
        t: frame["t"].as_str().map(str::to_string),
        s: frame["s"].as_u64(),
        d: frame["d"].clone(),
    });
}

async fn run_connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel::<ConnCmd>();
    let conn_id = {
        let mut st = shared.lock();
        let id = st.next_conn_id;
        st.next_conn_id += 1;
        st.open_conns.insert(id, tx.clone());
        let hello = json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": st.heartbeat_interval_ms}});
        let _ = tx.send(ConnCmd::Frame(hello));
        id
    };
    shared.changed();
    let mut closed_by_peer = false;
    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(ConnCmd::Frame(frame)) => {
                    record(&mut shared.lock(), conn_id, Dir::Out, &frame);
                    shared.changed();
                    let text = frame.to_string();
                    shared.probes.frame_writing(&frame);
                    if socket.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                Some(ConnCmd::Drop) | None => break,
                Some(ConnCmd::Close(code)) => {
                    let frame = axum::extract::ws::CloseFrame { code, reason: "fake-discord".into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    break;
                }
            },
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(text))) => on_frame(&shared, conn_id, &tx, &text),
                Some(Ok(Message::Binary(_))) => {
                    shared.lock().violation("gateway: client sent a binary frame (expected JSON text)");
                }
                Some(Ok(Message::Close(_))) => {
                    closed_by_peer = true;
                    break;
                }
                None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    if closed_by_peer {
        // Complete the closing handshake: serenity waits for it when it restarts a shard.
        let _ = socket.close().await;
    } else {
        // Closes the TCP connection; after ConnCmd::Drop without any close frame.
        drop(socket);
    }
    let mut st = shared.lock();
    st.open_conns.remove(&conn_id);
    if st.current.as_ref().is_some_and(|c| c.id == conn_id) {
        st.current = None;
    }
    drop(st);
    shared.changed();
}

fn on_frame(shared: &Shared, conn_id: u64, tx: &mpsc::UnboundedSender<ConnCmd>, text: &str) {
    let mut st = shared.lock();
    let frame: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            st.violation(format!("gateway: client sent invalid JSON ({e}): {text}"));
            return;
        }
    };
    record(&mut st, conn_id, Dir::In, &frame);
    let d = &frame["d"];
    match frame["op"].as_u64() {
        Some(1) => {
            let _ = tx.send(ConnCmd::Frame(
                json!({"op": 11, "s": null, "t": null, "d": null}),
            ));
        }
        Some(2) => identify(&mut st, conn_id, tx, d),
        Some(6) => resume(&mut st, conn_id, tx, d),
        Some(3 | 4 | 8 | 31) => {}
        other => st.violation(format!(
            "gateway: client sent unexpected op {other:?}: {text}"
        )),
    }
    drop(st);
    shared.changed();
}

fn token_ok(token: &Value) -> bool {
    let t = token.as_str().unwrap_or("");
    t == TOKEN || t.strip_prefix("Bot ") == Some(TOKEN)
}

/// Numbers `d` as the next dispatch of `session_id`, keeps it for RESUME and queues it.
fn push_dispatch(
    st: &mut State,
    session_id: &str,
    t: &str,
    d: Value,
    tx: &mpsc::UnboundedSender<ConnCmd>,
) -> u64 {
    let session = st.sessions.get_mut(session_id).expect("session exists");
    session.seq += 1;
    let frame = json!({"op": 0, "s": session.seq, "t": t, "d": d});
    session.buffer.push(frame.clone());
    let seq = session.seq;
    let _ = tx.send(ConnCmd::Frame(frame));
    seq
}

fn identify(st: &mut State, conn_id: u64, tx: &mpsc::UnboundedSender<ConnCmd>, d: &Value) {
    if !token_ok(&d["token"]) {
        st.violation(format!("gateway: Identify with wrong token {}", d["token"]));
        let _ = tx.send(ConnCmd::Close(4004));
        return;
    }
    match d["intents"].as_u64() {
        Some(i) => st.intents = Some(i),
        None => st.violation("gateway: Identify without intents"),
    }
    st.identified += 1;
    let session_id = format!("fake-session-{}", st.identified);
    st.sessions.insert(
        session_id.clone(),
        Session {
            seq: 0,
            buffer: Vec::new(),
            valid: true,
        },
    );
    let ready = ready_json(&session_id, &st.ws_url());
    let guild = guild_create_json();
    for (t, d) in [("READY", &ready), ("GUILD_CREATE", &guild)] {
        if let Err(e) = check_dispatch(t, d) {
            st.violation(e);
        }
    }
    push_dispatch(st, &session_id, "READY", ready, tx);
    st.ready_sent += 1;
    if st.intents.is_some_and(|i| i & 1 != 0) {
        push_dispatch(st, &session_id, "GUILD_CREATE", guild, tx);
    }
    st.current = Some(Conn {
        id: conn_id,
        session_id,
        tx: tx.clone(),
    });
}

fn resume(st: &mut State, conn_id: u64, tx: &mpsc::UnboundedSender<ConnCmd>, d: &Value) {
    if !token_ok(&d["token"]) {
        st.violation(format!("gateway: Resume with wrong token {}", d["token"]));
        let _ = tx.send(ConnCmd::Close(4004));
        return;
    }
    let session_id = d["session_id"].as_str().unwrap_or("").to_string();
    let last_seq = d["seq"].as_u64().unwrap_or(0);
    let valid = st.sessions.get(&session_id).is_some_and(|s| s.valid);
    if !valid {
        let _ = tx.send(ConnCmd::Frame(
            json!({"op": 9, "s": null, "t": null, "d": false}),
        ));
        return;
    }
    let replay: Vec<Value> = st.sessions[&session_id]
        .buffer
        .iter()
        .filter(|f| f["s"].as_u64().is_some_and(|s| s > last_seq))
        .cloned()
        .collect();
    for frame in replay {
        let _ = tx.send(ConnCmd::Frame(frame));
    }
    push_dispatch(
        st,
        &session_id,
        "RESUMED",
        json!({"_trace": ["fake-discord"]}),
        tx,
    );
    st.resumed += 1;
    st.current = Some(Conn {
        id: conn_id,
        session_id,
        tx: tx.clone(),
    });
}

/// Sends a dispatch to the live session, waiting up to [`SESSION_WAIT`] for one (after a
/// drop the bot reconnects). Panics if the event would not deserialize in serenity or no
/// session comes up.
pub(crate) async fn dispatch(shared: &Shared, t: &str, d: Value) -> u64 {
    if let Err(e) = check_dispatch(t, &d) {
        panic!("{e}\npayload: {d:#}");
    }
    let result = shared
        .wait_until(SESSION_WAIT, |st| {
            let conn = st.current.clone()?;
            Some(push_dispatch(st, &conn.session_id, t, d.clone(), &conn.tx))
        })
        .await;
    shared.changed();
    match result {
        Ok(seq) => seq,
        Err(diag) => {
            panic!("no live gateway session to send {t} to within {SESSION_WAIT:?}\n{diag}")
        }
    }
}

/// Sends a dispatch to the live session now, without checking it against serenity's model
/// (for payloads copied from one that was checked); `None` when no session is live.
pub(crate) fn dispatch_now(shared: &Shared, t: &str, d: Value) -> Option<u64> {
    let seq = {
        let mut st = shared.lock();
        let conn = st.current.clone()?;
        push_dispatch(&mut st, &conn.session_id, t, d, &conn.tx)
    };
    shared.changed();
    Some(seq)
}

/// Sends a control command to the live connection, if any; returns its id.
pub(crate) fn control(st: &mut State, cmd: impl FnOnce(&Conn) -> ConnCmd) -> Option<u64> {
    let conn = st.current.take()?;
    let _ = conn.tx.send(cmd(&conn));
    Some(conn.id)
}

/// Waits until connection `id` is closed.
pub(crate) async fn wait_closed(shared: &Shared, id: u64) {
    let _ = shared
        .wait_until(Duration::from_secs(2), |st| {
            (!st.open_conns.contains_key(&id)).then_some(())
        })
        .await;
}
