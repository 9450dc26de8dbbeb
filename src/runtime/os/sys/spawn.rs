//! Starting an external program: `clone(CLONE_VM | CLONE_VFORK)` and `execve`, the way
//! `posix_spawn` does it (no copy of the interpreter's memory, so it costs what a C loop of
//! `posix_spawn` costs), plus what `posix_spawn` cannot do: the program dies with this process
//! (`PR_SET_PDEATHSIG`), even when this process is killed with SIGKILL, and it inherits none of
//! the runtime's private descriptors (worker sockets, wake pipes, segments).
//!
//! The child shares this process's memory until it calls `execve`, and this thread is
//! suspended meanwhile. So the child runs only system calls, on a stack of its own, with every
//! signal blocked until it has reset the handlers (a handler of ours running in it would write
//! to our memory), and reports a failure through the plan it was given.

use std::ffi::{CString, OsStr, OsString};
use std::os::fd::RawFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use nix::libc;

/// Everything the child needs, prepared before the clone (the child may not allocate).
pub struct ProgramPlan {
    path: CString,
    _argv: Vec<CString>,
    argv_ptrs: Vec<*const libc::c_char>,
    _env: Vec<CString>,
    env_ptrs: Vec<*const libc::c_char>,
    cwd: Option<CString>,
    /// The descriptors that become the program's 0, 1 and 2 (`None`: inherited).
    stdio: [Option<RawFd>; 3],
    /// 0: a new process group led by the program; N: join group N.
    group: libc::pid_t,
    parent: libc::pid_t,
    /// Set by the child when it fails: the step and the errno.
    failed_step: i32,
    failed_errno: i32,
}

const STEP_CWD: i32 = 1;
const STEP_EXEC: i32 = 2;
const STEP_SETUP: i32 = 3;

/// Why a program could not be started.
#[derive(Debug)]
pub enum SpawnError {
    /// The working directory cannot be entered.
    Cwd(std::io::Error),
    /// The program cannot be found or executed.
    Exec(std::io::Error),
    /// Anything else (out of processes, bad descriptors...).
    Other(std::io::Error),
}

