//! The script-wide output lock: keeps a write to stdout or stderr whole however long it is.
//!
//! A `write(2)` of at most `PIPE_BUF` bytes (4,096 on Linux) to a pipe is atomic, so short
//! prints need nothing. A longer one is not: when the pipe fills, the kernel lets other
//! writers in between two parts of it. So every process of a script (the top-level process,
//! its children and pool workers, under both start methods) shares one small shared-memory
//! segment (`shm::Segment`):
//!
//! - a long write takes the segment's lock (dead-holder safe: a holder that died is taken
//!   over), publishes its pid in `LONG`, waits for short writes in progress to finish, writes,
//!   and clears `LONG`;
//! - a short write stays free of system calls: it marks itself in one of `SLOTS` words with
//!   its pid, and writes unless `LONG` is set; if it is, it steps back and waits for the long
//!   write to finish. A slot whose process died (say, killed by `terminate` in mid-write) is
//!   freed by the long writer that finds it.
//!
//! The segment is made just before the first child starts (until then there is nobody to
//! split a line with). Its file is unlinked at once, so nothing is left behind whatever
//! happens; forked children inherit the mapping, and processes started by the spawn method
//! inherit a descriptor of it and map it through the path in `ENV` (`/dev/fd/N`).

use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::shm::{BODY, Segment};
use super::sys::{futex_wait, futex_wake, my_pid, pid_is_dead};

/// The environment variable that gives processes started by the spawn method the segment.
pub const ENV: &str = "MPSCRIPT_OUTPUT_LOCK";

/// Writes up to this long are atomic on a pipe (POSIX `PIPE_BUF`).
pub const PIPE_BUF: usize = if cfg!(target_os = "linux") { 4096 } else { 512 };

/// The segment's kind tag ("OUTL").
const KIND: u32 = 0x4f55_544c;
/// The pid of the process doing a long write, or 0.
const LONG: usize = BODY;
/// Short writes in progress: one word each, holding the writer's pid (0 when free).
const SLOTS: usize = BODY + 64;
const N_SLOTS: usize = 128;
const LEN: usize = SLOTS + 4 * N_SLOTS;

struct Shared {
    segment: Segment,
    /// In the process that made it: the segment's file, already unlinked, kept open (and
    /// inherited across exec) so that processes started by the spawn method can map it.
    _file: Option<File>,
    /// What children map: `/dev/fd/N`, N being that inherited descriptor.
    path: String,
}

thread_local! {
    static LOCK: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
    /// Whether `ENV` was looked at already in this process.
    static LOOKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The lock, if this process has one (made here, inherited by fork, or named by `ENV`).
fn current() -> Option<Rc<Shared>> {
    if !LOOKED.with(|l| l.replace(true)) {
        if let Some(path) = std::env::var_os(ENV) {
            if let Ok(segment) = Segment::open(Path::new(&path), KIND, "output lock") {
                let segment = segment.uncounted();
                let shared = Rc::new(Shared {
                    segment,
                    _file: None,
                    path: path.to_string_lossy().into_owned(),
                });
                LOCK.with(|l| *l.borrow_mut() = Some(shared));
            }
        }
    }
    LOCK.with(|l| l.borrow().clone())
}

/// Called before a child starts: makes the lock if there is none yet, and returns what a
/// process started by the spawn method needs in its environment to share it.
pub fn share() -> Option<(&'static str, String)> {
    let shared = match current() {
        Some(shared) => shared,
        None => {
            let shared = Rc::new(make().ok()?);
            LOCK.with(|l| *l.borrow_mut() = Some(shared.clone()));
            shared
        }
    };
    Some((ENV, shared.path.clone()))
}

/// Makes the segment: a file that is unlinked at once (nothing to clean up, whatever happens
/// to the processes), mapped here, with a descriptor that children inherit.
fn make() -> io::Result<Shared> {
    let dir = Path::new("/dev/shm");
    let dir = if dir.is_dir() {
        dir.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!(
        "mpscript-{}-outlock-{:x}",
        my_pid(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    ));
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    let made = (|| {
        file.set_len(LEN as u64)?;
        file.write_all_at(&KIND.to_ne_bytes(), 0)?;
        Segment::open(&path, KIND, "output lock")
            .map(Segment::uncounted)
            .map_err(io::Error::other)
    })();
    let _ = std::fs::remove_file(&path);
    let segment = made?;
    // Kept open across exec, for processes started by the spawn method.
    nix::fcntl::fcntl(
        &file,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::empty()),
    )?;
    Ok(Shared {
        segment,
        path: format!("/dev/fd/{}", file.as_raw_fd()),
        _file: Some(file),
    })
}

/// Writes all of `buf` to `fd` so that no other process of the script writes in between.
pub fn write_all(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let Some(shared) = current() else {
        return write_raw(fd, buf);
    };
    let segment = &shared.segment;
    if buf.len() <= PIPE_BUF {
        short_write(segment, fd, buf)
    } else {
        long_write(segment, fd, buf)
    }
}

/// `write(2)` until everything is written.
fn write_raw(fd: BorrowedFd<'_>, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        match nix::unistd::write(fd, buf) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..],
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(io::Error::from(e)),
        }
    }
    Ok(())
}

