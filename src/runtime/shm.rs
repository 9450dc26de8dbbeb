//! Named shared-memory segments and the cross-process lock that guards them.
//!
//! Every IPC handle (queue, pipe, lock, shared cell) is one small file in `/dev/shm` (tmpfs),
//! mapped shared by every process that uses it. A forked child inherits the mapping; any other
//! process (a spawn-method child, a pool worker started before the handle existed) is sent the
//! file's path and maps it itself. So a handle crosses every kind of process boundary without
//! passing descriptors, and the wire format stays plain bytes.
//!
//! The file is removed when the process that made it is done with it: at once if it never
//! left that process, otherwise when that process ends (the `Runtime` removes what it made).
//! A creator killed by SIGKILL cannot clean up; the next process to make a segment sweeps
//! files whose creator is gone.
//!
//! The lock word holds the pid of its holder (0 when free), so a waiter can tell when the
//! holder died and take the lock over instead of waiting forever.

use std::cell::{Cell, Ref, RefCell};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::sys::{self, SharedMap, futex_wait, futex_wake, my_pid, pid_is_dead};

/// Offsets of the header words every segment starts with.
pub const KIND: usize = 0;
const LOCK: usize = 8;
const LOCK_WAITERS: usize = 12;
/// Bumped whenever something a waiter may be waiting for happens (an item, a close).
const SEQ: usize = 16;
const SEQ_WAITERS: usize = 20;
/// Where the words of each kind of handle begin.
pub const BODY: usize = 64;

/// How long one sleep lasts at most before a waiter checks for Ctrl-C, its deadline, and
/// whether the process it waits for died.
const SLICE: Duration = Duration::from_millis(50);

/// How often a waiter re-checks before it goes to sleep: a message or a release is often only
/// microseconds away, and sleeping costs two system calls on each side.
const SPINS: u32 = 200;

/// Why a wait ended without success.
#[derive(Debug, PartialEq, Eq)]
pub enum WaitError {
    TimedOut,
    Interrupted,
}

/// One shared-memory file, mapped into this process.
pub struct Segment {
    path: PathBuf,
    file: File,
    map: RefCell<SharedMap>,
    /// The process that made the file, and removes it.
    creator: u32,
    /// Set once the path was sent to another process: from then on the file must outlive
    /// this handle, until the creator ends.
    sent: Cell<bool>,
    /// `sys::fork_count()` when the segment was made: a child forked later may use it too.
    forks_at_creation: u64,
}

