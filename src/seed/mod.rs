//! Data sets: the demo (`seed --demo`, `serve --demo`) and the benchmark generator (`seed --hunts ...`).

pub mod demo;
pub mod generate;
