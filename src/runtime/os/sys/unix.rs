//! The Unix side of [`super`]: fork, signal handlers on a self-pipe, waitpid, shared memory
//! and futexes.
//!
//! Signals are turned into bytes on a self-pipe: the handlers only set an atomic flag and
//! `write` one byte (both async-signal-safe), and waiting code `poll`s the pipe. That way a wait
//! for a child, a pool result or a timeout is woken at once by SIGCHLD or SIGINT, without
//! busy polling and without races between checking and sleeping.

use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use super::{ExitStatus, INTERRUPT_SIGNAL, INTERRUPTED, Interrupted, interrupted, set_interrupted};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::poll::{PollFd, PollFlags, PollTimeout};
pub use nix::sys::signal::Signal;
use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet};
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

static WAKE_READ: AtomicI32 = AtomicI32::new(-1);
static WAKE_WRITE: AtomicI32 = AtomicI32::new(-1);
static HANDLERS_INSTALLED: AtomicBool = AtomicBool::new(false);
static SIGINT_INSTALLED: AtomicBool = AtomicBool::new(false);

/// The signals that interrupt the script (once [`catch_interrupts`] is called): Ctrl-C, and
/// SIGTERM and SIGHUP, which end it with the same clean-up.
const INTERRUPTS: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// While the REPL waits for input: an open `/dev/null` that SIGTERM and SIGHUP put in place of
/// standard input, so that the blocked read sees the end of input and the session leaves
/// (see [`awaiting_input`]).
static INPUT_STAND_IN: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signo: nix::libc::c_int) {
    if INTERRUPTS.iter().any(|&s| s as nix::libc::c_int == signo) {
        INTERRUPT_SIGNAL.store(signo, Ordering::Relaxed);
        INTERRUPTED.store(true, Ordering::Relaxed);
        let stand_in = INPUT_STAND_IN.load(Ordering::SeqCst);
        if signo != Signal::SIGINT as nix::libc::c_int && stand_in >= 0 {
            // SAFETY: `stand_in` is open while it is stored (`AwaitingInput` clears it before
            // closing it, and a handler runs between two steps of the only thread). `dup2` is
            // async-signal-safe; replacing fd 0 only changes what the next read of standard
            // input sees, and the guard puts the terminal back.
            unsafe {
                let saved = Errno::last_raw();
                nix::libc::dup2(stand_in, 0);
                Errno::set_raw(saved);
            }
        }
    }
    let fd = WAKE_WRITE.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: `fd` is the write end of the self-pipe, open for the life of the process
        // (a forked child replaces it before it can matter; a stale fd would only make this
        // write fail). `write` is async-signal-safe, and errno is saved and restored.
        unsafe {
            let saved = Errno::last_raw();
            let _ = nix::libc::write(fd, [1u8].as_ptr().cast(), 1);
            Errno::set_raw(saved);
        }
    }
}

/// The wake pipe, if one can be made (out of descriptors, waits fall back to short sleeps).
fn new_wake_pipe() -> Option<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC).ok()
}

fn store_wake_pipe(read: OwnedFd, write: OwnedFd) {
    use std::os::fd::IntoRawFd;
    WAKE_READ.store(read.into_raw_fd(), Ordering::Relaxed);
    WAKE_WRITE.store(write.into_raw_fd(), Ordering::Relaxed);
}

fn install(sig: Signal) {
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        // No SA_RESTART: a blocking wait returns EINTR so the interrupt is noticed.
        SaFlags::SA_NOCLDSTOP,
        SigSet::empty(),
    );
    // SAFETY: `on_signal` only touches atomics and calls `write`, both async-signal-safe.
    unsafe {
        let _ = signal::sigaction(sig, &action);
    }
}

/// Installs the SIGCHLD handler and the wake pipe (once per process).
pub fn init_child_signals() {
    if HANDLERS_INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Some((read, write)) = new_wake_pipe() {
        store_wake_pipe(read, write);
    }
    install(Signal::SIGCHLD);
}

