//! GraphQL over Server-Sent Events ("distinct connections" mode of the GraphQL-over-SSE protocol), for clients
//! that cannot open a WebSocket: `POST /graphql` with `Accept: text/event-stream` answers a stream of `next`
//! events, each a GraphQL response, then `complete`. Subscriptions stream until the client goes away; queries
//! and mutations give one `next`. Authentication is the `Authorization` header, as for any POST.

use std::convert::Infallible;

use async_graphql::Request;
use axum::http::{HeaderMap, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt, stream};

use super::AppState;
use crate::auth::Caller;
use crate::events::ConnectionSlots;

/// Whether the client asks for an event stream.
pub fn wanted(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept
                .split(',')
                .any(|range| range.split(';').next().unwrap_or("").trim() == "text/event-stream")
        })
}

/// Runs `request` for `caller` and streams its responses.
pub fn stream(state: &AppState, caller: Caller, mut request: Request) -> Response {
    let responses: std::pin::Pin<Box<dyn Stream<Item = async_graphql::Response> + Send>> =
        match super::graphql::admit(state, &mut request) {
            Err((code, message)) => {
                let refusal = super::graphql::refused(code, message);
                Box::pin(stream::once(async move { refusal }))
            }
            Ok(document) => {
                if let Some(document) = document {
                    request.set_parsed_query(document);
                }
                let request = request
                    .data(caller)
                    .data(state.request_loaders())
                    .data(ConnectionSlots::default());
                Box::pin(state.schema.execute_stream(request))
            }
        };
    let events = responses
        .map(|response| Event::default().event("next").json_data(response))
        .map(|event| event.unwrap_or_else(|_| Event::default().event("next").data("{}")))
        .chain(stream::once(async {
            Event::default().event("complete").data("")
        }))
        .map(Ok::<_, Infallible>);
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(state.events.config().ping_interval))
        .into_response()
}
