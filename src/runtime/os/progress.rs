//! The progress bar `join` shows for a pool, and `parallel` with `progress = true`, when the
//! wait lasts more than about a second and stderr is a terminal.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Waiting this long before showing a bar keeps quick joins quiet.
const SHOW_AFTER: Duration = Duration::from_secs(1);

pub struct Progress {
    enabled: bool,
    /// What is counted: "tasks" (a pool), "jobs" (`parallel`).
    unit: &'static str,
    start: Instant,
    /// What was already done at the first tick: the rate counts only what is done after.
    base: std::cell::Cell<Option<u64>>,
    bar: std::cell::RefCell<Option<ProgressBar>>,
}

impl Progress {
    /// `counts` is (done, total, failed).
    pub fn new(enabled: bool, unit: &'static str) -> Progress {
        Progress {
            enabled: enabled && std::io::stderr().is_terminal(),
            unit,
            start: Instant::now(),
            base: std::cell::Cell::new(None),
            bar: std::cell::RefCell::new(None),
        }
    }

    pub fn tick(&self, (done, total, failed): (u64, u64, u64)) {
        let base = self.base.get().unwrap_or(done);
        self.base.set(Some(base));
        if !self.enabled || self.start.elapsed() < SHOW_AFTER {
            return;
        }
        let mut bar = self.bar.borrow_mut();
        let bar = bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{bar:30}} {{pos}}/{{len}} {}, {{msg}}",
                    self.unit
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        let rate = rate_and_eta(
            done - base.min(done),
            total - base.min(total),
            self.start.elapsed(),
        );
        bar.set_message(format!("{failed} failed, {rate}"));
        bar.set_length(total);
        bar.set_position(done);
    }

    pub fn finish(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The rate and time left, from everything done since the wait began (indicatif's own
/// estimate starts when the bar appears, with the work already done counted as instant).
fn rate_and_eta(done: u64, total: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if done == 0 || seconds <= 0.0 {
        return "?/s eta ?".into();
    }
    let rate = done as f64 / seconds;
    let left = total.saturating_sub(done) as f64 / rate;
    let rate = if rate >= 100.0 {
        format!("{rate:.0}/s")
    } else {
        format!("{rate:.1}/s")
    };
    format!("{rate} eta {}", clock(left))
}

/// Seconds as `1h02m`, `3m05s` or `42s`.
fn clock(seconds: f64) -> String {
    let s = seconds.ceil() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s / 60 % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_counts_from_the_start_of_the_wait() {
        assert_eq!(rate_and_eta(0, 10, Duration::from_secs(2)), "?/s eta ?");
        assert_eq!(
            rate_and_eta(50, 150, Duration::from_secs(10)),
            "5.0/s eta 20s"
        );
        assert_eq!(
            rate_and_eta(1000, 2000, Duration::from_secs(1)),
            "1000/s eta 1s"
        );
        assert_eq!(
            rate_and_eta(1, 200, Duration::from_secs(1)),
            "1.0/s eta 3m19s"
        );
    }
}