/// Makes Ctrl-C (and SIGTERM, SIGHUP) set the interrupted flag instead of killing the
/// process, so the interpreter can end its children, remove its shared-memory files and exit
/// 130 (143, 129). Only the command line and the REPL ask for this. Installs the handlers again
/// on every call: a line editor replaces the SIGINT one with its own while it lives, and the
/// REPL takes it back.
pub fn catch_interrupts() {
    init_child_signals();
    SIGINT_INSTALLED.store(true, Ordering::SeqCst);
    for sig in INTERRUPTS {
        install(sig);
    }
}

/// A pool worker ignores Ctrl-C: the terminal sends it to the whole process group, and the
/// worker's parent decides (it terminates the pools the interrupted code was using, and all of
/// them when the script ends). SIGTERM still ends it.
pub fn ignore_interrupts() {
    // SAFETY: ignoring a signal has no preconditions.
    unsafe {
        let _ = signal::signal(Signal::SIGINT, SigHandler::SigIgn);
    }
    for sig in [Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: the handler only makes async-signal-safe calls.
        unsafe {
            let _ = signal::signal(sig, SigHandler::Handler(die_ending_commands));
        }
    }
}

/// SIGTERM or SIGHUP in a child or a pool worker: it dies at once, as by default, but first
/// kills the process groups of the commands it runs. Their leaders would die with it anyway
/// (`PR_SET_PDEATHSIG`), but not what those started (a shell's background job), which would
/// be left behind when the script ends a child (Ctrl-C, SIGTERM, `p.terminate()`).
extern "C" fn die_ending_commands(sig: nix::libc::c_int) {
    crate::runtime::os::job::kill_groups_now();
    // SAFETY: `signal` and `raise` are async-signal-safe; the signal, blocked while this
    // handler runs, is delivered again with the default action (death) when it returns.
    unsafe {
        nix::libc::signal(sig, nix::libc::SIG_DFL);
        nix::libc::raise(sig);
    }
}

/// Marks the time the REPL waits for a line of input (until it is dropped): SIGTERM or SIGHUP
/// then ends the wait as the end of input would, so the session can clean up and leave.
pub struct AwaitingInput {
    saved: Option<OwnedFd>,
    stand_in: Option<OwnedFd>,
    mode: Option<nix::libc::termios>,
}

pub fn awaiting_input() -> AwaitingInput {
    use std::os::fd::AsFd;
    let saved = std::io::stdin().as_fd().try_clone_to_owned().ok();
    let stand_in = std::fs::File::open("/dev/null").ok().map(OwnedFd::from);
    // SAFETY: `tcgetattr` writes only into `mode`, a plain C struct; on failure (not a
    // terminal) it is not used.
    let mode = unsafe {
        let mut mode = std::mem::zeroed::<nix::libc::termios>();
        (nix::libc::tcgetattr(0, &mut mode) == 0).then_some(mode)
    };
    if let (Some(_), Some(stand_in)) = (&saved, &stand_in) {
        INPUT_STAND_IN.store(stand_in.as_raw_fd(), Ordering::SeqCst);
    }
    AwaitingInput {
        saved,
        stand_in,
        mode,
    }
}

impl Drop for AwaitingInput {
    fn drop(&mut self) {
        INPUT_STAND_IN.store(-1, Ordering::SeqCst);
        drop(self.stand_in.take());
        if !(interrupted() && super::interrupted_to_end()) {
            return;
        }
        // The signal may have replaced standard input: put it back, in the mode it had (the
        // line editor's own restore went to /dev/null).
        if let Some(saved) = &self.saved {
            // SAFETY: `saved` is an open duplicate of the original standard input; `dup2`
            // makes fd 0 that file again, closing the stand-in copy.
            unsafe {
                nix::libc::dup2(saved.as_raw_fd(), 0);
            }
        }
        if let Some(mode) = &self.mode {
            // SAFETY: `mode` came from `tcgetattr` on the same terminal.
            unsafe {
                nix::libc::tcsetattr(0, nix::libc::TCSANOW, mode);
            }
        }
    }
}

/// Drains the wake pipe.
fn drain_wake() {
    let fd = WAKE_READ.load(Ordering::Relaxed);
    if fd < 0 {
        return;
    }
    // SAFETY: the read end stays open for the life of the process (see `on_signal`).
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    let mut buf = [0u8; 64];
    while let Ok(n) = nix::unistd::read(fd, &mut buf) {
        if n < buf.len() {
            break;
        }
    }
}

