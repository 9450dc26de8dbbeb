//! A running external command (Unix): its programs (one, or the stages of a pipeline) in one
//! process group, its input fed and its output drained through non-blocking pipes, its
//! deadline, and ending it (SIGTERM to the group, a grace period, SIGKILL). The reactor asks a
//! job which descriptors it waits for, then lets it [`Job::pump`] and [`Job::poll`].
//!
//! When the programs have ended, whatever is left in their group (a shell's background
//! grandchild) is killed while the group leader is still an unreaped zombie, so the group id
//! cannot have been reused by then.

use std::ffi::OsString;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::signal::Signal;

use super::command::{Ending, Failure, Finished, GRACE, Spec, Stdin, environment};
use super::sys::{self, ExitStatus, ProgramPlan, SpawnError};

thread_local! {
    /// One read buffer for every job (a fresh one per read would be zeroed each time).
    static PUMP_BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 1 << 16]);
}

/// The process groups of the commands this process runs, 0 for a free slot: a child or a
/// pool worker ended by SIGTERM dies at once (see `sys::setup_child`), and its signal handler
/// kills these groups first, since only the groups' leaders would die with it
/// (`PR_SET_PDEATHSIG`), not what they started (a shell's background job).
static GROUPS: [AtomicI32; 256] = [const { AtomicI32::new(0) }; 256];

