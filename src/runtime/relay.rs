//! Passing children's output on to the parent's output sink.
//!
//! When an embedding host sends prints to its own sink (`Engine::set_output`), a child's
//! prints cannot go there directly: a forked child writes into its own copy of the sink, and a
//! re-executed one has no sink at all. Such children print into a pipe instead, and the
//! parent copies whole lines from the pipe to its sink while it waits and when they end.

use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// The read end of one child's output pipe, with a partial line not yet passed on.
pub struct Relay {
    fd: OwnedFd,
    pending: Vec<u8>,
}

impl Relay {
    pub fn new(fd: OwnedFd) -> Relay {
        let _ = nix::fcntl::fcntl(
            &fd,
            nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK),
        );
        Relay {
            fd,
            pending: Vec::new(),
        }
    }

    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Copies what is available to `out`, whole lines at a time. Returns false once the pipe
    /// is closed and drained (the last partial line is passed on then).
    pub fn pump(&mut self, out: &mut dyn Write) -> bool {
        let mut buf = [0u8; 64 * 1024];
        loop {
            match nix::unistd::read(&self.fd, &mut buf) {
                Ok(0) => {
                    if !self.pending.is_empty() {
                        let _ = out.write_all(&self.pending);
                        self.pending.clear();
                    }
                    return false;
                }
                Ok(n) => {
                    self.pending.extend_from_slice(&buf[..n]);
                    if let Some(last) = self.pending.iter().rposition(|&b| b == b'\n') {
                        let rest = self.pending.split_off(last + 1);
                        let _ = out.write_all(&self.pending);
                        self.pending = rest;
                    }
                }
                Err(nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::EAGAIN) => return true,
                Err(_) => return false,
            }
        }
    }
}