impl ProgramPlan {
    /// A plan to run `argv` (looked up on `PATH` of the environment it gets when `argv[0]` has
    /// no `/`), with exactly the environment `env` (`None`: this process's), in `cwd`.
    pub fn new(
        argv: &[OsString],
        env: Option<&[(OsString, OsString)]>,
        cwd: Option<&Path>,
    ) -> Result<ProgramPlan, SpawnError> {
        let nul = |e: std::ffi::NulError| {
            SpawnError::Other(std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
        };
        let program = argv.first().ok_or_else(|| {
            SpawnError::Other(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "empty command",
            ))
        })?;
        let path_var = match env {
            Some(env) => env
                .iter()
                .find(|(k, _)| k == "PATH")
                .map(|(_, v)| v.clone()),
            None => std::env::var_os("PATH"),
        };
        let path = find_program(program, path_var.as_deref())?;
        let path = CString::new(path.into_os_string().into_vec()).map_err(nul)?;
        let argv: Vec<CString> = argv
            .iter()
            .map(|a| CString::new(a.as_bytes()))
            .collect::<Result<_, _>>()
            .map_err(nul)?;
        let inherit_env = env.is_none();
        let env: Vec<CString> = env
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| {
                let mut entry = k.as_bytes().to_vec();
                entry.push(b'=');
                entry.extend_from_slice(v.as_bytes());
                CString::new(entry)
            })
            .collect::<Result<_, _>>()
            .map_err(nul)?;
        let cwd = cwd
            .map(|c| CString::new(c.as_os_str().as_bytes()))
            .transpose()
            .map_err(nul)?;
        let pointers = |strings: &[CString]| {
            let mut p: Vec<*const libc::c_char> = strings.iter().map(|s| s.as_ptr()).collect();
            p.push(std::ptr::null());
            p
        };
        Ok(ProgramPlan {
            path,
            argv_ptrs: pointers(&argv),
            _argv: argv,
            // Without changes the child gets this process's environment as it is (building a
            // copy for each of thousands of commands is a measurable part of their cost).
            env_ptrs: if inherit_env {
                Vec::new()
            } else {
                pointers(&env)
            },
            _env: env,
            cwd,
            stdio: [None; 3],
            group: 0,
            parent: 0,
            failed_step: 0,
            failed_errno: 0,
        })
    }

    /// The program's descriptor `target` (0, 1 or 2) becomes `fd`.
    pub fn redirect(&mut self, target: usize, fd: RawFd) {
        self.stdio[target] = Some(fd);
    }

    /// The program joins process group `group` instead of leading a new one.
    pub fn join_group(&mut self, group: u32) {
        self.group = group as libc::pid_t;
    }

    /// Starts the program; its pid.
    pub fn spawn(&mut self) -> Result<u32, SpawnError> {
        // The descriptors to move into 0..2 must not be 0..2 themselves, or moving one could
        // overwrite another before it is moved.
        let mut moved = Vec::new();
        for slot in 0..3 {
            if let Some(fd) = self.stdio[slot].filter(|&fd| fd < 3) {
                let high = nix::fcntl::fcntl(
                    // SAFETY: `fd` is open: the caller handed it to this plan.
                    unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) },
                    nix::fcntl::FcntlArg::F_DUPFD_CLOEXEC(3),
                )
                .map_err(|e| SpawnError::Other(e.into()))?;
                self.stdio[slot] = Some(high);
                moved.push(high);
            }
        }
        let result = self.clone_and_exec();
        for fd in moved {
            let _ = nix::unistd::close(fd);
        }
        result
    }

    fn clone_and_exec(&mut self) -> Result<u32, SpawnError> {
        self.parent = std::process::id() as libc::pid_t;
        self.failed_step = 0;
        let mut stack = CHILD_STACK_BUFFER.with(|s| s.take());
        stack.resize(CHILD_STACK, 0);
        // The stack grows down: the child starts at the (16-byte aligned) top.
        let top = (stack.as_mut_ptr() as usize + CHILD_STACK) & !15;
        let mut all: libc::sigset_t = empty_sigset();
        let mut old: libc::sigset_t = empty_sigset();
        // SAFETY: the sets are valid for writing; blocking signals has no other preconditions.
        unsafe {
            libc::sigfillset(&mut all);
            libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        }
        // SAFETY: `child_main` runs on its own stack (`stack`, alive until clone returns,
        // because CLONE_VFORK suspends this thread until the child has exec'd or exited) and
        // touches only the plan, which it receives as `self` and which outlives the call. It
        // makes system calls only, with every signal blocked until the handlers are reset.
        let pid = unsafe {
            libc::clone(
                child_main,
                top as *mut libc::c_void,
                libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
                (self as *mut ProgramPlan).cast(),
            )
        };
        let clone_error = std::io::Error::last_os_error();
        // SAFETY: restores the mask saved above.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        }
        // Kept for the next command: making (and zeroing) a new stack each time is a
        // measurable part of starting thousands of short commands.
        CHILD_STACK_BUFFER.with(|s| s.replace(stack));
        if pid < 0 {
            return Err(SpawnError::Other(clone_error));
        }
        if self.failed_step != 0 {
            // It exited with 127 without running anything: reap it.
            let _ = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), None);
            let error = std::io::Error::from_raw_os_error(self.failed_errno);
            if self.failed_step == STEP_EXEC {
                forget_program(&self.path);
            }
            return Err(match self.failed_step {
                STEP_CWD => SpawnError::Cwd(error),
                STEP_EXEC => SpawnError::Exec(error),
                _ => SpawnError::Other(error),
            });
        }
        Ok(pid as u32)
    }
}

const CHILD_STACK: usize = 64 * 1024;

thread_local! {
    /// The child's stack, reused (a child is done with it once `clone` returns).
    static CHILD_STACK_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Where programs were found on `PATH`, by (name, PATH): looking a program up again for
    /// each of thousands of commands costs a failed `stat` per directory before its own.
    static FOUND: std::cell::RefCell<std::collections::HashMap<(OsString, OsString), PathBuf>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Forgets a program found earlier when starting it failed (it may have moved).
fn forget_program(path: &CString) {
    let path = Path::new(OsStr::from_bytes(path.as_bytes()));
    FOUND.with(|found| found.borrow_mut().retain(|_, p| p != path));
}

fn empty_sigset() -> libc::sigset_t {
    // SAFETY: sigset_t is plain data; sigemptyset initialises it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        set
    }
}

