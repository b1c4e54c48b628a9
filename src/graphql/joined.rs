//! `Joined<T>`: an object whose selected fields are resolved side by side in one join, not a task each.
//!
//! async-graphql resolves every field of every object as its own boxed future in a `FuturesUnordered` (a
//! task allocation per field). On a response of ten thousand fields, that machinery costs more than the
//! resolvers. `Joined<T>` is the same GraphQL type as `T` (its name, fields and introspection are `T`'s) and
//! runs `T`'s own field resolvers, but polls the fields of one object together from a single allocation: a
//! field that loads still waits for its batch, and the others still finish without it. Whatever it does not
//! resolve the same way goes to `T`'s own resolution, unchanged: a field with a directive, a response key
//! selected twice (async-graphql merges those), and every field of a schema with an extension that hooks
//! around each field (tracing), which says so with [`FieldHooks`].
//!
//! Every object type below the root is returned as `Joined<T>` (connections through [`super::types::Page`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::parser::types::{Field, FragmentDefinition, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};
use futures::FutureExt;
use futures::future::join_all;
use indexmap::IndexMap;

use super::memo::{Identity, Memo, Turn};

/// Schema data saying that an extension of the schema hooks around every field: `Joined` then leaves every
/// object to async-graphql, which runs the hooks.
pub struct FieldHooks;

/// `T`, resolved with one join per object. See the module documentation.
pub struct Joined<T>(pub T);

impl<T: ContainerType + Identity + 'static> OutputType for Joined<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let typename = self.0.introspection_type_name();
        let applies = |condition: &str| {
            condition == typename
                || ctx
                    .schema_env
                    .registry
                    .implements
                    .get(&*typename)
                    .is_some_and(|interfaces| interfaces.contains(condition))
        };
        let mut selected = Vec::new();
        if ctx.data_opt::<FieldHooks>().is_some()
            || !collect(
                &ctx.item.node,
                &ctx.query_env.fragments,
                &applies,
                &mut selected,
            )
        {
            // Boxed, as this path is rare: inline, async-graphql's resolution would make every field future
            // that resolves an object as large.
            return Box::pin(self.0.resolve(ctx, field)).await;
        }

        // An object already resolved with this selection set, or being resolved, is copied (see `memo`).
        let memo = ctx.data_opt::<Arc<Memo>>().zip(self.0.identity());
        let lead = match memo {
            Some((memo, id)) => match memo.turn::<T>(ctx, id).await {
                Turn::Copy(value) => return Ok(value),
                Turn::Lead(lead) => Some(lead),
                Turn::Alone => None,
            },
            None => None,
        };

        // Boxed, once per object: a field's future contains the futures of the objects below it, and the types
        // recurse (Hunt -> Clue -> Solve -> Player -> Hunt), so the join cannot be stored unboxed. Each field's
        // context lives in its own future, so that the join is the object's only allocation besides its value.
        let typename = &typename;
        let results = join_all(selected.iter().map(|field| async move {
            let field_ctx = ctx.with_field(field);
            if field.node.name.node == "__typename" {
                Ok(Some(Value::String(typename.to_string())))
            } else {
                self.0.resolve_field(&field_ctx).await
            }
        }))
        .boxed()
        .await;

        // As async-graphql does: a field that fails is reported and left out.
        let mut object = IndexMap::with_capacity(selected.len());
        for (field, result) in selected.iter().zip(results) {
            match result {
                Ok(value) => {
                    let key: Name = field.node.response_key().node.clone();
                    object.insert(key, value.unwrap_or_default());
                }
                Err(error) => ctx.add_error(error),
            }
        }
        let value = if object.is_empty() {
            Value::Null
        } else {
            Value::Object(object)
        };
        if let Some(lead) = lead {
            lead.finish(ctx, &value);
        }
        Ok(value)
    }
}

