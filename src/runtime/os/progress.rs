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
    bar: std::cell::RefCell<Option<ProgressBar>>,
}

impl Progress {
    /// `counts` is (done, total, failed).
    pub fn new(enabled: bool, unit: &'static str) -> Progress {
        Progress {
            enabled: enabled && std::io::stderr().is_terminal(),
            unit,
            start: Instant::now(),
            bar: std::cell::RefCell::new(None),
        }
    }

    pub fn tick(&self, (done, total, failed): (u64, u64, u64)) {
        if !self.enabled || self.start.elapsed() < SHOW_AFTER {
            return;
        }
        let mut bar = self.bar.borrow_mut();
        let bar = bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{bar:30}} {{pos}}/{{len}} {}, {{msg}} {{per_sec}} eta {{eta}}",
                    self.unit
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(format!("{failed} failed,"));
    }

    pub fn finish(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}