unsafe extern "C" {
    /// This process's environment, as `execve` takes it.
    static environ: *const *const libc::c_char;
}

/// The child between clone and exec. System calls only.
extern "C" fn child_main(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the plan `clone_and_exec` passed, alive and not otherwise used while
    // this thread of control runs (the parent is suspended by CLONE_VFORK).
    let plan = unsafe { &mut *arg.cast::<ProgramPlan>() };
    let fail = |plan: &mut ProgramPlan, step: i32, errno: i32| -> libc::c_int {
        plan.failed_step = step;
        plan.failed_errno = errno;
        // SAFETY: `_exit` ends this child at once, running nothing of the parent's.
        unsafe { libc::_exit(127) }
    };
    // SAFETY: (for every call below) raw system calls on values owned by the plan; none
    // allocates, takes a lock or touches memory other than the plan's and this stack.
    unsafe {
        let errno = || *libc::__errno_location();
        // Reset every handler first: after that a signal does what it would do to the program.
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        for sig in 1..32 {
            if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                libc::sigaction(sig, &default, std::ptr::null_mut());
            }
        }
        if libc::setpgid(0, plan.group) != 0 {
            return fail(plan, STEP_SETUP, errno());
        }
        // Dies with us; if we are gone already, the death signal would never come.
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != plan.parent {
            libc::_exit(127);
        }
        for (target, fd) in plan.stdio.iter().enumerate() {
            if let Some(fd) = *fd {
                if libc::dup2(fd, target as libc::c_int) < 0 {
                    return fail(plan, STEP_SETUP, errno());
                }
            }
        }
        // Everything above 2 closes on exec: the runtime's links, pipes and segments stay ours.
        if libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        ) != 0
        {
            for fd in 3..4096 {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
        }
        if let Some(cwd) = &plan.cwd {
            if libc::chdir(cwd.as_ptr()) != 0 {
                return fail(plan, STEP_CWD, errno());
            }
        }
        let none = empty_sigset();
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
        let env = if plan.env_ptrs.is_empty() {
            environ
        } else {
            plan.env_ptrs.as_ptr()
        };
        libc::execve(plan.path.as_ptr(), plan.argv_ptrs.as_ptr(), env);
        // Not reached when exec works.
        fail(plan, STEP_EXEC, errno())
    }
}

/// Where `program` is: itself when it names a path, else the first executable file of that
/// name in `path` (like `execvp`; a match that is not executable is remembered, so the error is
/// "permission denied" rather than "not found", as a shell says).
fn find_program(program: &OsStr, path: Option<&OsStr>) -> Result<PathBuf, SpawnError> {
    use std::os::unix::fs::PermissionsExt;
    // A path (relative ones are taken from the directory the program starts in, as exec does
    // after the child's chdir).
    if program.as_bytes().contains(&b'/') {
        return Ok(PathBuf::from(program));
    }
    let not_found = || SpawnError::Exec(std::io::Error::from_raw_os_error(libc::ENOENT));
    if program.is_empty() {
        return Err(not_found());
    }
    let path = path.unwrap_or(OsStr::new("/usr/local/bin:/usr/bin:/bin"));
    let key = (program.to_os_string(), path.to_os_string());
    if let Some(found) = FOUND.with(|found| found.borrow().get(&key).cloned()) {
        return Ok(found);
    }
    let mut denied = None;
    for dir in path.as_bytes().split(|&b| b == b':') {
        let dir = if dir.is_empty() { b"." as &[u8] } else { dir };
        let candidate = Path::new(OsStr::from_bytes(dir)).join(program);
        if let Ok(meta) = std::fs::metadata(&candidate) {
            if meta.is_file() && meta.permissions().mode() & 0o111 != 0 {
                FOUND.with(|found| found.borrow_mut().insert(key, candidate.clone()));
                return Ok(candidate);
            }
            denied.get_or_insert(candidate);
        }
    }
    match denied {
        // Let exec say why (EACCES).
        Some(candidate) => Ok(candidate),
        None => Err(not_found()),
    }
}
