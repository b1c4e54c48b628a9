//! GraphQL over HTTP, following the GraphQL-over-HTTP specification.
//!
//! - `POST` takes `application/json` bodies (a request or a batch array); other content types get 415.
//! - `GET` takes `query`, `variables`, `operationName` in the query string and runs queries only: a mutation
//!   over `GET` gets 405 with `Allow: POST`.
//! - Responses are `application/graphql-response+json` unless the client accepts only `application/json`. In
//!   the former, a request that fails before execution (unparsable, invalid) gets 400; in the latter, 200.
//! - A bearer token that is present but bad gets 401 with an `UNAUTHENTICATED` error; no token is anonymous.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Request};
use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

use super::AppState;
use crate::auth::Caller;
use crate::config::Limits;
use crate::graphql::document::Shape;
use crate::graphql::memo::Memo;
use crate::graphql::persisted::Refusal;
use crate::graphql::{TreasureSchema, ftv1};
use crate::slots;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type the client gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    /// From the `Accept` header; `None` if the client accepts neither media type.
    fn negotiate(headers: &HeaderMap) -> Option<Self> {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            // The spec: no Accept header means `application/json`.
            return Some(Self::Json);
        };
        let ranges: Vec<&str> = accept
            .split(',')
            .map(|range| range.split(';').next().unwrap_or("").trim())
            .collect();
        if ranges
            .iter()
            .any(|r| r.eq_ignore_ascii_case(GRAPHQL_RESPONSE_JSON))
        {
            Some(Self::GraphqlResponseJson)
        } else if ranges
            .iter()
            .any(|r| r.eq_ignore_ascii_case(JSON) || *r == "application/*")
        {
            Some(Self::Json)
        } else if ranges.contains(&"*/*") {
            Some(Self::GraphqlResponseJson)
        } else {
            None
        }
    }

    /// The status of a request that fails before execution: 400, except for plain JSON clients (200).
    fn request_error_status(self) -> StatusCode {
        match self {
            Self::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            Self::Json => StatusCode::OK,
        }
    }

    fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// `GET /graphql`: a WebSocket upgrade for subscriptions, else `?query=...` for queries only.
pub async fn get_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Ok(upgrade) = upgrade {
        return super::websocket::upgrade(state, &headers, upgrade);
    }
    let Some(media) = MediaType::negotiate(&headers) else {
        return not_acceptable();
    };
    let mut request = match parse_get(uri.query().unwrap_or_default()) {
        Ok(request) => request,
        Err(reason) => {
            return request_error(media, StatusCode::BAD_REQUEST, "BAD_REQUEST", &reason);
        }
    };
    // A persisted document is looked up first, so that a hash cannot smuggle a mutation into a GET.
    if let Err((code, message)) = state.persisted.resolve(&mut request) {
        return request_error(media, media.request_error_status(), code, &message);
    }
    if selects_mutation(&request) {
        let mut response = request_error(
            media,
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, &headers, media, BatchRequest::Single(request)).await
}

/// `POST /graphql` with a JSON body.
pub async fn post_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: HttpBody,
) -> Response {
    let event_stream = super::sse::wanted(&headers);
    let media = match MediaType::negotiate(&headers) {
        Some(media) => media,
        None if event_stream => MediaType::GraphqlResponseJson,
        None => return not_acceptable(),
    };
    let Ok(body) = axum::body::to_bytes(body, state.limits.max_body_bytes).await else {
        return request_error(
            media,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            &format!(
                "the request body is larger than the limit of {} bytes (--max-body-bytes)",
                state.limits.max_body_bytes
            ),
        );
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    if !content_type.is_some_and(|ct| ct.eq_ignore_ascii_case(JSON)) {
        return request_error(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request as application/json",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(err) => {
            let reason = match err.classify() {
                serde_json::error::Category::Data => "the body is JSON but not a GraphQL request",
                _ => "the body is not valid JSON",
            };
            return request_error(media, StatusCode::BAD_REQUEST, "BAD_REQUEST", reason);
        }
    };
    if event_stream {
        let BatchRequest::Single(request) = batch else {
            let message = "an event stream carries one operation, not a batch";
            return request_error(media, StatusCode::BAD_REQUEST, "BAD_REQUEST", message);
        };
        return match authenticate(&state, &headers).await {
            Ok(caller) => super::sse::stream(&state, caller, request),
            Err(message) => unauthenticated(media, &message),
        };
    }
    execute(&state, &headers, media, batch).await
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    media: MediaType,
    batch: BatchRequest,
) -> Response {
    let caller = match authenticate(state, headers).await {
        Ok(caller) => caller,
        Err(message) => return unauthenticated(media, &message),
    };
    let request_id = headers
        .get(super::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let traced = headers
        .get(ftv1::HEADER)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(ftv1::FTV1.as_bytes()));
    let schema = if traced {
        &state.traced_schema
    } else {
        &state.schema
    };
    let response = match batch {
        BatchRequest::Single(request) => {
            BatchResponse::Single(run(state, schema, &caller, request_id, request).await)
        }
        BatchRequest::Batch(requests) => {
            if requests.is_empty() {
                return request_error(
                    media,
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "the batch is empty",
                );
            }
            if requests.len() > state.limits.max_batch {
                return request_error(
                    media,
                    StatusCode::BAD_REQUEST,
                    "BATCH_TOO_LARGE",
                    &format!(
                        "the batch holds {} operations, more than the limit of {} (--max-batch)",
                        requests.len(),
                        state.limits.max_batch
                    ),
                );
            }
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(run(state, schema, &caller, request_id, request).await);
            }
            BatchResponse::Batch(responses)
        }
    };
    respond(media, response)
}

