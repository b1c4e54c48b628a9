//! Reading hunts and clues.

use async_graphql::{Context, ErrorExtensions, ID, Object, Result};

use crate::game;
use crate::graphql::context::{caller, db, load, load_some};
use crate::graphql::error::coded;
use crate::graphql::guard::visible;
use crate::graphql::id::{self, Kind};
use crate::graphql::types::{Clue, Hunt, HuntStatus, Page, PageArgs, page};
use crate::loaders::{ClueId, HuntId, HuntSlug};

#[derive(Default)]
pub struct HuntQuery;

#[Object]
impl HuntQuery {
    /// A hunt by `id` or by `slug` (give exactly one); `null` if there is none, `FORBIDDEN` if it is someone
    /// else's draft.
    async fn hunt(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> Result<Option<Hunt>> {
        let found = match (id, slug) {
            (Some(id), None) => load(ctx, HuntId(id::decode(Kind::Hunt, "id", &id)?)).await?,
            (None, Some(slug)) => load(ctx, HuntSlug(slug)).await?,
            _ => return Err(coded("BAD_USER_INPUT", "give exactly one of id and slug")),
        };
        found.map(|hunt| Ok(Hunt(visible(ctx, hunt)?))).transpose()
    }

    /// Hunts in creation order, optionally only those of one status. Drafts are listed to their organiser only.
    #[graphql(complexity = "first.max(0) as usize * child_complexity")]
    async fn hunts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many hunts to return (0 to 100).", default = 20)] first: i32,
        #[graphql(desc = "Return hunts after this cursor (an `endCursor` of a previous page).")]
        after: Option<String>,
        #[graphql(desc = "Only hunts in this status.")] status: Option<HuntStatus>,
    ) -> Result<Page<Hunt>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (hunts, has_next) = game::hunts::list_hunts(
            db(ctx),
            caller(ctx),
            status.map(Into::into),
            args.after,
            args.limit,
        )
        .await
        .map_err(|e| e.extend())?;
        Ok(page(
            args.after,
            has_next,
            hunts.into_iter().map(|h| (h.id, Hunt::from(h))),
        ))
    }

    /// A clue by id; `null` if there is none, `FORBIDDEN` if its hunt is someone else's draft.
    async fn clue(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Clue>> {
        let Some(clue) = load(ctx, ClueId(id::decode(Kind::Clue, "id", &id)?)).await? else {
            return Ok(None);
        };
        visible(ctx, load_some(ctx, HuntId(clue.hunt_id)).await?)?;
        Ok(Some(Clue(clue)))
    }
}
