//! Apollo federated tracing (`ftv1`): when a gateway or router sends `apollo-federation-include-trace: ftv1`,
//! the response carries `extensions.ftv1`, a base64 protobuf `Trace` with the timing of every resolved field, as
//! Apollo Router and Gateway read it for usage reporting. async-graphql does not ship this.
//!
//! Tracing wraps every field, which costs on large responses, so only requests that ask for a trace run on the
//! schema that has this extension (`build_traced_schema`); every other request runs without it.

use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo,
};
use async_graphql::{Response, ServerResult, Value};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use indexmap::IndexMap;
use prost::Message;

/// The request header a gateway sends to ask for a trace, and the value that asks for `ftv1`.
pub const HEADER: &str = "apollo-federation-include-trace";
pub const FTV1: &str = "ftv1";

/// The messages of Apollo's `reports.proto` that a subgraph trace uses, with the same field tags.
pub mod proto {
    /// `google.protobuf.Timestamp`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Timestamp {
        #[prost(int64, tag = "1")]
        pub seconds: i64,
        #[prost(int32, tag = "2")]
        pub nanos: i32,
    }

    /// `Trace`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Trace {
        #[prost(message, optional, tag = "4")]
        pub start_time: Option<Timestamp>,
        #[prost(message, optional, tag = "3")]
        pub end_time: Option<Timestamp>,
        #[prost(uint64, tag = "11")]
        pub duration_ns: u64,
        #[prost(message, optional, tag = "14")]
        pub root: Option<Node>,
    }

    /// `Trace.Node`: a field (named by its response name) or a list element (by its index).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Node {
        #[prost(string, optional, tag = "1")]
        pub response_name: Option<String>,
        #[prost(uint32, optional, tag = "2")]
        pub index: Option<u32>,
        #[prost(string, tag = "14")]
        pub original_field_name: String,
        #[prost(string, tag = "3")]
        pub r#type: String,
        #[prost(string, tag = "13")]
        pub parent_type: String,
        #[prost(uint64, tag = "8")]
        pub start_time: u64,
        #[prost(uint64, tag = "9")]
        pub end_time: u64,
        #[prost(message, repeated, tag = "11")]
        pub error: Vec<Error>,
        #[prost(message, repeated, tag = "12")]
        pub child: Vec<Node>,
    }

    /// `Trace.Error`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Error {
        #[prost(string, tag = "1")]
        pub message: String,
        #[prost(message, repeated, tag = "2")]
        pub location: Vec<Location>,
        #[prost(string, tag = "4")]
        pub json: String,
    }

    /// `Trace.Location`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Location {
        #[prost(uint32, tag = "1")]
        pub line: u32,
        #[prost(uint32, tag = "2")]
        pub column: u32,
    }
}

/// The extension that records an `ftv1` trace of each operation.
pub struct Ftv1;

impl ExtensionFactory for Ftv1 {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Collector {
            started: Instant::now(),
            fields: Mutex::new(Vec::new()),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Segment {
    Name(String),
    Index(u32),
}

/// One resolved field, as recorded while the operation runs.
struct Field {
    path: Vec<Segment>,
    original_name: String,
    return_type: String,
    parent_type: String,
    start_ns: u64,
    end_ns: u64,
    error: Option<proto::Error>,
}

struct Collector {
    started: Instant,
    fields: Mutex<Vec<Field>>,
}

impl Collector {
    fn elapsed_ns(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Collector {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let start_time = SystemTime::now();
        let start_ns = self.elapsed_ns();
        let mut response = next.run(ctx, operation_name).await;
        let duration_ns = self.elapsed_ns().saturating_sub(start_ns);
        let fields = self
            .fields
            .lock()
            .map(|mut fields| std::mem::take(&mut *fields))
            .unwrap_or_default();
        let trace = proto::Trace {
            start_time: Some(timestamp(start_time)),
            end_time: Some(timestamp(SystemTime::now())),
            duration_ns,
            root: Some(tree(fields, start_ns)),
        };
        response.extensions.insert(
            FTV1.to_owned(),
            Value::String(STANDARD.encode(trace.encode_to_vec())),
        );
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let mut path: Vec<Segment> = std::iter::once(info.path_node)
            .chain(info.path_node.parents())
            .map(|node| match node.segment {
                async_graphql::QueryPathSegment::Name(name) => Segment::Name(name.to_owned()),
                async_graphql::QueryPathSegment::Index(i) => {
                    Segment::Index(u32::try_from(i).unwrap_or(u32::MAX))
                }
            })
            .collect();
        path.reverse();
        let original_name = info.name.to_owned();
        let return_type = info.return_type.to_owned();
        let parent_type = info.parent_type.to_owned();
        let start_ns = self.elapsed_ns();
        let result = next.run(ctx, info).await;
        let end_ns = self.elapsed_ns();
        let error = result.as_ref().err().map(|err| proto::Error {
            message: err.message.clone(),
            location: err
                .locations
                .iter()
                .map(|l| proto::Location {
                    line: u32::try_from(l.line).unwrap_or(0),
                    column: u32::try_from(l.column).unwrap_or(0),
                })
                .collect(),
            json: serde_json::to_string(err).unwrap_or_default(),
        });
        if let Ok(mut fields) = self.fields.lock() {
            fields.push(Field {
                path,
                original_name,
                return_type,
                parent_type,
                start_ns,
                end_ns,
                error,
            });
        }
        result
    }
}

fn timestamp(at: SystemTime) -> proto::Timestamp {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    proto::Timestamp {
        seconds: i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        nanos: i32::try_from(since.subsec_nanos()).unwrap_or(0),
    }
}

/// A node while the tree is assembled: children by path segment, in first-seen order.
#[derive(Default)]
struct Building {
    node: proto::Node,
    children: IndexMap<Segment, Building>,
}

/// Assembles recorded fields (in completion order, children before parents) into the trace's node tree, with
/// times relative to the start of execution.
fn tree(mut fields: Vec<Field>, start_ns: u64) -> proto::Node {
    fields.sort_by_key(|f| f.start_ns);
    let mut root = Building::default();
    for field in fields {
        let mut at = &mut root;
        for segment in &field.path {
            at = at.children.entry(segment.clone()).or_insert_with(|| {
                let mut node = proto::Node::default();
                match segment {
                    Segment::Name(name) => node.response_name = Some(name.clone()),
                    Segment::Index(i) => node.index = Some(*i),
                }
                Building {
                    node,
                    children: IndexMap::new(),
                }
            });
        }
        let node = &mut at.node;
        if node.response_name.as_deref() != Some(field.original_name.as_str()) {
            node.original_field_name = field.original_name;
        }
        node.r#type = field.return_type;
        node.parent_type = field.parent_type;
        node.start_time = field.start_ns.saturating_sub(start_ns);
        node.end_time = field.end_ns.saturating_sub(start_ns);
        node.error.extend(field.error);
    }
    finish(root)
}

fn finish(building: Building) -> proto::Node {
    let mut node = building.node;
    node.child = building.children.into_values().map(finish).collect();
    node
}
