//! Named shared-memory segments and the cross-process lock that guards them.
//!
//! Every IPC handle (queue, pipe, lock, shared cell) is one small file in `/dev/shm` (tmpfs;
//! `MPSCRIPT_SHM_DIR` names another directory), mapped shared by every process that uses it. A
//! forked child inherits the mapping; any other process (a spawn-method child, a pool worker
//! started before the handle existed) is sent the file's path and maps it itself. So a handle
//! crosses every kind of process boundary without passing descriptors, and the wire format
//! stays plain bytes.
//!
//! Names carry 128 random bits, files are made with `O_EXCL` and mode 0600, and a path
//! received from elsewhere is opened only if it is a regular file (no symlink) of this user.
//! Space is reserved when a file is made or grown (`posix_fallocate`), so a full `/dev/shm` is
//! an error at the line that asked for room, never SIGBUS.
//!
//! **Freeing.** The header counts references: one per process that has the segment mapped (a
//! forked child is counted by its parent before it exists) and one per copy of its path on
//! its way to another process (counted when the path is serialized, given back when it is
//! decoded). A process gives its reference back when its last handle drops, or when it ends
//! ([`release_all`]); whoever takes the count to zero removes the file. A process killed by
//! SIGKILL cannot give back; as a safety net the process that made a segment removes it when
//! it ends ([`remove_created`], [`remove_all_created`]), and the next process to make a
//! segment sweeps files whose maker is gone.
//!
//! The lock word holds the pid of its holder (0 when free), so a waiter can tell when the
//! holder died and take the lock over instead of waiting forever.

use std::cell::{Cell, Ref, RefCell};
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::rc::{Rc, Weak};
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
/// References: processes that hold the segment, plus copies of its path in flight.
const REFS: usize = 24;
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

/// One shared-memory file, mapped into this process: one reference in the header.
pub struct Segment {
    inner: Rc<Attached>,
    file: File,
}

/// What the registry of this process's segments sees of one (for counting a forked child,
/// a path being sent, and giving everything back at the end).
struct Attached {
    path: PathBuf,
    map: RefCell<SharedMap>,
    /// This process's reference was given back already.
    released: Cell<bool>,
}

thread_local! {
    /// The segments this process has mapped, by path.
    static ATTACHED: RefCell<HashMap<PathBuf, Vec<Weak<Attached>>>> =
        RefCell::new(HashMap::new());
    /// The segment files this process made and that may still exist.
    static CREATED: RefCell<HashSet<PathBuf>> = RefCell::new(HashSet::new());
}

impl Segment {
    /// Makes a new segment of `len` bytes (zeroed), tagged with `kind`.
    pub fn create(kind: u32, len: usize) -> Result<Segment, String> {
        let dir = segment_dir();
        sweep_once(&dir);
        let pid = my_pid();
        let mut last_error = None;
        for _ in 0..10 {
            let random = sys::random_bits()
                .map_err(|e| format!("cannot create shared memory: no random source: {e}"))?;
            let path = dir.join(format!("mpscript-{pid}-{random:032x}"));
            let opened = OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(nix::libc::O_NOFOLLOW)
                .open(&path);
            let file = match opened {
                Ok(file) => file,
                Err(e) => {
                    last_error = Some(e);
                    continue;
                }
            };
            if let Err(e) = sys::reserve(&file, len) {
                let _ = std::fs::remove_file(&path);
                return Err(no_room(&dir, &e, "cannot create shared memory"));
            }
            let segment = match Segment::attach(path.clone(), file, len) {
                Ok(segment) => segment,
                Err(e) => {
                    let _ = std::fs::remove_file(&path);
                    return Err(format!("cannot create shared memory: {e}"));
                }
            };
            let map = segment.map();
            map.u32_at(REFS).store(1, Ordering::Release);
            map.u32_at(KIND).store(kind, Ordering::Release);
            drop(map);
            CREATED.with(|c| c.borrow_mut().insert(path));
            return Ok(segment);
        }
        Err(format!(
            "cannot create shared memory in {}: {}",
            dir.display(),
            last_error.map_or_else(|| "no free name".to_string(), |e| e.to_string())
        ))
    }

    /// Takes this mapping out of reference counting, for a segment whose file was unlinked
    /// at once (the output lock's): nothing is counted for it at a fork, sent, or given back.
    pub fn uncounted(self) -> Segment {
        self.inner.released.set(true);
        let _ = ATTACHED.try_with(|a| a.borrow_mut().remove(&self.inner.path));
        self
    }