/// Sleeps until a signal arrives on the wake pipe, one of `reads` is readable (or closed),
/// one of `writes` is writable, or `timeout` passes. Returns which `reads` and `writes` are
/// ready, by index.
pub fn wait_for_event(
    reads: &[RawFd],
    writes: &[RawFd],
    timeout: Option<Duration>,
) -> (Vec<usize>, Vec<usize>) {
    let wake = WAKE_READ.load(Ordering::Relaxed);
    // SAFETY: every fd passed in is open for the duration of this call (owned by the caller),
    // and the wake pipe stays open for the life of the process.
    let fd = |raw: RawFd| unsafe { BorrowedFd::borrow_raw(raw) };
    let mut poll_fds: Vec<PollFd<'_>> = Vec::with_capacity(reads.len() + writes.len() + 1);
    poll_fds.extend(reads.iter().map(|&r| PollFd::new(fd(r), PollFlags::POLLIN)));
    poll_fds.extend(
        writes
            .iter()
            .map(|&w| PollFd::new(fd(w), PollFlags::POLLOUT)),
    );
    if wake >= 0 {
        poll_fds.push(PollFd::new(fd(wake), PollFlags::POLLIN));
    }
    // Without a wake pipe a signal cannot interrupt the wait: wake up often instead.
    let timeout = match timeout {
        None if wake < 0 => PollTimeout::from(50u8),
        None => PollTimeout::NONE,
        // Round up so a timeout never fires early.
        Some(t) => PollTimeout::try_from((t.as_micros().div_ceil(1000)).min(60_000) as u64)
            .unwrap_or(PollTimeout::MAX),
    };
    let mut ready_reads = Vec::new();
    let mut ready_writes = Vec::new();
    let mut woken = false;
    if let Ok(n) = nix::poll::poll(&mut poll_fds, timeout) {
        if n > 0 {
            for (i, p) in poll_fds.iter().enumerate() {
                if p.revents().is_some_and(|r| !r.is_empty()) {
                    if i < reads.len() {
                        ready_reads.push(i);
                    } else if i < reads.len() + writes.len() {
                        ready_writes.push(i - reads.len());
                    } else {
                        woken = true;
                    }
                }
            }
        }
    }
    if woken {
        drain_wake();
    }
    (ready_reads, ready_writes)
}

/// Reaps `pid` if it has ended; `None` while it runs.
pub fn try_wait(pid: i32) -> Option<ExitStatus> {
    loop {
        match nix::sys::wait::waitpid(Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(_, code)) => return Some(ExitStatus::Exited(code)),
            Ok(WaitStatus::Signaled(_, sig, _)) => return Some(ExitStatus::Signaled(sig as i32)),
            Ok(_) => return None,
            Err(Errno::EINTR) => continue,
            // ECHILD: not our child, or reaped already; treat as gone.
            Err(_) => return Some(ExitStatus::Exited(0)),
        }
    }
}

/// Whether child `pid` has ended, without reaping it (its zombie keeps its pid and process
/// group id from being reused until it is reaped).
pub fn has_exited(pid: i32) -> bool {
    use nix::sys::wait::{Id, waitid};
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    loop {
        match waitid(Id::Pid(Pid::from_raw(pid)), flags) {
            Ok(WaitStatus::StillAlive) => return false,
            Ok(_) => return true,
            Err(Errno::EINTR) => continue,
            // ECHILD: reaped already.
            Err(_) => return true,
        }
    }
}

/// Waits for `pid` to end, up to `deadline`.
pub fn wait_pid(pid: i32, deadline: Option<Instant>) -> Result<Option<ExitStatus>, Interrupted> {
    init_child_signals();
    loop {
        if let Some(status) = try_wait(pid) {
            return Ok(Some(status));
        }
        if interrupted() {
            return Err(Interrupted);
        }
        let timeout = match deadline {
            None => None,
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Ok(None);
                }
                Some(d - now)
            }
        };
        wait_for_event(&[], &[], timeout);
    }
}

