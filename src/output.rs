//! Writing to the process's standard output: every call is one `write(2)` of whole lines, so
//! lines from different processes never split or merge, and nothing sits in a user-space buffer
//! when the process forks.

use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};

/// Unbuffered writer on file descriptor 1.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let stdout = io::stdout();
        let fd: BorrowedFd<'_> = stdout.as_fd();
        loop {
            match nix::unistd::write(fd, buf) {
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