/// Executes one operation with fresh loaders, and records it in the metrics.
async fn run(
    state: &AppState,
    schema: &TreasureSchema,
    caller: &Caller,
    request_id: &str,
    mut request: Request,
) -> async_graphql::Response {
    let started = Instant::now();
    let document = match admit(state, &mut request) {
        Ok(document) => document,
        Err((code, message)) => {
            state.metrics.request("unknown", "request_error", 0.0);
            let mut response = refused(code, message);
            tag_errors(&mut response, request_id);
            return response;
        }
    };
    let selected = document
        .as_ref()
        .and_then(|d| selected_operation(d, request.operation_name.as_deref()));
    let operation_name = selected.as_ref().and_then(|(_, name)| name.clone());
    if let Some(document) = document {
        // Executed as parsed here: async-graphql would otherwise parse the text a second time.
        request.set_parsed_query(document);
    }
    let is_query = matches!(selected, Some((OperationType::Query, _)));
    let operation_type = match selected.map(|(ty, _)| ty) {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    };
    let loaders = state.request_loaders();
    let span = tracing::info_span!(
        "graphql.operation",
        otel.name = tracing::field::Empty,
        graphql.operation.type = operation_type,
        graphql.operation.name = operation_name.as_deref().unwrap_or(""),
    );
    if crate::telemetry::otel::enabled() {
        let name = operation_name.as_deref().unwrap_or("anonymous");
        span.record("otel.name", format!("{operation_type} {name}"));
    }
    let response = async {
        let slot = state.execution_slot().await;
        let mut request = request.data(caller.clone()).data(loaders);
        if is_query {
            // Queries only: see `graphql::memo` for why mutations and subscriptions are not memoised.
            request = request.data(Arc::new(Memo::default()));
        }
        // Released while the operation waits on a partner API (`slots`).
        slots::holding(slot, schema.execute(request)).await
    }
    .instrument(span)
    .await;
    let mut response = response;
    name_limits(&mut response, &state.limits);
    tag_errors(&mut response, request_id);
    let outcome = if response.errors.is_empty() {
        "ok"
    } else if failed_before_execution(&response) {
        "request_error"
    } else {
        "field_error"
    };
    let seconds = started.elapsed().as_secs_f64();
    state.metrics.request(operation_type, outcome, seconds);
    state
        .metrics
        .operation(operation_name.as_deref(), operation_type, seconds);
    response
}

/// Fills in a persisted document and checks the document limits: the parsed document (`None` if it does not
/// parse; execution says why), or the refusal. Parsed once here, for the limits and the metrics; `run` hands
/// the document on to execution.
pub(super) fn admit(
    state: &AppState,
    request: &mut Request,
) -> Result<Option<ExecutableDocument>, Refusal> {
    state.persisted.resolve(request)?;
    let document = async_graphql::parser::parse_query(&request.query).ok();
    match document
        .as_ref()
        .and_then(|d| Shape::of(d).refusal(&state.limits))
    {
        Some(refusal) => Err(refusal),
        None => Ok(document),
    }
}

/// A response refusing a request before execution, with `extensions.code`.
pub(super) fn refused(code: &'static str, message: impl Into<String>) -> async_graphql::Response {
    let mut error = async_graphql::ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    async_graphql::Response::from_errors(vec![error])
}

/// Every error carries the request's id, which every log line of the request carries too, so that a client's
/// report leads an operator to the logs (and, for an `INTERNAL` error, to its cause).
fn tag_errors(response: &mut async_graphql::Response, request_id: &str) {
    for error in &mut response.errors {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("requestId", request_id);
    }
}

/// async-graphql reports a limit without saying which: say it, with a code a client can act on.
fn name_limits(response: &mut async_graphql::Response, limits: &Limits) {
    for error in &mut response.errors {
        let (code, message) = match error.message.as_str() {
            "Query is nested too deep." => (
                "QUERY_TOO_DEEP",
                format!(
                    "the query nests deeper than the limit of {} levels (--max-depth)",
                    limits.max_depth
                ),
            ),
            "Query is too complex." => (
                "QUERY_TOO_COMPLEX",
                format!(
                    "the query costs more than the limit of {} (--max-complexity); each field costs 1 and a list \
                     field multiplies what is under it by its `first`",
                    limits.max_complexity
                ),
            ),
            _ => continue,
        };
        error.message = message;
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, String> {
    let value = match headers.get(header::AUTHORIZATION) {
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| "the Authorization header is not text".to_owned())?,
        ),
        None => None,
    };
    state
        .auth
        .caller(value)
        .await
        .map_err(|err| err.to_string())
}

