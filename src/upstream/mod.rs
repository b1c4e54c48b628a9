//! Partner APIs: calls that are slow and fail, made with batching, caching, timeouts, retries and a breaker.

pub mod breaker;
pub mod profiles;
