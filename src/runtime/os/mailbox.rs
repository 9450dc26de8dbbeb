//! The mailbox: an unbounded log of messages in one shared-memory segment, behind the
//! segment's lock. A queue is one mailbox; a pipe is two, one per direction.
//!
//! `put` appends and never waits for room: when the log is full its unread part moves to the
//! front, or the segment grows. A message becomes visible only once it is whole, so a writer
//! killed in the middle leaves the log as it was.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::shm::{BODY, LockError, Segment, WaitError};
use super::sys::{my_pid, pid_is_dead};

/// Offsets of the mailbox's words, after the segment header.
const HEAD: usize = BODY;
const TAIL: usize = BODY + 8;
const CAPACITY: usize = BODY + 16;
const ITEMS: usize = BODY + 24;
/// The process that last sent into the mailbox or received its sending end (pipes only).
pub const WRITER: usize = BODY + 32;
pub const WRITER_CLOSED: usize = BODY + 36;
pub const READER_CLOSED: usize = BODY + 40;
/// Set while a pipe end is in a queue or pipe message: its sender gave it up, and whoever
/// receives it owns it. Meanwhile the end is not closed by its last owner ending.
pub const IN_TRANSIT: usize = BODY + 44;
/// A queue's bound (`queue(maxsize)`; 0: unbounded). Pipes leave it 0.
pub const MAXSIZE: usize = BODY + 48;
/// Items put and not yet marked done with `task_done()` (JoinableQueue).
pub const UNFINISHED: usize = BODY + 56;
/// Where messages start; each is a 4-byte length and the bytes.
const DATA: usize = 128;
/// Small, because the whole file is reserved (so that a full `/dev/shm` is an error, not
/// SIGBUS): thousands of queues must not take a lot of shared memory. The log grows as needed.
const INITIAL_SIZE: usize = 8 * 1024;

/// Why a message could not be taken.
pub enum TakeError {
    Wait(WaitError),
    /// The sending side is closed (or its process ended) and nothing is left.
    Closed,
    Failed(String),
}

/// One direction of messages between processes.
pub struct Mailbox {
    pub segment: Segment,
}

/// Holds the mailbox's lock; releases it when dropped, also on an early return.
struct Locked<'a>(&'a Segment);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        self.0.unlock();
    }
}

impl Mailbox {
    pub fn create(kind: u32) -> Result<Mailbox, String> {
        let segment = Segment::create(kind, INITIAL_SIZE)?;
        segment.set_word64(CAPACITY, (INITIAL_SIZE - DATA) as u64);
        segment.set_word(WRITER, my_pid());
        Ok(Mailbox { segment })
    }

    pub fn open(path: &Path, kind: u32, what: &str) -> Result<Mailbox, String> {
        Ok(Mailbox {
            segment: Segment::open(path, kind, what)?,
        })
    }