/// The GraphQL request in a GET query string. (async-graphql's own parser expects `operation_name`, not the
/// specification's `operationName`.)
fn parse_get(query_string: &str) -> Result<Request, String> {
    #[derive(serde::Deserialize)]
    struct Params {
        query: Option<String>,
        #[serde(rename = "operationName")]
        operation_name: Option<String>,
        variables: Option<String>,
        extensions: Option<String>,
    }
    let params: Params = serde_urlencoded::from_str(query_string)
        .map_err(|_| "the query string is not a GraphQL request".to_owned())?;
    let query = params.query.filter(|q| !q.trim().is_empty());
    if query.is_none() && params.extensions.is_none() {
        return Err("a GET request needs a `query` parameter (or a persisted query's hash)".into());
    }
    let mut request = Request::new(query.unwrap_or_default());
    request.operation_name = params.operation_name.filter(|name| !name.is_empty());
    if let Some(variables) = params.variables.filter(|v| !v.is_empty()) {
        request.variables = serde_json::from_str(&variables)
            .map_err(|_| "`variables` must be a JSON object".to_owned())?;
    }
    if let Some(extensions) = params.extensions.filter(|e| !e.is_empty()) {
        request.extensions = serde_json::from_str(&extensions)
            .map_err(|_| "`extensions` must be a JSON object".to_owned())?;
    }
    Ok(request)
}

/// Whether the operation a GET request would run is a mutation (or subscription).
fn selects_mutation(request: &Request) -> bool {
    let selected = async_graphql::parser::parse_query(&request.query)
        .ok()
        .and_then(|d| selected_operation(&d, request.operation_name.as_deref()));
    matches!(
        selected,
        Some((OperationType::Mutation | OperationType::Subscription, _))
    )
}

/// The type and name of the operation a document selects; `None` when it selects none (execution says why).
fn selected_operation(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(OperationType, Option<String>)> {
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some((op.node.ty, None)),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.get(name).map(|op| (op.node.ty, Some(name.to_owned())))
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
            .iter()
            .next()
            .map(|(name, op)| (op.node.ty, Some(name.to_string()))),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

fn respond(media: MediaType, response: BatchResponse) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, media.header_value());
    for (name, value) in response.http_headers_iter() {
        headers.append(name, value);
    }
    let (status, body) = match response {
        BatchResponse::Single(single) => {
            let rejected = failed_before_execution(&single);
            let status = if media == MediaType::GraphqlResponseJson && rejected {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            (status, serde_json::to_vec(&Body::from(single)))
        }
        BatchResponse::Batch(all) => (
            StatusCode::OK,
            serde_json::to_vec(&all.into_iter().map(Body::from).collect::<Vec<_>>()),
        ),
    };
    match body {
        Ok(body) => (status, headers, body).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "serialising a GraphQL response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// One response as sent: an executed one as async-graphql serialises it, a rejected one reshaped.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Body {
    Executed(async_graphql::Response),
    Rejected(serde_json::Value),
}

impl From<async_graphql::Response> for Body {
    /// A request that failed before execution has no `data` entry (as the GraphQL specification asks), and its
    /// errors carry `GRAPHQL_PARSE_FAILED` or `GRAPHQL_VALIDATION_FAILED`.
    fn from(mut response: async_graphql::Response) -> Self {
        if !failed_before_execution(&response) {
            return Self::Executed(response);
        }
        for error in &mut response.errors {
            let code = if error.message.starts_with(" --> ") {
                "GRAPHQL_PARSE_FAILED"
            } else {
                "GRAPHQL_VALIDATION_FAILED"
            };
            let extensions = error.extensions.get_or_insert_with(Default::default);
            if extensions.get("code").is_none() {
                extensions.set("code", code);
            }
        }
        Self::Rejected(json!({ "errors": response.errors }))
    }
}

/// A request error: no `data`, every error without a path (parse, validation or variable errors).
fn failed_before_execution(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// An error response for a request that was not executed.
fn request_error(media: MediaType, status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, media.header_value());
    (status, headers, body.to_string()).into_response()
}

/// 401 for a token that is present but bad.
fn unauthenticated(media: MediaType, message: &str) -> Response {
    let mut response = request_error(media, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

fn not_acceptable() -> Response {
    let body = json!({ "errors": [{ "message": format!("accept {GRAPHQL_RESPONSE_JSON} or {JSON}"), "extensions": { "code": "NOT_ACCEPTABLE" } }] });
    (
        StatusCode::NOT_ACCEPTABLE,
        [(header::CONTENT_TYPE, JSON)],
        body.to_string(),
    )
        .into_response()
}