    /// Maps `len` bytes of an open file and registers the mapping in this process.
    fn attach(path: PathBuf, file: File, len: usize) -> std::io::Result<Self> {
        let map = SharedMap::new(&file, len)?;
        let inner = Rc::new(Attached {
            path: path.clone(),
            map: RefCell::new(map),
            released: Cell::new(false),
        });
        ATTACHED.with(|a| {
            let mut attached = a.borrow_mut();
            let same = attached.entry(path).or_default();
            same.retain(|w| w.strong_count() > 0);
            same.push(Rc::downgrade(&inner));
        });
        Ok(Segment { inner, file })
    }

    /// Maps a segment another process made, checking that it is of the expected kind. The
    /// path arrived in a message, whose reference in flight becomes this process's.
    pub fn open(path: &Path, kind: u32, what: &str) -> Result<Segment, String> {
        let gone = || format!("the {what} no longer exists (the process that made it has ended)");
        let file = open_checked(path).map_err(|e| match e {
            OpenError::Gone => gone(),
            OpenError::Refused(why) => format!("refusing to open {}: {why}", path.display()),
        })?;
        let len = file.metadata().map_err(|_| gone())?.len() as usize;
        if len < BODY {
            return Err(format!("{} is not a {what}", path.display()));
        }
        let segment = Segment::attach(path.to_path_buf(), file, len).map_err(|_| gone())?;
        if segment.map().u32_at(KIND).load(Ordering::Acquire) != kind {
            // Not ours to count on: leave its references alone.
            segment.inner.released.set(true);
            return Err(format!("{} is not a {what}", path.display()));
        }
        Ok(segment)
    }

    /// The path, for sending (the reference in flight is counted when it is serialized).
    pub fn share(&self) -> String {
        self.inner.path.display().to_string()
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub fn map(&self) -> Ref<'_, SharedMap> {
        self.inner.map.borrow()
    }

    /// The file's current length (another process may have grown it).
    pub fn file_len(&self) -> usize {
        self.file.metadata().map_or(0, |m| m.len() as usize)
    }

    /// Grows the file to `len` bytes (reserving the space) and maps all of it. Only under
    /// the lock.
    pub fn grow(&self, len: usize) -> Result<(), String> {
        if self.file_len() < len {
            sys::reserve(&self.file, len).map_err(|e| {
                let dir = self.path().parent().unwrap_or(Path::new("/"));
                no_room(dir, &e, "cannot grow shared memory")
            })?;
        }
        self.remap(len)
    }

    /// Maps the first `len` bytes afresh (after another process grew the file).
    pub fn remap(&self, len: usize) -> Result<(), String> {
        let map = SharedMap::new(&self.file, len)
            .map_err(|e| format!("cannot map shared memory: {e}"))?;
        *self.inner.map.borrow_mut() = map;
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
        let mut spins = 0;
        loop {
            // After spinning, every round checks whether the holder is still alive (one
            // system call per sleep), so a dead holder is taken over even with no time left.
            let holder = match self.try_take_lock(spins >= SPINS) {
                Ok(taken) => return Ok(taken),
                Err(TryLock::HeldByMe) => return Err(LockError::HeldByMe),
                Err(TryLock::Busy(holder)) => holder,
            };
            if spins < SPINS {
                spins += 1;
                std::hint::spin_loop();
                if spins % 50 == 0 {
                    std::thread::yield_now();
                }
                continue;
            }
            self.sleep_while(LOCK, LOCK_WAITERS, holder, deadline)
                .map_err(LockError::Wait)?;
        }
    }

    /// One attempt at the lock without sleeping, for waits that poll between rounds of the
    /// event loop; a holder that died is taken over here too. A busy lock is
    /// `Err(LockError::Wait(WaitError::TimedOut))`.
    pub fn try_lock(&self) -> Result<Option<u32>, LockError> {
        for spins in 0..=SPINS {
            match self.try_take_lock(spins == SPINS) {
                Ok(taken) => return Ok(taken),
                Err(TryLock::HeldByMe) => return Err(LockError::HeldByMe),
                Err(TryLock::Busy(_)) => std::hint::spin_loop(),
            }
        }
        Err(LockError::Wait(WaitError::TimedOut))
    }

    /// Takes the lock if it is free, or (with `check_holder`, which costs a system call) if
    /// its holder died.
    fn try_take_lock(&self, check_holder: bool) -> Result<Option<u32>, TryLock> {
        let me = my_pid();
        let map = self.map();
        let word = map.u32_at(LOCK);
        let holder = match word.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed) {
            Ok(_) => return Ok(None),
            Err(holder) => holder,
        };
        if holder == me {
            return Err(TryLock::HeldByMe);
        }
        if check_holder
            && pid_is_dead(holder)
            && word
                .compare_exchange(holder, me, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            return Ok(Some(holder));
        }
        Err(TryLock::Busy(holder))
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

    /// The word at `offset`, for waiters that watch it directly.
    pub fn with_word<R>(&self, offset: usize, f: impl FnOnce(&AtomicU32) -> R) -> R {
        f(self.map().u32_at(offset))
    }
}