impl Segment {
    /// Makes a new segment of `len` bytes (zeroed), tagged with `kind`.
    pub fn create(kind: u32, len: usize) -> Result<Segment, String> {
        let dir = segment_dir();
        sweep_once(&dir);
        let pid = my_pid();
        let (path, file) = (0..100)
            .find_map(|_| {
                let path = dir.join(format!("mpscript-{pid}-{:x}", unique()));
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&path)
                    .ok()
                    .map(|file| (path, file))
            })
            .ok_or_else(|| format!("cannot create shared memory in {}", dir.display()))?;
        let segment = Segment::from_file(path, file, len, pid)
            .map_err(|e| format!("cannot create shared memory: {e}"))?;
        segment.map().u32_at(KIND).store(kind, Ordering::Release);
        Ok(segment)
    }

    fn from_file(path: PathBuf, file: File, len: usize, creator: u32) -> std::io::Result<Self> {
        if (file.metadata()?.len() as usize) < len {
            file.set_len(len as u64)?;
        }
        let map = SharedMap::new(&file, len)?;
        Ok(Segment {
            path,
            file,
            map: RefCell::new(map),
            creator,
            sent: Cell::new(false),
            forks_at_creation: sys::fork_count(),
        })
    }

    /// Maps a segment another process made, checking that it is of the expected kind.
    pub fn open(path: &Path, kind: u32, what: &str) -> Result<Segment, String> {
        let gone = || format!("the {what} no longer exists (the process that made it has ended)");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|_| gone())?;
        let len = file.metadata().map_err(|_| gone())?.len() as usize;
        let creator = creator_of(path).unwrap_or(0);
        let segment =
            Segment::from_file(path.to_path_buf(), file, len, creator).map_err(|_| gone())?;
        if segment.map().u32_at(KIND).load(Ordering::Acquire) != kind {
            return Err(format!("{} is not a {what}", path.display()));
        }
        segment.sent.set(true);
        Ok(segment)
    }

    /// The path, for sending; marks the file as needed beyond this handle.
    pub fn share(&self) -> String {
        self.sent.set(true);
        self.path.display().to_string()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn map(&self) -> Ref<'_, SharedMap> {
        self.map.borrow()
    }

    /// The file's current length (another process may have grown it).
    pub fn file_len(&self) -> usize {
        self.file.metadata().map_or(0, |m| m.len() as usize)
    }

    /// Grows the file to `len` bytes and maps all of it. Only under the lock.
    pub fn grow(&self, len: usize) -> Result<(), String> {
        if self.file_len() < len {
            self.file
                .set_len(len as u64)
                .map_err(|e| format!("cannot grow shared memory: {e}"))?;
        }
        self.remap(len)
    }

    /// Maps the first `len` bytes afresh (after another process grew the file).
    pub fn remap(&self, len: usize) -> Result<(), String> {
        let map = SharedMap::new(&self.file, len)
            .map_err(|e| format!("cannot map shared memory: {e}"))?;
        *self.map.borrow_mut() = map;
        Ok(())
    }

    pub fn word(&self, offset: usize) -> u32 {
        self.map().u32_at(offset).load(Ordering::Acquire)
    }

    pub fn set_word(&self, offset: usize, value: u32) {
        self.map().u32_at(offset).store(value, Ordering::Release);
    }

    pub fn word64(&self, offset: usize) -> u64 {
        self.map().u64_at(offset).load(Ordering::Acquire)
    }

    pub fn set_word64(&self, offset: usize, value: u64) {
        self.map().u64_at(offset).store(value, Ordering::Release);
    }

    pub fn atomic64<R>(&self, offset: usize, f: impl FnOnce(&AtomicU64) -> R) -> R {
        f(self.map().u64_at(offset))
    }

    /// Takes the segment's lock. `Ok(Some(pid))` means the lock was taken over from process
    /// `pid`, which died holding it.
    pub fn lock(&self, deadline: Option<Instant>) -> Result<Option<u32>, LockError> {
        let me = my_pid();
        let mut spins = 0;
        let mut slept_on = 0;
        loop {
            let holder = {
                let map = self.map();
                let word = map.u32_at(LOCK);
                match word.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed) {
                    Ok(_) => return Ok(None),
                    Err(holder) => holder,
                }
            };
            if holder == me {
                return Err(LockError::HeldByMe);
            }
            if spins < SPINS {
                spins += 1;
                std::hint::spin_loop();
                if spins % 50 == 0 {
                    std::thread::yield_now();
                }
                continue;
            }
            // Only a holder that kept the lock through a whole sleep is worth checking on.
            if holder == slept_on && pid_is_dead(holder) {
                let map = self.map();
                let word = map.u32_at(LOCK);
                if word
                    .compare_exchange(holder, me, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return Ok(Some(holder));
                }
            }
            slept_on = holder;
            self.sleep_while(LOCK, LOCK_WAITERS, holder, deadline)
                .map_err(LockError::Wait)?;
        }
    }

    /// Releases the lock; false if this process did not hold it.
    pub fn unlock(&self) -> bool {
        let me = my_pid();
        let map = self.map();
        let released = map
            .u32_at(LOCK)
            .compare_exchange(me, 0, Ordering::Release, Ordering::Relaxed)
            .is_ok();
        if released && map.u32_at(LOCK_WAITERS).load(Ordering::SeqCst) > 0 {
            futex_wake(map.u32_at(LOCK));
        }
        released
    }

    /// The pid holding the lock, or 0.
    pub fn lock_holder(&self) -> u32 {
        self.word(LOCK)
    }

    /// The current value of the event counter; pass it to [`Segment::wait_event`].
    pub fn event_seq(&self) -> u32 {
        self.word(SEQ)
    }

    /// Tells waiters that something happened.
    pub fn notify(&self) {
        let map = self.map();
        map.u32_at(SEQ).fetch_add(1, Ordering::SeqCst);
        if map.u32_at(SEQ_WAITERS).load(Ordering::SeqCst) > 0 {
            futex_wake(map.u32_at(SEQ));
        }
    }

    /// Sleeps for one slice at most, unless an event newer than `seen` has happened.
    pub fn wait_event(&self, seen: u32, deadline: Option<Instant>) -> Result<(), WaitError> {
        self.sleep_while(SEQ, SEQ_WAITERS, seen, deadline)
    }

    /// One bounded sleep while the word at `offset` still holds `value`, registered in the
    /// waiter count at `waiters` so that the other side knows to wake us.
    fn sleep_while(
        &self,
        offset: usize,
        waiters: usize,
        value: u32,
        deadline: Option<Instant>,
    ) -> Result<(), WaitError> {
        if sys::interrupted() {
            return Err(WaitError::Interrupted);
        }
        let mut slice = SLICE;
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(WaitError::TimedOut);
            }
            slice = slice.min(left);
        }
        let map = self.map();
        map.u32_at(waiters).fetch_add(1, Ordering::SeqCst);
        futex_wait(map.u32_at(offset), value, slice);
        map.u32_at(waiters).fetch_sub(1, Ordering::SeqCst);
        if sys::interrupted() {
            return Err(WaitError::Interrupted);
        }
        Ok(())
    }

    /// Waits at most a few microseconds for `ready` by spinning, before a caller sleeps.
    pub fn spin_until(&self, ready: impl Fn(&Segment) -> bool) -> bool {
        for i in 0..SPINS {
            if ready(self) {
                return true;
            }
            std::hint::spin_loop();
            if i % 50 == 49 {
                std::thread::yield_now();
            }
        }
        ready(self)
    }

    /// Removes the file now if no other process can need it.
    fn remove_if_private(&self) {
        let forked_since = sys::fork_count() != self.forks_at_creation;
        if !self.sent.get() && !forked_since && self.creator == my_pid() {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// The word at `offset`, for waiters that watch it directly.
    pub fn with_word<R>(&self, offset: usize, f: impl FnOnce(&AtomicU32) -> R) -> R {
        f(self.map().u32_at(offset))
    }
}

impl Drop for Segment {
    fn drop(&mut self) {
        self.remove_if_private();
    }
}

/// Why a lock could not be taken.
#[derive(Debug, PartialEq, Eq)]
pub enum LockError {
    /// This process holds it already (waiting would wait forever).
    HeldByMe,
    Wait(WaitError),
}

/// Removes the given segment files if this process made them (the end of a process, or of
/// an engine, that made handles and sent them elsewhere).
pub fn remove_created(paths: &mut Vec<PathBuf>) {
    let me = my_pid();
    for path in paths.drain(..) {
        if creator_of(&path) == Some(me) {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn segment_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn unique() -> u64 {
    use std::sync::atomic::AtomicU64 as Counter;
    static NEXT: Counter = Counter::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    (NEXT.fetch_add(1, Ordering::Relaxed) << 32) ^ nanos
}

/// The creator's pid, from a segment file's name (`mpscript-PID-N`).
fn creator_of(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    name.strip_prefix("mpscript-")?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// Once per process: removes segment files whose creator died without removing them.
fn sweep_once(dir: &Path) {
    static SWEPT: AtomicU32 = AtomicU32::new(0);
    if SWEPT.swap(my_pid(), Ordering::Relaxed) == my_pid() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if let Some(pid) = creator_of(&path) {
            if pid_is_dead(pid) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_removed_when_it_never_left_its_process() {
        let segment = Segment::create(7, 4096).unwrap();
        let path = segment.path().to_path_buf();
        assert!(path.exists());
        drop(segment);
        assert!(!path.exists());
    }

    #[test]
    fn an_opened_segment_sees_the_same_memory() {
        let a = Segment::create(7, 4096).unwrap();
        let b = Segment::open(Path::new(&a.share()), 7, "thing").unwrap();
        a.set_word64(BODY, 42);
        assert_eq!(b.word64(BODY), 42);
        assert!(Segment::open(a.path(), 8, "queue").is_err());
        let mut created = vec![a.path().to_path_buf()];
        remove_created(&mut created);
        assert!(!a.path().exists());
    }

    #[test]
    fn the_lock_is_exclusive_and_not_reentrant() {
        let segment = Segment::create(7, 4096).unwrap();
        assert_eq!(segment.lock(None), Ok(None));
        assert_eq!(segment.lock(None), Err(LockError::HeldByMe));
        assert!(segment.unlock());
        assert!(!segment.unlock());
    }

    #[test]
    fn a_lock_held_by_a_dead_process_is_taken_over() {
        let segment = Segment::create(7, 4096).unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        segment.set_word(LOCK, dead);
        assert_eq!(segment.lock(None), Ok(Some(dead)));
        assert_eq!(segment.lock_holder(), my_pid());
    }
}
