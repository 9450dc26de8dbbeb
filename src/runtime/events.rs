//! Waiting while serving: the loop every blocking operation runs, which passes on children's
//! output, runs callbacks of finished tasks and feeds pool workers until its condition holds.

use std::time::{Duration, Instant};

use super::sys;
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

impl Interp {
    /// Runs queued callbacks, one at a time, in completion order.
    pub(crate) fn run_callbacks(&mut self, span: Span) -> RtResult<()> {
        while let Some((callback, arg)) = self.runtime.callbacks.pop_front() {
            self.call_value(callback, vec![arg], Vec::new(), span)?;
        }
        Ok(())
    }

    /// Waits (running callbacks and serving pools meanwhile) until `done` holds or the
    /// deadline passes. Returns whether `done` held.
    pub(crate) fn wait_until(
        &mut self,
        deadline: Option<Instant>,
        span: Span,
        done: impl FnMut(&mut Interp) -> bool,
    ) -> RtResult<bool> {
        // Wake at least every second to re-check conditions that have no fd (a process
        // ending is signalled through the wake pipe, so this is only a safety net).
        self.wait_until_checking(deadline, Duration::from_secs(1), span, done)
    }

    /// Like [`Interp::wait_until`], re-checking `done` at least every `every` even when no
    /// event arrives (for conditions signalled outside the event loop, like queue items).
    pub(crate) fn wait_until_checking(
        &mut self,
        deadline: Option<Instant>,
        every: Duration,
        span: Span,
        mut done: impl FnMut(&mut Interp) -> bool,
    ) -> RtResult<bool> {
        let _ = self.out.flush();
        loop {
            self.run_callbacks(span)?;
            if !self.runtime.relays.is_empty() {
                self.pump_relays();
            }
            if done(self) {
                return Ok(true);
            }
            if sys::interrupted() {
                return Err(RtError::interrupted(span));
            }
            let now = Instant::now();
            let timeout = match deadline {
                Some(d) if now >= d => return Ok(false),
                Some(d) => Some(d - now),
                None => None,
            };
            let timeout = Some(timeout.map_or(every, |t| t.min(every)));
            self.pump(timeout, span)?;
        }
    }
}
