//! Integration tests: they run the real `mpscript` binary on real scripts and check stdout,
//! stderr and the exit status. Process tests start real children.
//!
//! They signal process groups and drive a pty, so they are built on Unix only; the Windows
//! code path is checked by compiling it (`.ci/run`).
#![cfg(unix)]

mod harness;

mod chains;
mod cli;
mod docs;
mod embedding;
mod faults;
mod golden;
mod hostile;
mod ipc;
mod ipc_reliability;
mod load;
mod pool;
mod process;
mod props;
mod repl;
