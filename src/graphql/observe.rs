//! An extension that counts and times every GraphQL operation into the server's [`Metrics`].

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Response, ServerResult, Variables};

use crate::telemetry::Metrics;

/// Records `graphql_requests_total{operation_type, outcome}` and `graphql_request_duration_seconds`.
pub struct RequestMetrics(pub Arc<Metrics>);

impl ExtensionFactory for RequestMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Observer {
            metrics: self.0.clone(),
            document: Mutex::new(None),
            operation_type: Mutex::new("unknown"),
        })
    }
}

struct Observer {
    metrics: Arc<Metrics>,
    document: Mutex<Option<ExecutableDocument>>,
    operation_type: Mutex<&'static str>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Observer {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        let outcome = if response.errors.is_empty() {
            "ok"
        } else if response.data == async_graphql::Value::Null
            && response.errors.iter().all(|e| e.path.is_empty())
        {
            "request_error"
        } else {
            "field_error"
        };
        let operation_type = self.operation_type.lock().map_or("unknown", |t| *t);
        self.metrics
            .request(operation_type, outcome, started.elapsed().as_secs_f64());
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut slot) = self.document.lock() {
            *slot = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let operation_type = self
            .document
            .lock()
            .ok()
            .and_then(|document| document.as_ref().and_then(|d| type_of(d, operation_name)));
        if let (Some(found), Ok(mut slot)) = (operation_type, self.operation_type.lock()) {
            *slot = found;
        }
        next.run(ctx, operation_name).await
    }
}

fn type_of(document: &ExecutableDocument, operation_name: Option<&str>) -> Option<&'static str> {
    let ty = match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => op.node.ty,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?.node.ty,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some(match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    })
}