fn note_group(group: u32) {
    for slot in &GROUPS {
        if slot
            .compare_exchange(0, group as i32, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
}

fn forget_group(group: u32) {
    for slot in &GROUPS {
        let _ = slot.compare_exchange(group as i32, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// Kills the groups of every command this process runs. Async-signal-safe: atomics and
/// `kill` only, for a handler of a signal that ends this process.
pub fn kill_groups_now() {
    for slot in &GROUPS {
        let group = slot.load(Ordering::SeqCst);
        if group > 0 {
            let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), Signal::SIGKILL);
        }
    }
}

/// In a freshly forked child: the groups noted are the parent's, not ours to kill.
pub fn forget_all_groups() {
    for slot in &GROUPS {
        slot.store(0, Ordering::SeqCst);
    }
}

/// Input not yet written to the command.
struct Feed {
    fd: OwnedFd,
    bytes: Vec<u8>,
    written: usize,
}

/// One external command while it runs.
pub struct Job {
    pids: Vec<u32>,
    statuses: Vec<Option<ExitStatus>>,
    /// The group: the first program's pid.
    group: u32,
    feed: Option<Feed>,
    stdout: Option<OwnedFd>,
    stderr: Option<OwnedFd>,
    /// Output read and not yet taken.
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    /// Bytes read from standard output and written to the input, in all (GNU parallel's
    /// joblog counts these as Receive and Send).
    pub received: u64,
    pub sent: u64,
    started: Instant,
    deadline: Option<Instant>,
    timed_out: bool,
    ended_by_us: bool,
    /// When SIGTERM went to the group: SIGKILL follows at this time.
    kill_at: Option<Instant>,
    /// When the programs had all ended: their pipes get [`GRACE`] more to reach end of file.
    programs_ended_at: Option<Instant>,
    group_killed: bool,
    foreground: Option<Foreground>,
    foreground_given: bool,
    /// The command had the terminal and Ctrl-C ended it.
    pub interrupted_at_terminal: bool,
    finished: Option<Finished>,
}

impl Job {
    /// Starts `spec`'s programs.
    pub fn start(spec: &Spec) -> Result<Job, Failure> {
        if let Some(cwd) = &spec.cwd {
            if let Err(e) = std::fs::read_dir(cwd) {
                return Err(Failure::BadCwd(e));
            }
        }
        sys::init_child_signals();
        let env = (!spec.env.is_empty()).then(|| environment(&spec.env));
        let started = Instant::now();
        // The first program's stdin when it is /dev/null (shared, never closed here).
        let null_stdin = match &spec.stdin {
            Stdin::Null => Some(dev_null().map_err(Failure::Other)?),
            _ => None,
        };
        let (feed, mut stdin) = match &spec.stdin {
            Stdin::Bytes(bytes) => {
                let (read, write) = pipe().map_err(Failure::Other)?;
                nonblocking(&write);
                let feed = Feed {
                    fd: write,
                    bytes: bytes.clone(),
                    written: 0,
                };
                (Some(feed), Some(read))
            }
            _ => (None, None),
        };
        let (stdout_read, stdout_write) = if spec.pipe_stdout {
            let (r, w) = pipe().map_err(Failure::Other)?;
            (Some(r), Some(w))
        } else {
            (None, None)
        };
        let (stderr_read, stderr_write) = if spec.pipe_stderr {
            let (r, w) = pipe().map_err(Failure::Other)?;
            (Some(r), Some(w))
        } else {
            (None, None)
        };
        let mut job = Job {
            pids: Vec::new(),
            statuses: Vec::new(),
            group: 0,
            feed,
            stdout: stdout_read,
            stderr: stderr_read,
            out: Vec::new(),
            err: Vec::new(),
            received: 0,
            sent: 0,
            started,
            deadline: spec.timeout.map(|t| started + t),
            timed_out: false,
            ended_by_us: false,
            kill_at: None,
            programs_ended_at: None,
            group_killed: false,
            foreground: None,
            foreground_given: false,
            interrupted_at_terminal: false,
            finished: None,
        };
        let last = spec.stages.len() - 1;
        for (i, argv) in spec.stages.iter().enumerate() {
            // The pipe to the next stage.
            let (next_stdin, this_stdout) = if i < last {
                let (r, w) = pipe().map_err(Failure::Other)?;
                (Some(r), Some(w))
            } else {
                (None, None)
            };
            let argv: Vec<OsString> = argv.iter().map(OsString::from).collect();
            let spawned = ProgramPlan::new(&argv, env.as_deref(), spec.cwd.as_deref()).and_then(
                |mut plan| {
                    if let Some(fd) = stdin.as_ref().map(AsRawFd::as_raw_fd) {
                        plan.redirect(0, fd);
                    } else if let Some(fd) = null_stdin.filter(|_| i == 0) {
                        plan.redirect(0, fd);
                    }
                    if let Some(fd) = this_stdout.as_ref().or(stdout_write.as_ref()) {
                        plan.redirect(1, fd.as_raw_fd());
                    }
                    if let Some(fd) = &stderr_write {
                        plan.redirect(2, fd.as_raw_fd());
                    }
                    if i > 0 {
                        plan.join_group(job.group);
                    }
                    plan.spawn()
                },
            );
            match spawned {
                Ok(pid) => {
                    if i == 0 {
                        job.group = pid;
                        note_group(pid);
                    }
                    job.pids.push(pid);
                    job.statuses.push(None);
                }
                Err(e) => {
                    // The stages started so far go (dropping the job ends its group).
                    return Err(match e {
                        SpawnError::Cwd(e) => Failure::BadCwd(e),
                        SpawnError::Exec(e) => match e.raw_os_error() {
                            Some(nix::libc::ENOENT) => Failure::NotFound(e),
                            Some(nix::libc::EACCES | nix::libc::ENOEXEC | nix::libc::EISDIR) => {
                                Failure::NotExecutable(e)
                            }
                            _ => Failure::Other(e),
                        },
                        SpawnError::Other(e) => Failure::Other(e),
                    });
                }
            }
            stdin = next_stdin;
        }
        drop(stdin);
        drop(stdout_write);
        drop(stderr_write);
        for fd in [&job.stdout, &job.stderr].into_iter().flatten() {
            nonblocking(fd);
        }
        if spec.foreground && matches!(spec.stdin, Stdin::Inherit) {
            job.foreground = Foreground::give(job.group);
            job.foreground_given = job.foreground.is_some();
        }
        Ok(job)
    }

    /// The last program's pid.
    pub fn pid(&self) -> u32 {
        self.pids.last().copied().unwrap_or(0)
    }

    /// The descriptors to wait on: to read, and to write (the input not yet fed).
    pub fn interest(&self) -> (Vec<RawFd>, Option<RawFd>) {
        let reads = [&self.stdout, &self.stderr]
            .into_iter()
            .flatten()
            .map(|fd| fd.as_raw_fd())
            .collect();
        (reads, self.feed.as_ref().map(|f| f.fd.as_raw_fd()))
    }

    /// When this job needs a turn even if nothing else happens (its timeout, the end of a
    /// grace period).
    pub fn next_deadline(&self) -> Option<Instant> {
        if self.finished.is_some() {
            return None;
        }
        [
            self.deadline.filter(|_| !self.timed_out),
            self.kill_at,
            self.programs_ended_at.map(|t| t + GRACE),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Moves what can be moved without blocking: input into the command, output out of it.
    pub fn pump(&mut self) {
        if let Some(feed) = &mut self.feed {
            loop {
                let rest = &feed.bytes[feed.written..];
                if rest.is_empty() {
                    self.feed = None;
                    break;
                }
                match nix::unistd::write(feed.fd.as_fd(), &rest[..rest.len().min(1 << 16)]) {
                    Ok(n) => {
                        feed.written += n;
                        self.sent += n as u64;
                    }
                    Err(Errno::EINTR) => continue,
                    Err(Errno::EAGAIN) => break,
                    // EPIPE: the command stopped reading; the rest of the input is not wanted.
                    Err(_) => {
                        self.feed = None;
                        break;
                    }
                }
            }
        }
        PUMP_BUFFER.with(|buf| self.read_output(&mut buf.borrow_mut()));
    }

    /// Reads what the output pipes hold now, through `buf`.
    fn read_output(&mut self, buf: &mut [u8]) {
        for (pipe, into, counted) in [
            (&mut self.stdout, &mut self.out, true),
            (&mut self.stderr, &mut self.err, false),
        ] {
            while let Some(fd) = pipe {
                match nix::unistd::read(fd.as_fd(), buf) {
                    Ok(0) => *pipe = None,
                    Ok(n) => {
                        into.extend_from_slice(&buf[..n]);
                        if counted {
                            self.received += n as u64;
                        }
                        // Let the caller pass it on before reading more (keeps memory flat).
                        if into.len() >= 1 << 20 {
                            break;
                        }
                    }
                    Err(Errno::EINTR) => {}
                    Err(Errno::EAGAIN) => break,
                    Err(_) => *pipe = None,
                }
            }
        }
    }

    /// Notices programs that ended, deadlines that passed and pipes that closed; true once the
    /// whole command is over (see [`Job::finished`]).
    pub fn poll(&mut self) -> bool {
        if self.finished.is_some() {
            return true;
        }
        let now = Instant::now();
        if let Some(deadline) = self.deadline {
            if !self.timed_out && now >= deadline {
                self.timed_out = true;
                self.terminate();
            }
        }
        if self.kill_at.is_some_and(|at| now >= at) {
            self.kill_at = None;
            self.signal_group(Signal::SIGKILL);
        }
        if self.programs_ended_at.is_none() {
            // The leader is looked at without being reaped: its zombie keeps the group id ours
            // until the group's other members are killed below.
            for i in 1..self.pids.len() {
                if self.statuses[i].is_none() {
                    self.statuses[i] = sys::try_wait(self.pids[i] as i32);
                }
            }
            let others_done = self.statuses[1..].iter().all(Option::is_some);
            if !(others_done && sys::has_exited(self.group as i32)) {
                return false;
            }
            self.signal_group(Signal::SIGKILL);
            self.group_killed = true;
            // Before the leader is reaped and its pid (the group id) can be reused.
            forget_group(self.group);
            self.statuses[0] = sys::reap(self.group as i32, now + Duration::from_secs(5));
            self.programs_ended_at = Some(now);
        }
        self.pump();
        let pipes_open = self.stdout.is_some() || self.stderr.is_some();
        if pipes_open && now < self.programs_ended_at.unwrap_or(now) + GRACE {
            return false;
        }
        // Something outside the group (it left it) still holds a pipe: stop reading.
        self.stdout = None;
        self.stderr = None;
        self.feed = None;
        self.foreground = None;
        let ending = self.ending();
        // Ctrl-C at the terminal went to the command alone (its group had the terminal): the
        // script is interrupted as if it had received it too.
        if self.foreground_given && ending == Ending::Signaled(nix::libc::SIGINT) {
            self.interrupted_at_terminal = true;
        }
        self.finished = Some(Finished {
            pid: self.pid(),
            ending,
            timed_out: self.timed_out,
            ended_by_us: self.ended_by_us,
            elapsed: self.started.elapsed(),
        });
        true
    }

    /// How the command ended, once [`Job::poll`] said so.
    pub fn finished(&self) -> Option<&Finished> {
        self.finished.as_ref()
    }

    /// The pipeline's ending: its last program's, unless an earlier one failed (a program
    /// ended by SIGPIPE only had its reader stop reading, which is not a failure).
    fn ending(&self) -> Ending {
        let ending = |s: &Option<ExitStatus>| match s {
            Some(ExitStatus::Exited(code)) => Ending::Exited(*code),
            Some(ExitStatus::Signaled(sig)) => Ending::Signaled(*sig),
            None => Ending::Signaled(nix::libc::SIGKILL),
        };
        let last = ending(self.statuses.last().unwrap_or(&None));
        if last != Ending::Exited(0) {
            return last;
        }
        self.statuses
            .iter()
            .map(ending)
            .rfind(|e| *e != Ending::Exited(0) && *e != Ending::Signaled(nix::libc::SIGPIPE))
            .unwrap_or(last)
    }

    /// SIGTERM to the group, SIGKILL after [`GRACE`] if it is still there.
    pub fn terminate(&mut self) {
        if self.programs_ended_at.is_some() {
            return;
        }
        self.ended_by_us = true;
        self.signal_group(Signal::SIGTERM);
        self.kill_at.get_or_insert(Instant::now() + GRACE);
    }

    /// SIGKILL to the group.
    pub fn kill(&mut self) {
        if self.programs_ended_at.is_some() {
            return;
        }
        self.ended_by_us = true;
        self.signal_group(Signal::SIGKILL);
    }

    /// Sends `signal` to the group (only while its leader is not reaped: then the id is ours).
    fn signal_group(&self, signal: Signal) {
        if self.group != 0 && self.programs_ended_at.is_none() {
            let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(self.group as i32), signal);
        }
    }

    /// Lets go of the command without ending or waiting for it (a forked child's copy of its
    /// parent's command): only this process's copies of its pipes are closed.
    pub fn disown(mut self) {
        forget_group(self.group);
        self.pids.clear();
        if let Some(foreground) = self.foreground.take() {
            std::mem::forget(foreground);
        }
    }

    /// Ends the command now, whatever it is doing: SIGTERM, up to [`GRACE`], SIGKILL; waits
    /// for it (the clean-up after Ctrl-C and at the end of a script).
    pub fn end(&mut self) {
        if self.finished.is_some() {
            return;
        }
        self.terminate();
        let give_up = Instant::now() + GRACE + Duration::from_secs(5);
        while !self.poll() && Instant::now() < give_up {
            sys::pause(Duration::from_millis(5));
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if self.finished.is_some() || self.pids.is_empty() {
            return;
        }
        // Never leave a group running or a zombie behind.
        self.signal_group(Signal::SIGKILL);
        forget_group(self.group);
        for (pid, status) in self.pids.iter().zip(&self.statuses) {
            if status.is_none() {
                let _ = sys::reap(*pid as i32, Instant::now() + Duration::from_secs(5));
            }
        }
    }
}

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    Ok(nix::unistd::pipe2(OFlag::O_CLOEXEC)?)
}

fn nonblocking(fd: &OwnedFd) {
    let _ = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
}

/// `/dev/null` for a command's standard input: opened once (close-on-exec, so only the
/// commands given it see it) and shared by every command, since nothing here reads it.
fn dev_null() -> std::io::Result<RawFd> {
    static NULL: std::sync::OnceLock<OwnedFd> = std::sync::OnceLock::new();
    if let Some(fd) = NULL.get() {
        return Ok(fd.as_raw_fd());
    }
    let fd: OwnedFd = std::fs::File::open("/dev/null")?.into();
    Ok(NULL.get_or_init(|| fd).as_raw_fd())
}

/// The terminal's foreground process group handed to a command while it runs; dropping it
/// takes the terminal back. A command that reads the script's terminal needs it, as a shell's
/// job control gives it: otherwise, in its own process group, its first read would stop it
/// (SIGTTIN).
struct Foreground {
    ours: nix::unistd::Pid,
}

impl Foreground {
    /// Gives the terminal on standard input to group `group`, if standard input is a
    /// terminal whose foreground group is this process's.
    fn give(group: u32) -> Option<Foreground> {
        let stdin = std::io::stdin();
        let ours = nix::unistd::getpgrp();
        if nix::unistd::tcgetpgrp(&stdin).ok()? != ours {
            return None;
        }
        let group = nix::unistd::Pid::from_raw(group as i32);
        with_sigttou_blocked(|| nix::unistd::tcsetpgrp(&stdin, group)).ok()?;
        // It may have tried to read before it had the terminal, and been stopped for it.
        let _ = nix::sys::signal::killpg(group, Signal::SIGCONT);
        Some(Foreground { ours })
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let stdin = std::io::stdin();
        // From the background, taking the terminal back would stop us (SIGTTOU) unless the
        // signal is blocked.
        let _ = with_sigttou_blocked(|| nix::unistd::tcsetpgrp(&stdin, self.ours));
    }
}

/// Runs `f` with SIGTTOU blocked in this thread.
fn with_sigttou_blocked<T>(f: impl FnOnce() -> T) -> T {
    use nix::sys::signal::{SigSet, SigmaskHow, pthread_sigmask};
    let mut block = SigSet::empty();
    block.add(Signal::SIGTTOU);
    let mut old = SigSet::empty();
    let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&block), Some(&mut old));
    let result = f();
    let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
    result
}
