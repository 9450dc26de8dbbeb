//! Length-prefixed messages over a Unix socket: the link between the parent and a pool worker.
//!
//! The parent side is non-blocking (its event loop must never block on one worker while
//! another is waiting to be read); the worker side blocks.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
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

/// The non-blocking end in the parent: buffers what could not be written yet and what was
/// read but not yet parsed.
pub struct Link {
    pub stream: UnixStream,
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
    pub fn new(stream: UnixStream) -> io::Result<Link> {
        stream.set_nonblocking(true)?;
        Ok(Link {
            stream,
            out: Vec::new(),
            out_pos: 0,
            inbuf: Vec::with_capacity(64 * 1024),
            in_pos: 0,
        })
    }

    pub fn fd(&self) -> RawFd {
        self.stream.as_raw_fd()
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
            match self.stream.write(&self.out[self.out_pos..]) {
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
            match self.stream.read(&mut chunk) {
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
    stream: UnixStream,
    buf: Vec<u8>,
}

impl BlockingLink {
    pub fn new(stream: UnixStream) -> BlockingLink {
        let _ = stream.set_nonblocking(false);
        BlockingLink {
            stream,
            buf: Vec::new(),
        }
    }

    /// Reads one message; `None` when the parent closed the link.
    pub fn recv<T: DeserializeOwned>(&mut self) -> Option<Result<T, String>> {
        let mut len = [0u8; 4];
        read_exact(&mut self.stream, &mut len).ok()?;
        let len = u32::from_le_bytes(len) as usize;
        if len > MAX_MESSAGE {
            return Some(Err(format!("message of {len} bytes is too large")));
        }
        self.buf.resize(len, 0);
        read_exact(&mut self.stream, &mut self.buf).ok()?;
        Some(postcard::from_bytes(&self.buf).map_err(|e| format!("corrupt message: {e}")))
    }

    pub fn send<T: Serialize>(&mut self, message: &T) -> io::Result<()> {
        let mut out = Vec::new();
        frame(message, &mut out);
        self.stream.write_all(&out)
    }
}

fn read_exact(stream: &mut UnixStream, buf: &mut [u8]) -> io::Result<()> {
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