#[cfg(test)]
impl Segment {
    /// The number of references the header counts.
    pub fn references(&self) -> u32 {
        self.word(REFS)
    }
}

impl Drop for Segment {
    fn drop(&mut self) {
        release(&self.inner);
        let path = &self.inner.path;
        let _ = ATTACHED.try_with(|a| {
            let mut attached = a.borrow_mut();
            if let Some(same) = attached.get_mut(path) {
                same.retain(|w| w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), &*self.inner));
                if same.is_empty() {
                    attached.remove(path);
                }
            }
        });
    }
}

/// Gives this process's reference back (once); the last one removes the file.
fn release(attached: &Attached) {
    if attached.released.replace(true) {
        return;
    }
    let last = {
        let map = attached.map.borrow();
        let old = map
            .u32_at(REFS)
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        old == Ok(1)
    };
    if last {
        let _ = std::fs::remove_file(&attached.path);
        let _ = CREATED.try_with(|c| c.borrow_mut().remove(&attached.path));
    }
}

/// Every segment this process has mapped and not given back.
fn live_segments() -> Vec<Rc<Attached>> {
    ATTACHED
        .try_with(|a| {
            a.borrow()
                .values()
                .flatten()
                .filter_map(Weak::upgrade)
                .filter(|s| !s.released.get())
                .collect()
        })
        .unwrap_or_default()
}

/// A live mapping of `path` in this process, if there is one.
fn attached(path: &Path) -> Option<Rc<Attached>> {
    ATTACHED
        .try_with(|a| {
            a.borrow()
                .get(path)
                .and_then(|same| same.iter().filter_map(Weak::upgrade).next())
        })
        .ok()
        .flatten()
}

/// Adds `n` (which may be negative) to the reference count, never taking it to zero: only
/// [`release`] does that, and removes the file.
fn add_references(attached: &Attached, n: i32) {
    let map = attached.map.borrow();
    let _ = map
        .u32_at(REFS)
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |r| {
            r.checked_add_signed(n).filter(|&r| r > 0)
        });
}

/// Before `fork`: the child will hold every segment this process holds.
pub fn before_fork() {
    for segment in live_segments() {
        add_references(&segment, 1);
    }
}

/// `fork` failed after [`before_fork`]: no child holds anything.
pub fn fork_failed() {
    for segment in live_segments() {
        add_references(&segment, -1);
    }
}

/// A copy of a segment's path is being serialized to go to another process: count it.
pub fn leaving(path: &str) {
    let path = Path::new(path);
    match attached(path) {
        Some(segment) => add_references(&segment, 1),
        // Not mapped here any more (rare): count through a mapping of its own.
        None => {
            if let Ok(file) = open_checked(path) {
                if let Ok(map) = SharedMap::new(&file, BODY) {
                    map.u32_at(REFS).fetch_add(1, Ordering::AcqRel);
                }
            }
        }
    }
}

/// A copy of a path arrived in a process that holds the segment already: the reference it
/// carried is not needed.
pub fn arrived_again(path: &str) {
    if let Some(segment) = attached(Path::new(path)) {
        add_references(&segment, -1);
    }
}

/// At the end of a process: gives back every reference it holds (handles still alive stay
/// usable here, but no longer keep the file).
pub fn release_all() {
    for segment in live_segments() {
        release(&segment);
    }
}

/// Removes every segment file this process made, whoever still holds it, gives back the
/// rest, and removes the files of makers that are gone (children killed before they could
/// clean up): for the end of a script, and for its cleanup on SIGTERM, SIGHUP or Ctrl-C, best
/// after its children ended. Call it from ordinary code (once the signal was noticed), not
/// inside a signal handler.
pub fn remove_all_created() {
    let created: Vec<PathBuf> = CREATED
        .try_with(|c| c.borrow_mut().drain().collect())
        .unwrap_or_default();
    let me = my_pid();
    for path in created {
        if creator_of(&path) == Some(me) {
            let _ = std::fs::remove_file(path);
        }
    }
    release_all();
    sweep(&segment_dir());
}

/// A lock attempt that did not succeed.
enum TryLock {
    HeldByMe,
    Busy(u32),
}

/// Why a lock could not be taken.
#[derive(Debug, PartialEq, Eq)]
pub enum LockError {
    /// This process holds it already (waiting would wait forever).
    HeldByMe,
    Wait(WaitError),
}

/// Removes the given segment files if this process made them (the end of a process, or of
/// an engine, that made handles and sent them elsewhere), and gives back every reference this
/// process holds.
pub fn remove_created(paths: &mut Vec<PathBuf>) {
    let me = my_pid();
    for path in paths.drain(..) {
        if creator_of(&path) == Some(me) {
            let _ = std::fs::remove_file(&path);
            let _ = CREATED.try_with(|c| c.borrow_mut().remove(&path));
        }
    }
    release_all();
}

