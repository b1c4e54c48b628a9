//! GraphQL subscriptions over WebSocket on `GET /graphql`: the `graphql-transport-ws` protocol and the legacy
//! `graphql-ws` one (subscriptions-transport-ws), chosen by `Sec-WebSocket-Protocol`.
//!
//! - **Authentication** happens in `connection_init`: its payload's `Authorization` (or `authorization`,
//!   `headers.Authorization`, or a bare `token`) is verified like an HTTP bearer token; an `Authorization`
//!   header on the upgrade request works too. A bad token closes the connection with 4403.
//! - **Liveness**: every `ping_interval` the server sends a WebSocket ping (and a `ka` message in the legacy
//!   protocol). A connection the client has sent nothing on, not even a pong, for `idle_timeout` is closed,
//!   and so is one whose client stops reading for that long: a stuck client costs a bounded buffer, never the
//!   other subscribers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_graphql::Data;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::header::{AUTHORIZATION, SEC_WEBSOCKET_PROTOCOL};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt, future};
use std::str::FromStr;

use super::AppState;
use crate::events::ConnectionSlots;

/// Close code for a refused `connection_init` (graphql-transport-ws: Forbidden).
const FORBIDDEN: u16 = 4403;
/// Close code for a connection gone quiet (going away).
const IDLE: u16 = 1001;
/// Bytes read from the socket at a time (tungstenite's default is 128 KiB per connection).
const READ_BUFFER: usize = 8 * 1024;
/// The most unsent bytes a connection may hold; a client that does not read fills it, then is dropped.
const MAX_WRITE_BUFFER: usize = 1024 * 1024;

/// Upgrades to a WebSocket speaking the GraphQL protocol the client asked for; 400 if it asked for neither.
pub fn upgrade(state: AppState, headers: &HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    let protocol = headers
        .get(SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|protocols| {
            protocols
                .split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        });
    let Some(protocol) = protocol else {
        let message = "ask for the graphql-transport-ws (or legacy graphql-ws) subprotocol";
        return (StatusCode::BAD_REQUEST, message).into_response();
    };
    let authorization = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        // Small buffers: a subscriber mostly listens. Client messages are documents, bounded like HTTP bodies.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(state.limits.max_body_bytes)
        .max_frame_size(state.limits.max_body_bytes)
        .on_upgrade(move |socket| serve(socket, state, protocol, authorization))
}

/// When the client was last heard from, in milliseconds since the connection opened.
struct Heard {
    opened: Instant,
    last: AtomicU64,
}

impl Heard {
    fn now(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    fn silent_for(&self) -> Duration {
        self.opened
            .elapsed()
            .saturating_sub(Duration::from_millis(self.last.load(Ordering::Relaxed)))
    }
}

async fn serve(
    socket: WebSocket,
    state: AppState,
    protocol: WebSocketProtocols,
    authorization: Option<String>,
) {
    let config = state.events.config();
    let legacy = protocol == WebSocketProtocols::SubscriptionsTransportWS;
    let (mut sink, stream) = socket.split();
    let heard = Arc::new(Heard {
        opened: Instant::now(),
        last: AtomicU64::new(0),
    });
    let input = {
        let heard = heard.clone();
        stream
            .take_while(|message| future::ready(message.is_ok()))
            .filter_map(move |message| {
                heard.now();
                future::ready(match message {
                    Ok(message @ (Message::Text(_) | Message::Binary(_))) => {
                        Some(message.into_data())
                    }
                    _ => None,
                })
            })
    };
    let refused = Arc::new(AtomicBool::new(false));
    let on_init = {
        let (state, refused) = (state.clone(), refused.clone());
        move |payload| connection_data(state, authorization, payload, refused)
    };
    let graphql = async_graphql::http::WebSocket::new(state.schema.clone(), input, protocol)
        .on_connection_init(on_init);
    futures::pin_mut!(graphql);
    let mut ping = tokio::time::interval(config.ping_interval);
    ping.tick().await;
    loop {
        let outgoing: Vec<Message> = tokio::select! {
            message = graphql.next() => match message {
                Some(WsMessage::Text(text)) => vec![Message::Text(text.into())],
                Some(WsMessage::Close(code, reason)) => {
                    let code = if refused.load(Ordering::Relaxed) { FORBIDDEN } else { code };
                    vec![Message::Close(Some(CloseFrame { code, reason: reason.into() }))]
                }
                None => break,
            },
            _ = ping.tick() => {
                if heard.silent_for() > config.idle_timeout {
                    let reason = "no message or pong within the idle timeout";
                    vec![Message::Close(Some(CloseFrame { code: IDLE, reason: reason.into() }))]
                } else if legacy {
                    vec![Message::Text(r#"{"type":"ka"}"#.into()), Message::Ping(Default::default())]
                } else {
                    vec![Message::Ping(Default::default())]
                }
            }
        };
        let closing = outgoing.iter().any(|m| matches!(m, Message::Close(_)));
        for message in outgoing {
            // A client that does not read is given the idle timeout to catch up, then dropped.
            match tokio::time::timeout(config.idle_timeout, sink.send(message)).await {
                Ok(Ok(())) => {}
                _ => return,
            }
        }
        if closing {
            return;
        }
    }
}

/// The connection's data once `connection_init` is accepted: the caller, loaders, and its subscription count.
async fn connection_data(
    state: AppState,
    authorization: Option<String>,
    payload: serde_json::Value,
    refused: Arc<AtomicBool>,
) -> async_graphql::Result<Data> {
    let authorization = authorization.or_else(|| token_in(&payload));
    let caller = match state.auth.caller(authorization.as_deref()).await {
        Ok(caller) => caller,
        Err(err) => {
            refused.store(true, Ordering::Relaxed);
            return Err(err.to_string().into());
        }
    };
    let mut data = Data::default();
    data.insert(caller);
    data.insert(state.request_loaders());
    data.insert(ConnectionSlots::default());
    Ok(data)
}

/// The bearer credential in a `connection_init` payload, as clients commonly send it.
fn token_in(payload: &serde_json::Value) -> Option<String> {
    let header = |object: &serde_json::Value| {
        ["Authorization", "authorization"]
            .iter()
            .find_map(|key| object.get(key).and_then(|v| v.as_str()).map(str::to_owned))
    };
    header(payload)
        .or_else(|| payload.get("headers").and_then(header))
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|token| format!("Bearer {token}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_token_where_clients_put_it() {
        let expected = Some("Bearer t".to_owned());
        assert_eq!(token_in(&json!({ "Authorization": "Bearer t" })), expected);
        assert_eq!(token_in(&json!({ "authorization": "Bearer t" })), expected);
        assert_eq!(
            token_in(&json!({ "headers": { "Authorization": "Bearer t" } })),
            expected
        );
        assert_eq!(token_in(&json!({ "token": "t" })), expected);
        assert_eq!(token_in(&json!({})), None);
        assert_eq!(token_in(&json!(null)), None);
    }
}
