//! The Windows side of [`super`]: children started with `Command` (there is no fork), waited
//! for through their `std::process::Child`, bound to the parent's life by a job object, and
//! Ctrl-C through a console control handler.
//!
//! This path is compiled for Windows targets (`cargo check --target x86_64-pc-windows-gnu`)
//! but tested only through the Unix spawn start method, which shares everything above this
//! module.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{CloseHandle, INVALID_HANDLE_VALUE};
use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT, SetConsoleCtrlHandler};
use windows_sys::Win32::System::Diagnostics::ToolHelp::{
    CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW, TH32CS_SNAPPROCESS,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
    SetInformationJobObject,
};

use super::{ExitStatus, INTERRUPTED, Interrupted, interrupted};

/// The signals the runtime sends, with their Unix numbers (`p.exitcode` shows `-N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms)]
pub enum Signal {
    SIGKILL = 9,
    SIGTERM = 15,
}

/// A child this process started and has not reaped.
struct Tracked {
    child: std::process::Child,
    /// The signal it was ended with, so its status reads as "killed by N" as on Unix.
    ended_by: Option<Signal>,
}

thread_local! {
    // Interpreters are single-threaded (`Rc` everywhere), so the children of one live in the
    // registry of its thread.
    static CHILDREN: RefCell<HashMap<i32, Tracked>> = RefCell::new(HashMap::new());
}

static PARENT: AtomicI32 = AtomicI32::new(0);

unsafe extern "system" fn on_ctrl(kind: u32) -> windows_sys::core::BOOL {
    if kind == CTRL_C_EVENT || kind == CTRL_BREAK_EVENT {
        INTERRUPTED.store(true, Ordering::Relaxed);
        return 1;
    }
    0
}

/// Makes Ctrl-C set the interrupted flag instead of ending the process, so the interpreter
/// can end its children and exit 130.
pub fn catch_interrupts() {
    // SAFETY: `on_ctrl` has the signature the API requires and only stores to an atomic, which
    // is safe from the thread the system runs handlers on.
    unsafe {
        SetConsoleCtrlHandler(Some(on_ctrl), 1);
    }
}

/// Marks the time the REPL waits for input; nothing to arrange here (only Ctrl-C is caught).
pub struct AwaitingInput;

pub fn awaiting_input() -> AwaitingInput {
    AwaitingInput
}

/// Sleeps for `timeout`, in slices short enough to notice Ctrl-C.
pub fn pause(timeout: Duration) {
    std::thread::sleep(timeout.min(Duration::from_millis(5)));
}

/// The job every child is put in: closing its last handle (this process ending, however it
/// ends) kills them, as PR_SET_PDEATHSIG does on Linux. Zero if it could not be made.
fn kill_on_close_job() -> usize {
    static JOB: OnceLock<usize> = OnceLock::new();
    *JOB.get_or_init(|| {
        // SAFETY: a fresh anonymous job with default security; the handle is checked, and
        // kept open (never closed) for the life of the process, which is the point.
        unsafe {
            let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if job.is_null() {
                return 0;
            }
            let mut info = JOBOBJECT_EXTENDED_LIMIT_INFORMATION::default();
            info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            // The struct is plain data of the size passed, alive for the call.
            SetInformationJobObject(
                job,
                JobObjectExtendedLimitInformation,
                (&info as *const JOBOBJECT_EXTENDED_LIMIT_INFORMATION).cast(),
                std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            );
            job as usize
        }
    })
}

/// Takes charge of a child started with `Command`, returning its pid.
pub fn keep_child(child: std::process::Child) -> i32 {
    use std::os::windows::io::AsRawHandle;
    let job = kill_on_close_job();
    if job != 0 {
        // SAFETY: both handles are open: the job's for the life of the process, the child's
        // as long as `child` is alive, which outlives this call.
        unsafe {
            AssignProcessToJobObject(job as _, child.as_raw_handle() as _);
        }
    }
    let pid = child.id() as i32;
    CHILDREN.with(|c| {
        c.borrow_mut().insert(
            pid,
            Tracked {
                child,
                ended_by: None,
            },
        )
    });
    pid
}

/// Reaps `pid` if it has ended; `None` while it runs.
pub fn try_wait(pid: i32) -> Option<ExitStatus> {
    CHILDREN.with(|c| {
        let mut children = c.borrow_mut();
        // Not ours, or reaped already: treat as gone, as ECHILD is on Unix.
        let Some(tracked) = children.get_mut(&pid) else {
            return Some(ExitStatus::Exited(0));
        };
        let status = match tracked.child.try_wait() {
            Ok(None) => return None,
            Ok(Some(status)) => match tracked.ended_by {
                Some(sig) => ExitStatus::Signaled(sig as i32),
                None => ExitStatus::Exited(status.code().unwrap_or(1)),
            },
            Err(_) => ExitStatus::Exited(1),
        };
        children.remove(&pid);
        Some(status)
    })
}

/// Waits for `pid` to end, up to `deadline`.
pub fn wait_pid(pid: i32, deadline: Option<Instant>) -> Result<Option<ExitStatus>, Interrupted> {
    loop {
        if let Some(status) = try_wait(pid) {
            return Ok(Some(status));
        }
        if interrupted() {
            return Err(Interrupted);
        }
        let slice = Duration::from_millis(5);
        match deadline {
            Some(d) if Instant::now() >= d => return Ok(None),
            Some(d) => pause((d - Instant::now()).min(slice)),
            None => pause(slice),
        }
    }
}

/// Windows has no signals between processes: every one of them ends the child at once
/// (TerminateProcess), and its status then reads as "ended by that signal".
pub fn send_signal(pid: i32, sig: Signal) {
    CHILDREN.with(|c| {
        if let Some(tracked) = c.borrow_mut().get_mut(&pid) {
            if tracked.child.kill().is_ok() {
                tracked.ended_by = Some(sig);
            }
        }
    });
}

/// Records the parent of a spawn-method child. Always true: the job object ties the child to
/// the parent's life instead of a check here.
pub fn setup_child(parent: i32) -> bool {
    PARENT.store(parent, Ordering::Relaxed);
    super::set_interrupted(false);
    true
}

/// The parent's pid: as the parent told it in a child, else from the system's process list
/// (0 if the parent cannot be found there).
pub fn parent_pid() -> i32 {
    match PARENT.load(Ordering::Relaxed) {
        0 => {
            static LISTED: OnceLock<i32> = OnceLock::new();
            *LISTED.get_or_init(|| listed_parent(std::process::id()).map_or(0, |p| p as i32))
        }
        parent => parent,
    }
}

/// The parent of process `pid`, from a snapshot of the process list.
fn listed_parent(pid: u32) -> Option<u32> {
    // SAFETY: the snapshot handle is checked and closed exactly once; `entry` is plain data
    // whose `dwSize` is set as the API requires, alive across the calls that fill it.
    unsafe {
        let snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
        if snapshot == INVALID_HANDLE_VALUE {
            return None;
        }
        let mut entry = PROCESSENTRY32W {
            dwSize: std::mem::size_of::<PROCESSENTRY32W>() as u32,
            ..Default::default()
        };
        let mut found = None;
        let mut more = Process32FirstW(snapshot, &mut entry) != 0;
        while more {
            if entry.th32ProcessID == pid {
                found = Some(entry.th32ParentProcessID);
                break;
            }
            more = Process32NextW(snapshot, &mut entry) != 0;
        }
        CloseHandle(snapshot);
        found
    }
}

/// This process's pid (Windows keeps it in the process environment block: no system call).
pub fn my_pid() -> u32 {
    std::process::id()
}
