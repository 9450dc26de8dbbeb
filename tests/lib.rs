//! Integration tests: they run the real `mpscript` binary on real scripts and check stdout,
//! stderr and the exit status. Process tests start real children.

mod harness;

mod cli;
mod docs;
mod embedding;
mod faults;
mod golden;
mod hostile;
mod ipc;
mod load;
mod pool;
mod process;
mod props;
mod repl;
