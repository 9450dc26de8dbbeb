//! Passing children's output on to the parent's output sink.
//!
//! When an embedding host sends prints to its own sink (`Engine::set_output`), a child's
//! prints cannot go there directly: a forked child writes into its own copy of the sink, and a
//! re-executed one has no sink at all. Such children print into a pipe instead, and the
//! parent copies whole lines from the pipe to its sink while it waits and when they end.

use std::io::Write;
#[cfg(unix)]
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// The read end of one child's output pipe, with a partial line not yet passed on.
#[cfg(unix)]
pub struct Relay {
    fd: OwnedFd,
    pending: Vec<u8>,
    /// For a remote worker's stderr: `[host] ` before each line, written to this process's
    /// stderr rather than to the output sink.
    label: Option<Vec<u8>>,
}

#[cfg(unix)]
impl Relay {
    /// Relays what a spawn-method child writes to its standard output.
    pub fn from_child(stdout: std::process::ChildStdout) -> Relay {
        Relay::new(OwnedFd::from(stdout))
    }

    pub fn new(fd: OwnedFd) -> Relay {
        let _ = nix::fcntl::fcntl(
            &fd,
            nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK),
        );
        Relay {
            fd,
            pending: Vec::new(),
            label: None,
        }
    }

    /// Relays a remote worker's stderr to this process's stderr, whole lines, each with
    /// `[label] ` in front.
    pub fn labelled(fd: OwnedFd, label: &str) -> Relay {
        let mut relay = Relay::new(fd);
        relay.label = Some(format!("[{label}] ").into_bytes());
        relay
    }

    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Copies what is available to `out`, whole lines at a time. Returns false once the pipe
    /// is closed and drained (the last partial line is passed on then).
    pub fn pump(&mut self, out: &mut dyn Write) -> bool {
        match self.label.take() {
            Some(label) => {
                let mut labelled = Labelled {
                    label,
                    out: std::io::stderr(),
                };
                let open = self.pump_into(&mut labelled);
                self.label = Some(labelled.label);
                open
            }
            None => self.pump_into(out),
        }
    }

    fn pump_into(&mut self, out: &mut dyn Write) -> bool {
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
                Ok(n) => pass_whole_lines(&mut self.pending, &buf[..n], out),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::EAGAIN) => return true,
                Err(_) => return false,
            }
        }
    }
}

/// Whole lines, each written with a label in front, in one write.
#[cfg(unix)]
struct Labelled {
    label: Vec<u8>,
    out: std::io::Stderr,
}

#[cfg(unix)]
impl Write for Labelled {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut text = Vec::with_capacity(buf.len() + self.label.len() * 2);
        for line in buf.split_inclusive(|&b| b == b'\n') {
            text.extend_from_slice(&self.label);
            text.extend_from_slice(line);
        }
        if text.last() != Some(&b'\n') {
            text.push(b'\n');
        }
        self.out.write_all(&text)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Sleeps until one of `relays` has output, or `timeout` passes.
#[cfg(unix)]
pub fn wait_any(relays: &[Relay], timeout: Duration) {
    let fds: Vec<RawFd> = relays.iter().map(Relay::raw).collect();
    super::sys::wait_for_event(&fds, &[], Some(timeout));
}

/// Appends `data` to `pending` and writes every whole line of it to `out`.
fn pass_whole_lines(pending: &mut Vec<u8>, data: &[u8], out: &mut dyn Write) {
    pending.extend_from_slice(data);
    if let Some(last) = pending.iter().rposition(|&b| b == b'\n') {
        let rest = pending.split_off(last + 1);
        let _ = out.write_all(pending);
        *pending = rest;
    }
}

/// Without `poll` on pipes, a thread per child reads its output and hands it over in chunks.
#[cfg(not(unix))]
pub struct Relay {
    chunks: std::sync::mpsc::Receiver<Vec<u8>>,
    pending: Vec<u8>,
}

#[cfg(not(unix))]
impl Relay {
    /// Relays what a spawn-method child writes to its standard output.
    pub fn from_child(mut stdout: std::process::ChildStdout) -> Relay {
        use std::io::Read;
        let (send, chunks) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n @ 1..) = stdout.read(&mut buf) {
                if send.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Relay {
            chunks,
            pending: Vec::new(),
        }
    }

    /// Copies what is available to `out`, whole lines at a time. Returns false once the pipe
    /// is closed and drained (the last partial line is passed on then).
    pub fn pump(&mut self, out: &mut dyn Write) -> bool {
        use std::sync::mpsc::TryRecvError;
        loop {
            match self.chunks.try_recv() {
                Ok(chunk) => pass_whole_lines(&mut self.pending, &chunk, out),
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => {
                    let _ = out.write_all(&self.pending);
                    self.pending.clear();
                    return false;
                }
            }
        }
    }
}

/// Sleeps a little: the reader threads cannot wake this thread, so it looks again soon.
#[cfg(not(unix))]
pub fn wait_any(_relays: &[Relay], timeout: Duration) {
    std::thread::sleep(timeout.min(Duration::from_millis(10)));
}