/// Waits up to `deadline` for `pid` (a child just told to end) to end and reaps it, whatever
/// the interrupted flag says: this is the clean-up after Ctrl-C. `None` if it still runs.
pub fn reap(pid: i32, deadline: Instant) -> Option<ExitStatus> {
    init_child_signals();
    loop {
        if let Some(status) = try_wait(pid) {
            return Some(status);
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        // SIGCHLD wakes this; the cap covers a wake-up another wait drained.
        wait_for_event(
            &[],
            &[],
            Some((deadline - now).min(Duration::from_millis(20))),
        );
    }
}

/// Sleeps for `timeout`, or less if a signal arrives.
pub fn pause(timeout: Duration) {
    wait_for_event(&[], &[], Some(timeout));
}

pub fn send_signal(pid: i32, sig: Signal) {
    let _ = signal::kill(Pid::from_raw(pid), sig);
}

/// Takes charge of a child started with `Command`, returning its pid: on Unix it is waited
/// for by pid, like a forked one.
pub fn keep_child(child: std::process::Child) -> i32 {
    child.id() as i32
}

/// The parent's pid, as `getppid()` shows it.
pub fn parent_pid() -> i32 {
    nix::unistd::getppid().as_raw()
}

/// Number of threads in this process (1 when single-threaded; 0 if it cannot be told).
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

pub enum Forked {
    Parent(i32),
    Child,
}

/// Forks. The caller has checked that the process is single-threaded, so the child may go on
/// running ordinary Rust code (allocation included). Callers go through `os::fork`, which keeps
/// shared-memory segments counted across the fork.
pub fn fork() -> Result<Forked, Errno> {
    // SAFETY: callers only fork when `thread_count() == 1`, so no other thread can hold a lock
    // (malloc's included) that would stay locked forever in the child.
    let forked = unsafe { nix::unistd::fork() }?;
    match forked {
        nix::unistd::ForkResult::Parent { child } => Ok(Forked::Parent(child.as_raw())),
        nix::unistd::ForkResult::Child => Ok(Forked::Child),
    }
}

/// Prepares a freshly started child: dies with its parent, gets its own wake pipe.
/// Returns false if the parent is already gone.
pub fn setup_child(parent: i32) -> bool {
    crate::runtime::os::command::keep_stdio_from_commands();
    crate::runtime::os::job::forget_all_groups();
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
    if nix::unistd::getppid().as_raw() != parent {
        return false;
    }
    // SIGTERM and SIGHUP end a child at once (`p.terminate()` reads -15), as they would have
    // before its parent caught them; Ctrl-C keeps the parent's handler (a child exits 130).
    if SIGINT_INSTALLED.load(Ordering::SeqCst) {
        for sig in [Signal::SIGTERM, Signal::SIGHUP] {
            // SAFETY: the handler only makes async-signal-safe calls (it dies as by default,
            // ending the commands' groups first).
            unsafe {
                let _ = signal::signal(sig, SigHandler::Handler(die_ending_commands));
            }
        }
    } else {
        // A spawn-method child starts with the default disposition: keep dying at once, but
        // end the commands' groups first, as above. (A host's own handler is left alone.)
        for sig in [Signal::SIGTERM, Signal::SIGHUP] {
            // SAFETY: `sigaction` with no new action only reads the current one into `old`.
            let default = unsafe {
                let mut old: nix::libc::sigaction = std::mem::zeroed();
                nix::libc::sigaction(sig as i32, std::ptr::null(), &mut old) == 0
                    && old.sa_sigaction == nix::libc::SIG_DFL
            };
            if default {
                // SAFETY: the handler only makes async-signal-safe calls.
                unsafe {
                    let _ = signal::signal(sig, SigHandler::Handler(die_ending_commands));
                }
            }
        }
    }
    if SIGINT_INSTALLED.load(Ordering::SeqCst) {
        // One that came between the fork and here met the parent's handler, which only
        // noted it: act on it now as the default would have (a `terminate()` sent right after
        // `spawn` must not be forgotten).
        let noted = INTERRUPT_SIGNAL.swap(0, Ordering::SeqCst);
        if interrupted() && (noted == Signal::SIGTERM as i32 || noted == Signal::SIGHUP as i32) {
            if let Ok(sig) = Signal::try_from(noted) {
                let _ = signal::raise(sig);
            }
        }
    }
    set_interrupted(false);
    MY_PID.store(0, Ordering::Relaxed);
    if HANDLERS_INSTALLED.load(Ordering::SeqCst) {
        // The inherited pipe is shared with the parent: draining it here would steal the
        // parent's wake-ups. Close our copies and make a private one.
        for fd in [&WAKE_READ, &WAKE_WRITE] {
            let old = fd.swap(-1, Ordering::SeqCst);
            if old >= 0 {
                use std::os::fd::FromRawFd;
                // SAFETY: `old` came from `into_raw_fd` in `store_wake_pipe` and was just
                // swapped out of the static, so nothing else will use or close it.
                drop(unsafe { OwnedFd::from_raw_fd(old) });
            }
        }
        if let Some((read, write)) = new_wake_pipe() {
            store_wake_pipe(read, write);
        }
    }
    true
}

/// Ends the process at once, without running exit-time work inherited from the parent.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` ends the process immediately; it has no preconditions.
    unsafe { nix::libc::_exit(code) }
}

