//! Length-prefixed messages over a link: between the parent and a pool worker.
//!
//! A link is a pair of descriptors on each side, one to read and one to write ([`LinkEnds`]):
//! the same Unix socket twice, or two pipes (what a worker reached through its standard input
//! and output has, as under `ssh`, `srun` or `kubectl exec -i`). Framing and the way a closed
//! link shows (a read of nothing, a failed write) are the same for both.
//!
//! The parent side is non-blocking (its event loop must never block on one worker while
//! another is waiting to be read); the worker side blocks.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Largest message accepted, so a corrupt length cannot make us allocate wildly.
const MAX_MESSAGE: usize = 1 << 30;

/// Appends one framed message to `out`.
pub fn frame<T: Serialize>(message: &T, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    let body = postcard::to_extend(message, std::mem::take(out)).expect("messages serialize");
    *out = body;
    let len = (out.len() - start - 4) as u32;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
}

/// One side's descriptors of a link: where it reads and where it writes.
pub struct LinkEnds {
    pub read: OwnedFd,
    pub write: OwnedFd,
}

impl LinkEnds {
    /// A link over one socket pair: (the parent's ends, the worker's ends).
    pub fn socket_pair() -> io::Result<(LinkEnds, LinkEnds)> {
        let (parent, worker) = UnixStream::pair()?;
        Ok((LinkEnds::socket(parent)?, LinkEnds::socket(worker)?))
    }

    /// A link over two pipes, one each way: (the parent's ends, the worker's ends). Every end
    /// is closed on exec; a spawned worker gets its ends as standard input and output.
    pub fn pipe_pair() -> io::Result<(LinkEnds, LinkEnds)> {
        let cloexec = nix::fcntl::OFlag::O_CLOEXEC;
        let (to_worker_read, to_worker_write) = nix::unistd::pipe2(cloexec)?;
        let (to_parent_read, to_parent_write) = nix::unistd::pipe2(cloexec)?;
        Ok((
            LinkEnds {
                read: to_parent_read,
                write: to_worker_write,
            },
            LinkEnds {
                read: to_worker_read,
                write: to_parent_write,
            },
        ))
    }

    /// Both ends on one socket.
    pub fn socket(stream: UnixStream) -> io::Result<LinkEnds> {
        let read = OwnedFd::from(stream);
        let write = read.try_clone()?;
        Ok(LinkEnds { read, write })
    }
}

/// The non-blocking end in the parent: buffers what could not be written yet and what was
/// read but not yet parsed.
pub struct Link {
    reader: File,
    writer: File,
    out: Vec<u8>,
    out_pos: usize,
    inbuf: Vec<u8>,
    in_pos: usize,
}

pub enum ReadOutcome {
    /// Some bytes arrived (maybe no whole message yet).
    Data,
    /// Nothing to read right now.
    Idle,
    /// The other side closed or failed.
    Closed,
}

impl Link {
    pub fn new(ends: LinkEnds) -> io::Result<Link> {
        // On the open descriptions, so the flag holds for a socket's duplicate too.
        for fd in [&ends.read, &ends.write] {
            set_nonblocking(fd, true)?;
        }
        Ok(Link {
            reader: File::from(ends.read),
            writer: File::from(ends.write),
            out: Vec::new(),
            out_pos: 0,
            inbuf: Vec::with_capacity(64 * 1024),
            in_pos: 0,
        })
    }

    /// The descriptor to wait on for messages (or the link closing).
    pub fn fd(&self) -> RawFd {
        self.reader.as_raw_fd()
    }

    /// The descriptor to wait on while [`Link::wants_write`].
    pub fn write_fd(&self) -> RawFd {
        self.writer.as_raw_fd()
    }

    pub fn send<T: Serialize>(&mut self, message: &T) {
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
        frame(message, &mut self.out);
    }

    pub fn wants_write(&self) -> bool {
        self.out_pos < self.out.len()
    }

    /// Writes as much buffered output as the socket takes. `Err` if the other side is gone.
    pub fn flush(&mut self) -> io::Result<()> {
        while self.out_pos < self.out.len() {
            match self.writer.write(&self.out[self.out_pos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.out_pos += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads what is available.
    pub fn fill(&mut self) -> ReadOutcome {
        if self.in_pos > 0 && self.in_pos == self.inbuf.len() {
            self.inbuf.clear();
            self.in_pos = 0;
        }
        let mut got = false;
        let mut chunk = [0u8; 64 * 1024];
        loop {
            match self.reader.read(&mut chunk) {
                Ok(0) => return ReadOutcome::Closed,
                Ok(n) => {
                    self.inbuf.extend_from_slice(&chunk[..n]);
                    got = true;
                    if n < chunk.len() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return ReadOutcome::Closed,
            }
        }
        if got {
            ReadOutcome::Data
        } else {
            ReadOutcome::Idle
        }
    }

    /// The next whole message already read, if any.
    pub fn next_message<T: DeserializeOwned>(&mut self) -> Option<Result<T, String>> {
        let avail = &self.inbuf[self.in_pos..];
        if avail.len() < 4 {
            return None;
        }
        let len = u32::from_le_bytes([avail[0], avail[1], avail[2], avail[3]]) as usize;
        if avail.len() < 4 + len {
            return None;
        }
        let body = &avail[4..4 + len];
        let message = postcard::from_bytes(body).map_err(|e| format!("corrupt message: {e}"));
        self.in_pos += 4 + len;
        Some(message)
    }
}

/// The blocking end in a worker.
pub struct BlockingLink {
    reader: File,
    writer: File,
    buf: Vec<u8>,
}

impl BlockingLink {
    pub fn new(ends: LinkEnds) -> BlockingLink {
        for fd in [&ends.read, &ends.write] {
            let _ = set_nonblocking(fd, false);
        }
        BlockingLink {
            reader: File::from(ends.read),
            writer: File::from(ends.write),
            buf: Vec::new(),
        }
    }

    /// The descriptor messages are read from.
    pub fn read_fd(&self) -> RawFd {
        self.reader.as_raw_fd()
    }

    /// Another descriptor for the writing end, for messages sent from elsewhere in the same
    /// thread (whole frames only, so they never interleave with this link's own).
    pub fn writer(&self) -> io::Result<File> {
        self.writer.try_clone()
    }

    /// Reads one message; `None` when the parent closed the link.
    pub fn recv<T: DeserializeOwned>(&mut self) -> Option<Result<T, String>> {
        let mut len = [0u8; 4];
        read_exact(&mut self.reader, &mut len).ok()?;
        let len = u32::from_le_bytes(len) as usize;
        if len > MAX_MESSAGE {
            return Some(Err(format!("message of {len} bytes is too large")));
        }
        self.buf.resize(len, 0);
        read_exact(&mut self.reader, &mut self.buf).ok()?;
        Some(postcard::from_bytes(&self.buf).map_err(|e| format!("corrupt message: {e}")))
    }

    pub fn send<T: Serialize>(&mut self, message: &T) -> io::Result<()> {
        let mut out = Vec::new();
        frame(message, &mut out);
        self.writer.write_all(&out)
    }
}

fn set_nonblocking(fd: &OwnedFd, on: bool) -> io::Result<()> {
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    let flags = OFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFL)?);
    let flags = if on {
        flags | OFlag::O_NONBLOCK
    } else {
        flags - OFlag::O_NONBLOCK
    };
    fcntl(fd, FcntlArg::F_SETFL(flags))?;
    Ok(())
}

fn read_exact(stream: &mut File, buf: &mut [u8]) -> io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        match stream.read(&mut buf[done..]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
