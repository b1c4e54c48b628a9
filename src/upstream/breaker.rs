//! A circuit breaker: after consecutive failures, calls fail fast for a cool-down; then one trial call decides
//! whether the upstream is back (half-open).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where the breaker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// A trial call is under way; everyone else fails fast until it reports.
    HalfOpen,
}

/// A circuit breaker for one upstream.
#[derive(Debug)]
pub struct CircuitBreaker {
    state: Mutex<State>,
    threshold: u32,
    cooldown: Duration,
}

impl CircuitBreaker {
    /// Opens after `threshold` consecutive failures, for `cooldown`.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            state: Mutex::new(State::Closed { failures: 0 }),
            threshold: threshold.max(1),
            cooldown,
        }
    }

    /// Whether a call may go out now. After the cool-down, the first caller gets the trial call.
    pub fn allow(&self) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return true;
        };
        match *state {
            State::Closed { .. } => true,
            State::Open { until } if Instant::now() >= until => {
                *state = State::HalfOpen;
                true
            }
            State::Open { .. } | State::HalfOpen => false,
        }
    }

    /// Reports a call that succeeded: the breaker closes.
    pub fn succeeded(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = State::Closed { failures: 0 };
        }
    }

    /// Reports a call that failed: after enough of them, or a failed trial, the breaker opens.
    pub fn failed(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = match *state {
                State::Closed { failures } if failures + 1 < self.threshold => State::Closed {
                    failures: failures + 1,
                },
                _ => State::Open {
                    until: Instant::now() + self.cooldown,
                },
            };
        }
    }

    /// Whether calls are being refused (open, or half-open with its trial under way).
    pub fn is_open(&self) -> bool {
        self.state
            .lock()
            .map(|state| !matches!(*state, State::Closed { .. }))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_opens_after_consecutive_failures_only() {
        let breaker = CircuitBreaker::new(3, Duration::from_secs(60));
        breaker.failed();
        breaker.failed();
        breaker.succeeded();
        breaker.failed();
        breaker.failed();
        assert!(
            breaker.allow(),
            "two failures after a success do not open it"
        );
        breaker.failed();
        assert!(breaker.is_open());
        assert!(!breaker.allow());
    }

    #[test]
    fn after_the_cooldown_one_trial_decides() {
        let breaker = CircuitBreaker::new(1, Duration::from_millis(20));
        breaker.failed();
        assert!(!breaker.allow());
        std::thread::sleep(Duration::from_millis(30));
        assert!(
            breaker.allow(),
            "the first caller after the cool-down makes the trial"
        );
        assert!(!breaker.allow(), "others wait for the trial");
        breaker.failed();
        assert!(!breaker.allow(), "a failed trial opens it again");
        std::thread::sleep(Duration::from_millis(30));
        assert!(breaker.allow());
        breaker.succeeded();
        assert!(!breaker.is_open());
        assert!(breaker.allow() && breaker.allow());
    }
}