/// Standard input as the Unix socket a spawn-method pool worker is given by its parent.
pub fn stdin_socket() -> std::os::unix::net::UnixStream {
    use std::os::fd::FromRawFd;
    // SAFETY: a pool worker's fd 0 is one end of a socket pair set up by its parent, and
    // nothing else in the worker uses standard input, so taking ownership of it is sound.
    unsafe { std::os::unix::net::UnixStream::from_raw_fd(0) }
}

/// A pool worker reached through its standard input and output: takes them over as the two
/// ends of its link (new descriptors, closed on exec) and points the standard ones elsewhere
/// (input at /dev/null, output at standard error), so that nothing else can write into the
/// link by accident. Returns (read, write).
pub fn take_stdio_link() -> std::io::Result<(OwnedFd, OwnedFd)> {
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    use std::os::fd::AsFd;
    let read = nix::unistd::dup(std::io::stdin().as_fd())?;
    let write = nix::unistd::dup(std::io::stdout().as_fd())?;
    for fd in [&read, &write] {
        fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))?;
    }
    let null = std::fs::File::open("/dev/null")?;
    nix::unistd::dup2_stdin(&null)?;
    nix::unistd::dup2_stdout(std::io::stderr())?;
    Ok((read, write))
}

// ---------------------------------------------------------------------------------------------
// Shared memory and futexes, for the IPC handles (queue, pipe, lock, shared cell).

/// A file mapped shared into this process: every process that maps the same file sees the same
/// bytes. Offsets are checked; words are accessed only through atomics, and byte ranges only
/// by code that holds the cross-process lock guarding them.
pub struct SharedMap {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
}

