//! What a request's document asks for, counted before it runs: aliases, directives and introspection. Depth
//! and complexity are async-graphql's own limits; these are the ones it lacks.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use crate::config::Limits;

/// Counts over a whole document: every operation and every fragment definition, each once.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Fields written with an alias (`a: hunt { ... }`).
    pub aliases: usize,
    /// Directives anywhere: on operations, variables, fields, fragments and spreads.
    pub directives: usize,
    /// Whether `__schema` or `__type` is selected.
    pub introspection: bool,
}

impl Shape {
    pub fn of(document: &ExecutableDocument) -> Self {
        let mut shape = Self::default();
        for (_, operation) in document.operations.iter() {
            let operation = &operation.node;
            shape.directives += operation.directives.len();
            for variable in &operation.variable_definitions {
                shape.directives += variable.node.directives.len();
            }
            shape.walk(&operation.selection_set.node);
        }
        for fragment in document.fragments.values() {
            shape.directives += fragment.node.directives.len();
            shape.walk(&fragment.node.selection_set.node);
        }
        shape
    }

    fn walk(&mut self, set: &SelectionSet) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.aliases += usize::from(field.alias.is_some());
                    self.directives += field.directives.len();
                    self.introspection |= matches!(field.name.node.as_str(), "__schema" | "__type");
                    self.walk(&field.selection_set.node);
                }
                Selection::InlineFragment(fragment) => {
                    self.directives += fragment.node.directives.len();
                    self.walk(&fragment.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives += spread.node.directives.len();
                }
            }
        }
    }

    /// The first limit this document breaks, as an error code and a message naming the limit and its flag.
    pub fn refusal(&self, limits: &Limits) -> Option<(&'static str, String)> {
        if self.aliases > limits.max_aliases {
            return Some((
                "TOO_MANY_ALIASES",
                format!(
                    "the document has {} aliases, more than the limit of {} (--max-aliases)",
                    self.aliases, limits.max_aliases
                ),
            ));
        }
        if self.directives > limits.max_directives {
            return Some((
                "TOO_MANY_DIRECTIVES",
                format!(
                    "the document has {} directives, more than the limit of {} (--max-directives)",
                    self.directives, limits.max_directives
                ),
            ));
        }
        if self.introspection && !limits.introspection {
            return Some((
                "INTROSPECTION_DISABLED",
                "introspection is turned off on this server (--no-introspection or --production)"
                    .into(),
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(query: &str) -> Shape {
        Shape::of(&async_graphql::parser::parse_query(query).expect("a valid document"))
    }

    #[test]
    fn counts_aliases_and_directives_in_operations_and_fragments() {
        let counted = shape(
            "query Q($s: Boolean!) @a { x: hunts { ...F @include(if: $s) } y: hunts @skip(if: $s) { id } } \
             fragment F on HuntConnection @b { z: pageInfo { ... @c { hasNextPage } } }",
        );
        assert_eq!(counted.aliases, 3);
        assert_eq!(counted.directives, 5);
        assert!(!counted.introspection);
    }

    #[test]
    fn finds_introspection_inside_fragments() {
        assert!(
            shape("{ ...F } fragment F on Query { __type(name: \"Hunt\") { name } }").introspection
        );
        assert!(shape("{ ... on Query { __schema { queryType { name } } } }").introspection);
        assert!(!shape("{ __typename }").introspection);
    }

    #[test]
    fn refuses_past_each_limit_and_names_it() {
        let limits = Limits {
            max_aliases: 2,
            max_directives: 1,
            introspection: false,
            ..Limits::default()
        };
        let refusal = |q: &str| shape(q).refusal(&limits).map(|(code, _)| code);
        assert_eq!(refusal("{ a: __typename b: __typename }"), None);
        assert_eq!(
            refusal("{ a: __typename b: __typename c: __typename }"),
            Some("TOO_MANY_ALIASES")
        );
        assert_eq!(
            refusal("{ a: __typename @skip(if: true) b: __typename @skip(if: true) }"),
            Some("TOO_MANY_DIRECTIVES")
        );
        assert_eq!(
            refusal("{ __schema { types { name } } }"),
            Some("INTROSPECTION_DISABLED")
        );
    }
}