/// Where segment files go: `MPSCRIPT_SHM_DIR` if set, else `/dev/shm`, else the temporary
/// directory.
pub fn segment_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MPSCRIPT_SHM_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// The message for a file that could not get its space.
fn no_room(dir: &Path, error: &std::io::Error, doing: &str) -> String {
    if error.raw_os_error() == Some(nix::libc::ENOSPC) {
        format!(
            "no space left in shared memory ({} is full; free some, or set MPSCRIPT_SHM_DIR \
             to a larger directory)",
            dir.display()
        )
    } else {
        format!("{doing}: {error}")
    }
}

enum OpenError {
    Gone,
    Refused(&'static str),
}

/// Opens a segment file received by path: never through a symlink, and only a regular file
/// that belongs to this user (another user could have planted it).
fn open_checked(path: &Path) -> Result<File, OpenError> {
    // `/dev/fd/N` names a descriptor this process inherited (the output lock's, under the
    // spawn method): the kernel's own link to it, not one anybody else could plant; the owner
    // and file-type checks below still apply.
    let follow = if path.starts_with("/dev/fd") {
        0
    } else {
        nix::libc::O_NOFOLLOW
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(follow | nix::libc::O_NOCTTY | nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(nix::libc::ELOOP) => OpenError::Refused("it is a symbolic link"),
            _ => OpenError::Gone,
        })?;
    let meta = file.metadata().map_err(|_| OpenError::Gone)?;
    if !meta.is_file() {
        return Err(OpenError::Refused("it is not a regular file"));
    }
    if meta.uid() != sys::my_uid() {
        return Err(OpenError::Refused("it belongs to another user"));
    }
    Ok(file)
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
    sweep(dir);
}

/// Removes this user's segment files whose creator is gone (killed before it could clean up).
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let mine = || {
            std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.uid() == sys::my_uid())
        };
        if let Some(pid) = creator_of(&path) {
            if pid_is_dead(pid) && mine() {
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
        let path = a.share();
        leaving(&path);
        let b = Segment::open(Path::new(&path), 7, "thing").unwrap();
        a.set_word64(BODY, 42);
        assert_eq!(b.word64(BODY), 42);
        assert!(Segment::open(a.path(), 8, "queue").is_err());
        let mut created = vec![a.path().to_path_buf()];
        remove_created(&mut created);
        assert!(!a.path().exists());
    }

    #[test]
    fn a_segment_is_removed_when_the_last_reference_goes() {
        let a = Segment::create(7, 4096).unwrap();
        let path = a.path().to_path_buf();
        leaving(&a.share()); // a copy in flight
        assert_eq!(a.references(), 2);
        drop(a);
        assert!(path.exists(), "the copy in flight keeps it");
        let b = Segment::open(&path, 7, "thing").unwrap();
        assert_eq!(b.references(), 1);
        leaving(&b.share());
        arrived_again(&b.share()); // arrived where it is mapped already
        assert_eq!(b.references(), 1);
        drop(b);
        assert!(!path.exists());
    }

    #[test]
    fn remove_all_created_removes_what_this_process_made() {
        let a = Segment::create(7, 4096).unwrap();
        leaving(&a.share()); // a copy in flight would keep it
        let path = a.path().to_path_buf();
        remove_all_created();
        assert!(!path.exists());
        drop(a);
    }

    #[test]
    fn names_are_unguessable() {
        let a = Segment::create(7, 4096).unwrap();
        let b = Segment::create(7, 4096).unwrap();
        let random = |s: &Segment| {
            let name = s.path().file_name().unwrap().to_str().unwrap().to_string();
            name.rsplit('-').next().unwrap().to_string()
        };
        assert_eq!(random(&a).len(), 32, "128 random bits");
        assert!(random(&a).chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(random(&a), random(&b));
        assert_eq!(creator_of(a.path()), Some(my_pid()));
    }

    #[test]
    fn symlinks_and_other_users_files_are_refused() {
        let a = Segment::create(7, 4096).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join(format!("mpscript-{}-1", my_pid()));
        std::os::unix::fs::symlink(a.path(), &link).unwrap();
        let error = Segment::open(&link, 7, "queue").err().unwrap();
        assert!(error.contains("it is a symbolic link"), "{error}");
        if sys::my_uid() == 0 {
            let other = dir.path().join("other");
            std::fs::copy(a.path(), &other).unwrap();
            std::os::unix::fs::chown(&other, Some(65534), None).unwrap();
            let error = Segment::open(&other, 7, "queue").err().unwrap();
            assert!(error.contains("it belongs to another user"), "{error}");
        }
        let error = Segment::open(dir.path(), 7, "queue").err().unwrap();
        assert!(error.contains("not a regular file") || error.contains("no longer exists"));
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