fn short_write(segment: &Segment, fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let me = my_pid();
    loop {
        let Some(slot) = claim_slot(segment, me) else {
            // Every slot busy: queue up with the long writers instead.
            return long_write(segment, fd, buf);
        };
        // SeqCst on both sides: either this writer sees `LONG`, or the long writer sees the
        // slot (and waits for it).
        if segment.with_word(LONG, |w| w.load(Ordering::SeqCst)) == 0 {
            let result = write_raw(fd, buf);
            segment.with_word(slot, |w| w.store(0, Ordering::SeqCst));
            return result;
        }
        segment.with_word(slot, |w| w.store(0, Ordering::SeqCst));
        wait_for_long_write(segment);
    }
}

/// Marks a short write in progress; the slot's offset, or `None` if all are taken.
fn claim_slot(segment: &Segment, me: u32) -> Option<usize> {
    let first = me as usize % N_SLOTS;
    (0..N_SLOTS)
        .map(|i| SLOTS + 4 * ((first + i) % N_SLOTS))
        .find(|&slot| {
            segment.with_word(slot, |w| {
                w.compare_exchange(0, me, Ordering::SeqCst, Ordering::Relaxed)
                    .is_ok()
            })
        })
}

/// Waits until no long write is going on (a writer that died mid-write is not waited for).
fn wait_for_long_write(segment: &Segment) {
    let mut since = Instant::now();
    loop {
        let holder = segment.with_word(LONG, |w| w.load(Ordering::SeqCst));
        if holder == 0 {
            return;
        }
        if since.elapsed() > Duration::from_millis(50) {
            if pid_is_dead(holder) {
                segment.with_word(LONG, |w| {
                    let _ = w.compare_exchange(holder, 0, Ordering::SeqCst, Ordering::Relaxed);
                });
                return;
            }
            since = Instant::now();
        }
        segment.with_word(LONG, |w| futex_wait(w, holder, Duration::from_millis(10)));
    }
}

fn long_write(segment: &Segment, fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    // Err means this process holds it already (two engines on two threads), or Ctrl-C came
    // while waiting: then write anyway rather than lose the output.
    let locked = segment.lock(None).is_ok();
    let me = my_pid();
    if locked {
        segment.with_word(LONG, |w| w.store(me, Ordering::SeqCst));
        for i in 0..N_SLOTS {
            wait_for_slot(segment, SLOTS + 4 * i, me);
        }
    }
    let result = write_raw(fd, buf);
    if locked {
        segment.with_word(LONG, |w: &AtomicU32| {
            w.store(0, Ordering::SeqCst);
            futex_wake(w);
        });
        segment.unlock();
    }
    result
}

/// Waits until the short write marked in `slot` is done, freeing it if its writer died.
fn wait_for_slot(segment: &Segment, slot: usize, me: u32) {
    let start = Instant::now();
    let mut checked = start;
    let mut spins = 0u32;
    loop {
        let writer = segment.with_word(slot, |w| w.load(Ordering::SeqCst));
        if writer == 0 || writer == me {
            return;
        }
        if checked.elapsed() > Duration::from_millis(20) {
            checked = Instant::now();
            if pid_is_dead(writer) {
                segment.with_word(slot, |w| {
                    let _ = w.compare_exchange(writer, 0, Ordering::SeqCst, Ordering::Relaxed);
                });
                return;
            }
        }
        spins += 1;
        if spins < 100 {
            std::hint::spin_loop();
        } else {
            std::thread::sleep(Duration::from_micros(100));
        }
    }
}
