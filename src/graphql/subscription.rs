//! Root subscription fields, served over WebSocket (`GET /graphql` with an upgrade; see `http::websocket`).

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, ID, Result, Subscription};
use futures::{Stream, StreamExt, stream};

use super::context::load;
use super::error::coded;
use super::guard::visible;
use super::id::{self, Kind};
use super::joined::Joined;
use super::types::{HuntEvent, LeaderboardEntry};
use crate::events::{ConnectionSlots, EventBus, Lagged};
use crate::game::events;
use crate::loaders::{HuntId, LeaderboardOfHunt, Loaders};

#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Everything that happens in a hunt, as it happens: clues solved, players joining, the leaderboard moving,
    /// the hunt starting or ending. Events of every replica reach every subscriber.
    async fn hunt_events(
        &self,
        ctx: &Context<'_>,
        hunt_id: ID,
    ) -> Result<impl Stream<Item = Result<HuntEvent>> + use<>> {
        let (_, events, loaders) = watch(ctx, &hunt_id).await?;
        Ok(events.flat_map(move |event| {
            let expanded = match event {
                Ok(event) => {
                    loaders.forget_all();
                    HuntEvent::expand(&event).into_iter().map(Ok).collect()
                }
                Err(lagged) => vec![Err(coded("SUBSCRIPTION_LAGGED", lagged.to_string()))],
            };
            stream::iter(expanded)
        }))
    }

    /// A hunt's top `first` players: now, and again each time the ranking may have changed.
    async fn leaderboard(
        &self,
        ctx: &Context<'_>,
        hunt_id: ID,
        #[graphql(
            desc = "How many entries (0 to 100).",
            default = 10,
            validator(minimum = 0, maximum = 100)
        )]
        first: usize,
    ) -> Result<impl Stream<Item = Result<Vec<Joined<LeaderboardEntry>>>> + use<>> {
        let (hunt_id, events, loaders) = watch(ctx, &hunt_id).await?;
        let changes = events.filter_map(|event| async move {
            match event {
                Ok(event) if event.moves_leaderboard() => Some(Ok(())),
                Ok(_) => None,
                Err(lagged) => Some(Err(lagged)),
            }
        });
        let ticks = stream::once(async { Ok(()) }).chain(changes);
        Ok(ticks.then(move |tick| {
            let loaders = loaders.clone();
            async move {
                tick.map_err(|lagged| coded("SUBSCRIPTION_LAGGED", lagged.to_string()))?;
                loaders.forget_all();
                let ranked = loaders
                    .load_one(LeaderboardOfHunt(hunt_id))
                    .await
                    .map_err(|err| err.extend())?
                    .unwrap_or_default();
                Ok(LeaderboardEntry::top(&ranked, first))
            }
        }))
    }
}

/// Checks that the caller may watch the hunt, and subscribes: the hunt's id, its events, and the loaders to
/// refresh before each.
async fn watch(
    ctx: &Context<'_>,
    hunt_id: &ID,
) -> Result<(
    i64,
    impl Stream<Item = Result<Arc<events::HuntEvent>, Lagged>> + Send + use<>,
    Loaders,
)> {
    let hunt_id = id::decode(Kind::Hunt, "huntId", hunt_id)?;
    let hunt = load(ctx, HuntId(hunt_id))
        .await?
        .ok_or_else(|| coded("NOT_FOUND", "there is no such hunt"))?;
    visible(ctx, hunt)?;
    let connection = ctx
        .data_opt::<ConnectionSlots>()
        .cloned()
        .unwrap_or_default();
    let events = ctx
        .data_unchecked::<Arc<EventBus>>()
        .subscribe(&connection)
        .map_err(|err| coded("TOO_MANY_SUBSCRIPTIONS", err.to_string()))?
        .filter(move |event| {
            let keep = event.as_ref().map_or(true, |e| e.hunt_id() == hunt_id);
            async move { keep }
        });
    Ok((hunt_id, events, ctx.data_unchecked::<Loaders>().clone()))
}