impl SharedMap {
    /// Maps the first `len` bytes of `file` (which must be at least that long).
    pub fn new(file: &std::fs::File, len: usize) -> std::io::Result<SharedMap> {
        use nix::sys::mman::{MapFlags, ProtFlags, mmap};
        let size = std::num::NonZeroUsize::new(len)
            .ok_or_else(|| std::io::Error::other("cannot map an empty file"))?;
        // SAFETY: a fresh mapping chosen by the kernel (no address hint, so nothing existing
        // is replaced); the file stays mapped until `Drop` unmaps exactly this range.
        let ptr = unsafe {
            mmap(
                None,
                size,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
                file,
                0,
            )
        }
        .map_err(std::io::Error::from)?;
        Ok(SharedMap {
            ptr: ptr.cast(),
            len,
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn check(&self, offset: usize, size: usize, align: usize) {
        assert!(
            offset % align == 0 && offset.checked_add(size).is_some_and(|end| end <= self.len),
            "shared memory access out of range"
        );
    }

    /// The 32-bit word at `offset` (4-aligned).
    pub fn u32_at(&self, offset: usize) -> &std::sync::atomic::AtomicU32 {
        self.check(offset, 4, 4);
        // SAFETY: in range and aligned (checked; the mapping is page-aligned); the memory is
        // valid for as long as `self` is borrowed, and all access to it goes through atomics.
        unsafe { &*self.ptr.as_ptr().add(offset).cast() }
    }

    /// The 64-bit word at `offset` (8-aligned).
    pub fn u64_at(&self, offset: usize) -> &std::sync::atomic::AtomicU64 {
        self.check(offset, 8, 8);
        // SAFETY: as for `u32_at`.
        unsafe { &*self.ptr.as_ptr().add(offset).cast() }
    }

    /// Copies bytes out. The caller holds the lock that guards this range.
    pub fn read(&self, offset: usize, out: &mut [u8]) {
        self.check(offset, out.len(), 1);
        // SAFETY: the source range is inside the mapping (checked) and cannot overlap `out`,
        // which is ordinary process memory. Writers to the range hold the same lock as the
        // caller, whose acquire/release atomics order their writes before this read.
        unsafe {
            std::ptr::copy_nonoverlapping(
                self.ptr.as_ptr().add(offset),
                out.as_mut_ptr(),
                out.len(),
            )
        }
    }

    /// Copies bytes in. The caller holds the lock that guards this range.
    pub fn write(&self, offset: usize, data: &[u8]) {
        self.check(offset, data.len(), 1);
        // SAFETY: as for `read`, in the other direction.
        unsafe {
            std::ptr::copy_nonoverlapping(data.as_ptr(), self.ptr.as_ptr().add(offset), data.len())
        }
    }

    /// Moves `len` bytes from `from` to `to` (the ranges may overlap). Under the lock.
    pub fn copy_within(&self, from: usize, to: usize, len: usize) {
        self.check(from, len, 1);
        self.check(to, len, 1);
        // SAFETY: both ranges are inside the mapping (checked); `copy` allows overlap.
        unsafe { std::ptr::copy(self.ptr.as_ptr().add(from), self.ptr.as_ptr().add(to), len) }
    }
}

impl Drop for SharedMap {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the range `new` mapped; no reference into it can outlive
        // `self`, because every accessor borrows `self`.
        unsafe {
            let _ = nix::sys::mman::munmap(self.ptr.cast(), self.len);
        }
    }
}

/// Sleeps until `word` may have changed from `expected`, or `timeout` passes (whichever is
/// first; spurious wake-ups are allowed). Works across processes on shared memory.
pub fn futex_wait(word: &std::sync::atomic::AtomicU32, expected: u32, timeout: Duration) {
    #[cfg(target_os = "linux")]
    {
        let ts = nix::libc::timespec {
            tv_sec: timeout.as_secs() as nix::libc::time_t,
            tv_nsec: timeout.subsec_nanos() as nix::libc::c_long,
        };
        // SAFETY: FUTEX_WAIT (shared, not PRIVATE: other processes map the word) only reads
        // the aligned word, which stays mapped during the call; `ts` outlives the call.
        unsafe {
            nix::libc::syscall(
                nix::libc::SYS_futex,
                word.as_ptr(),
                nix::libc::FUTEX_WAIT,
                expected,
                &ts as *const nix::libc::timespec,
                std::ptr::null::<u32>(),
                0,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        if word.load(Ordering::Acquire) == expected {
            std::thread::sleep(timeout.min(Duration::from_micros(500)));
        }
    }
}

/// Wakes every process sleeping in [`futex_wait`] on `word`.
pub fn futex_wake(word: &std::sync::atomic::AtomicU32) {
    #[cfg(target_os = "linux")]
    // SAFETY: FUTEX_WAKE only uses the word's address as a key; it reads no memory.
    unsafe {
        nix::libc::syscall(
            nix::libc::SYS_futex,
            word.as_ptr(),
            nix::libc::FUTEX_WAKE,
            i32::MAX,
            std::ptr::null::<u32>(),
            std::ptr::null::<u32>(),
            0,
        );
    }
    #[cfg(not(target_os = "linux"))]
    let _ = word;
}

static MY_PID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// This process's pid, cached (locks compare it on every acquire); forked children reset it.
pub fn my_pid() -> u32 {
    match MY_PID.load(Ordering::Relaxed) {
        0 => {
            let pid = std::process::id();
            MY_PID.store(pid, Ordering::Relaxed);
            pid
        }
        pid => pid,
    }
}

/// True if no process `pid` runs any more (gone, or a zombie nobody has reaped yet).
pub fn pid_is_dead(pid: u32) -> bool {
    if pid == 0 || pid > i32::MAX as u32 {
        return true;
    }
    if let Err(Errno::ESRCH) = signal::kill(Pid::from_raw(pid as i32), None) {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| matches!(rest.trim_start().chars().next(), Some('Z' | 'X'))),
        Err(_) => cfg!(target_os = "linux"),
    }
}

/// The effective user id: shared-memory files must belong to it.
pub fn my_uid() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// Gives `file` real storage up to `len` bytes, so that touching its mapping can never fail
/// with SIGBUS on a full memory file system: a full one is an error here instead.
pub fn reserve(file: &std::fs::File, len: usize) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    {
        let len = nix::libc::off_t::try_from(len).map_err(std::io::Error::other)?;
        match nix::fcntl::posix_fallocate(file, 0, len) {
            Ok(()) => return Ok(()),
            // A file system without preallocation: the plain length is all there is.
            Err(Errno::EOPNOTSUPP | Errno::EINVAL) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if (file.metadata()?.len() as usize) < len {
        file.set_len(len as u64)?;
    }
    Ok(())
}

/// 128 bits from the kernel's random source, for names nobody else can guess.
pub fn random_bits() -> std::io::Result<u128> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(u128::from_le_bytes(bytes))
}

// ---------------------------------------------------------------------------------------------
// A remote pool worker's link: dying when it hangs up in the middle of a task.

/// The read end of a remote worker's link, watched for a hang-up (-1: none).
static HANGUP_FD: AtomicI32 = AtomicI32::new(-1);
/// The worker is running a task (not waiting on its link, where a hang-up shows as the end of
/// input and the worker leaves normally).
static BUSY: AtomicBool = AtomicBool::new(false);

/// Makes a remote worker (`mpscript worker`, reached over ssh or `srun`) die, as of SIGHUP, when
/// its link hangs up while it runs a task: the parent's side is gone (the script ended, was
/// interrupted, or its `ssh` was killed), and nothing would read the result. Without this a
/// worker busy in a long task would run on, alone, on the far machine. The kernel signals
/// (SIGIO) every change on the link; the handler looks whether it was a hang-up.
pub fn die_when_link_hangs_up(read: RawFd) -> std::io::Result<()> {
    HANGUP_FD.store(read, Ordering::SeqCst);
    let action = SigAction::new(
        SigHandler::Handler(on_link_event),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: `on_link_event` makes only async-signal-safe calls (`poll`, and on a hang-up
    // the same calls as the SIGHUP handler).
    unsafe {
        signal::sigaction(Signal::SIGIO, &action)?;
    }
    // SAFETY: `read` is an open descriptor owned by the caller for the life of the worker;
    // F_SETOWN and F_SETFL change only how it signals.
    unsafe {
        if nix::libc::fcntl(read, nix::libc::F_SETOWN, nix::libc::getpid()) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let flags = nix::libc::fcntl(read, nix::libc::F_GETFL);
        if flags < 0 || nix::libc::fcntl(read, nix::libc::F_SETFL, flags | nix::libc::O_ASYNC) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A remote worker dies, as of SIGHUP, when its parent there (`sshd`, Slurm's step daemon)
/// goes.
pub fn die_with_parent() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGHUP);
}

/// SIGALRM (whose default action ends the process) in `seconds`; 0 cancels it.
pub fn alarm(seconds: u32) {
    if seconds == 0 {
        let _ = nix::unistd::alarm::cancel();
    } else {
        let _ = nix::unistd::alarm::set(seconds);
    }
}

/// Marks the time a remote worker runs tasks. Entering it with the link already hung up ends
/// the worker at once.
pub fn set_busy(busy: bool) {
    BUSY.store(busy, Ordering::SeqCst);
    if busy && link_hung_up() {
        die_ending_commands(Signal::SIGHUP as nix::libc::c_int);
    }
}

fn link_hung_up() -> bool {
    let fd = HANGUP_FD.load(Ordering::SeqCst);
    if fd < 0 {
        return false;
    }
    let mut poll_fd = nix::libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid `pollfd` on the stack; `poll` is async-signal-safe and a timeout of 0
    // never blocks.
    let n = unsafe { nix::libc::poll(&mut poll_fd, 1, 0) };
    n > 0 && poll_fd.revents & (nix::libc::POLLHUP | nix::libc::POLLERR) != 0
}

extern "C" fn on_link_event(_signo: nix::libc::c_int) {
    let saved = Errno::last_raw();
    if BUSY.load(Ordering::SeqCst) && link_hung_up() {
        die_ending_commands(Signal::SIGHUP as nix::libc::c_int);
    }
    Errno::set_raw(saved);
}