    fn lock(&self) -> Result<Locked<'_>, TakeError> {
        match self.segment.lock(None) {
            Ok(_) => {}
            Err(LockError::Wait(e)) => return Err(TakeError::Wait(e)),
            Err(LockError::HeldByMe) => {
                return Err(TakeError::Failed("internal lock held twice".into()));
            }
        }
        let locked = Locked(&self.segment);
        // Another process may have grown the file since we mapped it.
        let len = DATA + self.segment.word64(CAPACITY) as usize;
        if self.segment.map().len() != len {
            self.segment.remap(len).map_err(TakeError::Failed)?;
        }
        Ok(locked)
    }

    /// Appends one message. Never blocks for room: the log grows instead. A bounded queue
    /// that holds `maxsize` items already takes nothing: `Ok(false)`.
    pub fn put(&self, bytes: &[u8]) -> Result<bool, TakeError> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| TakeError::Failed("the item is too large (over 4 GiB)".into()))?;
        let need = 4 + bytes.len() as u64;
        {
            let _locked = self.lock()?;
            let s = &self.segment;
            let bound = s.word(MAXSIZE);
            if bound != 0 && s.word64(ITEMS) >= u64::from(bound) {
                return Ok(false);
            }
            let (mut head, mut tail) = (s.word64(HEAD), s.word64(TAIL));
            if tail + need > s.word64(CAPACITY) {
                (head, tail) = self
                    .make_room(head, tail, need)
                    .map_err(TakeError::Failed)?;
            }
            let map = s.map();
            let at = DATA + tail as usize;
            map.write(at, &len.to_le_bytes());
            map.write(at + 4, bytes);
            // The message is whole before it becomes visible: a writer killed mid-copy
            // leaves the log as it was.
            map.u64_at(TAIL).store(tail + need, Ordering::Release);
            map.u64_at(HEAD).store(head, Ordering::Release);
            map.u64_at(ITEMS).fetch_add(1, Ordering::SeqCst);
            map.u64_at(UNFINISHED).fetch_add(1, Ordering::SeqCst);
        }
        self.segment.notify();
        Ok(true)
    }

    /// Moves the unread messages to the start, growing the segment if they and `need` more
    /// bytes do not fit in half of it. Returns the new head and tail.
    fn make_room(&self, head: u64, tail: u64, need: u64) -> Result<(u64, u64), String> {
        let s = &self.segment;
        let live = tail - head;
        let capacity = s.word64(CAPACITY);
        if live + need > capacity / 2 {
            let new_capacity = ((live + need) * 2).max(capacity * 2);
            s.grow(DATA + new_capacity as usize)?;
            s.set_word64(CAPACITY, new_capacity);
        }
        if head > 0 {
            s.map()
                .copy_within(DATA + head as usize, DATA, live as usize);
            s.set_word64(HEAD, 0);
            s.set_word64(TAIL, live);
        }
        Ok((0, live))
    }

    fn try_take(&self) -> Result<Option<Vec<u8>>, TakeError> {
        if self.segment.word64(ITEMS) == 0 {
            return Ok(None);
        }
        let locked = self.lock()?;
        let s = &self.segment;
        let (head, tail) = (s.word64(HEAD), s.word64(TAIL));
        if head >= tail {
            return Ok(None);
        }
        let map = s.map();
        let mut len = [0u8; 4];
        map.read(DATA + head as usize, &mut len);
        let len = u32::from_le_bytes(len) as usize;
        let mut bytes = vec![0u8; len];
        map.read(DATA + head as usize + 4, &mut bytes);
        let next = head + 4 + len as u64;
        let (head, tail) = if next >= tail { (0, 0) } else { (next, tail) };
        map.u64_at(HEAD).store(head, Ordering::Release);
        map.u64_at(TAIL).store(tail, Ordering::Release);
        map.u64_at(ITEMS).fetch_sub(1, Ordering::SeqCst);
        drop(locked);
        if s.word(MAXSIZE) != 0 {
            // A producer may be waiting for room.
            s.notify();
        }
        Ok(Some(bytes))
    }

    /// Takes the oldest message, waiting for one until `deadline`. With `closable`, an empty
    /// mailbox whose writer closed it or ended raises [`TakeError::Closed`].
    pub fn take(&self, deadline: Option<Instant>, closable: bool) -> Result<Vec<u8>, TakeError> {
        let mut waited = false;
        loop {
            if let Some(bytes) = self.try_take()? {
                return Ok(bytes);
            }
            let seen = self.segment.event_seq();
            if self.segment.word64(ITEMS) > 0 {
                continue;
            }
            if closable && self.writer_gone(waited) {
                return Err(TakeError::Closed);
            }
            if self
                .segment
                .spin_until(|s| s.word64(ITEMS) > 0 || s.event_seq() != seen)
            {
                continue;
            }
            self.segment
                .wait_event(seen, deadline)
                .map_err(TakeError::Wait)?;
            waited = true;
        }
    }

    /// One attempt without waiting: a message, nothing yet, or (with `closable`) closed.
    pub fn poll_take(&self, closable: bool) -> Result<Option<Vec<u8>>, TakeError> {
        if let Some(bytes) = self.try_take()? {
            return Ok(Some(bytes));
        }
        if closable && self.writer_gone(true) && self.segment.word64(ITEMS) == 0 {
            return Err(TakeError::Closed);
        }
        Ok(None)
    }

    /// Whether the sending side is closed, or (checked only after a wait, as it costs a
    /// system call) ended with the process that last held it.
    fn writer_gone(&self, check_process: bool) -> bool {
        if self.segment.word(WRITER_CLOSED) != 0 {
            return true;
        }
        let writer = self.segment.word(WRITER);
        check_process
            && writer != my_pid()
            && self.segment.word(IN_TRANSIT) == 0
            && pid_is_dead(writer)
    }

    /// Whether the sending side is closed or its process ended (a pipe's).
    pub fn sender_gone(&self) -> bool {
        self.writer_gone(true)
    }

    pub fn is_empty(&self) -> bool {
        self.segment.word64(ITEMS) == 0
    }

    pub fn len(&self) -> u64 {
        self.segment.word64(ITEMS)
    }
}