/// Gathers, in order, the fields that `set` selects on an object, through the fragments whose type condition
/// `applies`. False when the selection is one to leave to async-graphql: a field, fragment or spread with a
/// directive, a response key selected twice, or a spread of an unknown fragment (which validation refuses).
fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    applies: &impl Fn(&str) -> bool,
    selected: &mut Vec<&'a Positioned<Field>>,
) -> bool {
    for selection in &set.items {
        let (condition, inner) = match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                if !field.node.directives.is_empty()
                    || selected.iter().any(|f| f.node.response_key().node == *key)
                {
                    return false;
                }
                selected.push(field);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                let Some(fragment) = fragments.get(&spread.node.fragment_name.node) else {
                    return false;
                };
                if !spread.node.directives.is_empty() || !fragment.node.directives.is_empty() {
                    return false;
                }
                let fragment = &fragment.node;
                (
                    Some(&fragment.type_condition.node.on.node),
                    &fragment.selection_set.node,
                )
            }
            Selection::InlineFragment(fragment) => {
                if !fragment.node.directives.is_empty() {
                    return false;
                }
                let fragment = &fragment.node;
                (
                    fragment.type_condition.as_ref().map(|c| &c.node.on.node),
                    &fragment.selection_set.node,
                )
            }
        };
        if condition.is_none_or(|on| applies(on)) && !collect(inner, fragments, applies, selected) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Result, Schema};
    use serde_json::{Value as Json, json};

    use super::*;

    /// A node of a small tree: `n`, a field that fails, its children, and a field ready on its second poll.
    struct Item(i32);

    impl Identity for Item {}

    #[Object]
    impl Item {
        async fn n(&self) -> i32 {
            self.0
        }

        async fn fails(&self) -> Result<i32> {
            Err(format!("item {} fails", self.0).into())
        }

        async fn children(&self) -> Vec<Joined<Item>> {
            (1..=2).map(|i| Joined(Item(self.0 * 10 + i))).collect()
        }

        /// Ready only on its second poll, as a field that waits for a batch is.
        async fn later(&self) -> i32 {
            tokio::task::yield_now().await;
            -self.0
        }
    }

    struct Root;

    #[Object]
    impl Root {
        async fn items(&self) -> Vec<Joined<Item>> {
            (1..=3).map(|i| Joined(Item(i))).collect()
        }
    }

    /// The response of `query` with `Joined` resolving, and with async-graphql resolving (as under tracing).
    async fn both(query: &str) -> (Json, Json) {
        let joined = Schema::new(Root, EmptyMutation, EmptySubscription);
        let plain = Schema::build(Root, EmptyMutation, EmptySubscription)
            .data(FieldHooks)
            .finish();
        (answer(&joined, query).await, answer(&plain, query).await)
    }

    /// The response as JSON, its errors sorted by path.
    async fn answer(schema: &Schema<Root, EmptyMutation, EmptySubscription>, query: &str) -> Json {
        let mut response = serde_json::to_value(schema.execute(query).await).unwrap();
        if let Some(errors) = response.get_mut("errors").and_then(Json::as_array_mut) {
            errors.sort_by_key(|e| e["path"].to_string());
        }
        response
    }

    #[tokio::test]
    async fn answers_as_async_graphql_does() {
        let query = "{ items { n later __typename k: children { ...F ... on Item { m: n } } } }
                     fragment F on Item { n later }";
        let (joined, plain) = both(query).await;
        assert_eq!(joined, plain);
        assert_eq!(
            joined["data"]["items"][1],
            json!({ "n": 2, "later": -2, "__typename": "Item", "k": [
                { "n": 21, "later": -21, "m": 21 }, { "n": 22, "later": -22, "m": 22 }
            ] })
        );
    }

    #[tokio::test]
    async fn keys_follow_the_query_not_the_order_fields_finish_in() {
        let (joined, _) = both("{ items { later n } }").await;
        assert_eq!(
            joined["data"]["items"][0].to_string(),
            r#"{"later":-1,"n":1}"#
        );
    }

    #[tokio::test]
    async fn a_failing_field_is_reported_with_its_path_and_left_out_as_async_graphql_does() {
        let (joined, plain) = both("{ items { n fails children { fails n } } }").await;
        assert_eq!(joined, plain);
        assert_eq!(
            joined["data"]["items"][0]["children"][1],
            json!({ "n": 12 })
        );
        assert_eq!(joined["errors"].as_array().unwrap().len(), 9);
        assert_eq!(
            joined["errors"][0]["path"],
            json!(["items", 0, "children", 0, "fails"])
        );
        assert_eq!(joined["errors"][0]["message"], "item 11 fails");
    }

    #[tokio::test]
    async fn selections_it_leaves_to_async_graphql_are_answered_all_the_same() {
        let (joined, plain) = both("{ items { children { n } children { later } } }").await;
        assert_eq!(joined, plain);
        assert_eq!(
            joined["data"]["items"][2]["children"][0],
            json!({ "n": 31, "later": -31 })
        );
    }

    /// The response keys `collect` gathers from the single operation of `query`, on a type `Hunt` that
    /// implements `Node`; `None` if it leaves the selection to async-graphql.
    fn keys(query: &str) -> Option<Vec<String>> {
        let document: ExecutableDocument = parse_query(query).unwrap();
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let applies = |on: &str| on == "Hunt" || on == "Node";
        let mut selected = Vec::new();
        collect(
            &operation.node.selection_set.node,
            &document.fragments,
            &applies,
            &mut selected,
        )
        .then(|| {
            selected
                .iter()
                .map(|f| f.node.response_key().node.to_string())
                .collect()
        })
    }

    #[test]
    fn fields_and_aliases_in_order() {
        assert_eq!(
            keys("{ slug name: title __typename clues { title } }").unwrap(),
            ["slug", "name", "__typename", "clues"]
        );
    }

    #[test]
    fn fragments_that_apply_are_gathered_in_place_and_the_others_skipped() {
        let query = "{ slug ...F ... on Node { id } ... on Clue { riddle } ... { status } }
                     fragment F on Hunt { title }";
        assert_eq!(keys(query).unwrap(), ["slug", "title", "id", "status"]);
    }

    #[test]
    fn directives_and_repeated_keys_are_left_to_async_graphql() {
        assert_eq!(keys("{ slug @custom title }"), None);
        assert_eq!(keys("{ ... on Hunt @custom { slug } }"), None);
        assert_eq!(keys("{ ...F @custom } fragment F on Hunt { slug }"), None);
        assert_eq!(keys("{ ...F } fragment F on Hunt @custom { slug }"), None);
        assert_eq!(keys("{ clues { title } clues { points } }"), None);
        assert_eq!(keys("{ slug ... on Hunt { slug } }"), None);
        assert_eq!(keys("{ ...Missing }"), None);
    }
}
