//! Running programs where the platform layer has no process groups yet (Windows): starting a
//! command fails with a clear error, so no [`Job`] ever exists.

use std::time::Instant;

use super::{Failure, Finished, Spec};

/// Never made: [`Job::start`] always fails here.
pub struct Job {
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    pub received: u64,
    pub sent: u64,
    pub interrupted_at_terminal: bool,
}

impl Job {
    pub fn start(_spec: &Spec) -> Result<Job, Failure> {
        Err(Failure::Unsupported)
    }
    pub fn pid(&self) -> u32 {
        0
    }
    pub fn next_deadline(&self) -> Option<Instant> {
        None
    }
    pub fn pump(&mut self) {}
    pub fn poll(&mut self) -> bool {
        true
    }
    pub fn finished(&self) -> Option<&Finished> {
        None
    }
    pub fn terminate(&mut self) {}
    pub fn kill(&mut self) {}
    pub fn end(&mut self) {}
}
