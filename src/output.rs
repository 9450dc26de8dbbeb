//! Writing to the process's standard output: every call is one `write(2)` of whole lines, so
//! lines from different processes never split or merge, and nothing sits in a user-space buffer
//! when the process forks.

use std::io::{self, Write};

/// The status of a process whose output nobody reads any more (writing to it failed with
/// EPIPE): it ends quietly, with the status a shell shows for a tool killed by SIGPIPE.
pub const BROKEN_PIPE_STATUS: i32 = 128 + 13;

/// Unbuffered writer on file descriptor 1.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stdout;

#[cfg(unix)]
impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        use std::os::fd::AsFd;
        // All of it in one go, under the script-wide lock if it is longer than a pipe writes
        // atomically (see `runtime::outlock`).
        crate::runtime::outlock::write_all(io::stdout().as_fd(), buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// Windows has no fork, so nothing can be duplicated: std's handle, flushed on every call, is
// enough to keep a line in one piece.
#[cfg(not(unix))]
impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut stdout = io::stdout().lock();
        stdout.write_all(buf)?;
        stdout.flush()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Unbuffered writer on a pipe: what a child writes its prints to when the parent's output is
/// not the process's standard output (a host's `set_output` sink), so the parent can pass
/// them on.
#[cfg(unix)]
#[derive(Debug)]
pub struct Pipe(pub std::os::fd::OwnedFd);

#[cfg(unix)]
impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match nix::unistd::write(&self.0, buf) {
                Ok(n) => return Ok(n),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(io::Error::from(e)),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes one line to standard error. Unlike `eprintln!`, which panics when the write fails, a
/// broken or closed stderr (a pipe into `head` that has gone) is ignored: there is nowhere
/// left to report it, and the exit status still tells what happened.
///
/// The line (a whole error report, say) is formatted first and written with one `write(2)`,
/// under the same lock as long prints, so reports of different processes never splice.
pub fn stderr_line(text: std::fmt::Arguments<'_>) {
    let mut line = text.to_string();
    line.push('\n');
    stderr_text(&line);
}

/// Writes text (whole lines, say `eprint`'s) to standard error with one `write(2)`, ignoring
/// a stderr that is closed, as [`stderr_line`] does.
pub fn stderr_text(line: &str) {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let _ = crate::runtime::outlock::write_all(io::stderr().as_fd(), line.as_bytes());
    }
    #[cfg(not(unix))]
    {
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod doc_example_tests {
    #[test]
    fn stderr_line_writes_without_panicking() {
        super::stderr_line(format_args!("warning: {}", 42));
    }
}
