//! `parallel(cmds, jobs =, keep_order =, tag =, timeout =, retries =, halt =, joblog =,
//! resume =, progress =, check =, capture =, cwd =, env =)`: GNU parallel in the language.
//! At most `jobs` commands run at once, each in its own process group; each job's output is
//! kept and printed whole when it ends (in input order with `keep_order`), its attempts are
//! logged in GNU parallel's joblog format, and the completed values come back in input order.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use super::running::{Running, Sink, keep, write_stderr};
use super::{CommandLine, Completed, Options, command_line};
use crate::interp::value::{Value, a};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::os::joblog::{JobRecord, Joblog};
use crate::runtime::reactor;
use crate::syntax::Span;

/// `parallel`'s named options, in the order the builtin passes them.
pub const PARALLEL_OPTIONS: &[&str] = &[
    "jobs",
    "keep_order",
    "tag",
    "timeout",
    "retries",
    "halt",
    "joblog",
    "resume",
    "progress",
    "check",
    "capture",
    "cwd",
    "env",
];

/// When to stop after a job fails for good.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Halt {
    Never,
    /// Start no new job.
    Soon,
    /// Also end the running ones.
    Now,
}

struct Settings {
    jobs: usize,
    keep_order: bool,
    tag: bool,
    retries: u32,
    halt: Halt,
    joblog: Option<String>,
    resume: bool,
    progress: bool,
    options: Options,
}

fn read_settings(options: Vec<Option<Value>>, span: Span) -> RtResult<Settings> {
    let err = |m: String| RtError::new(format!("parallel(): {m}"), span);
    let mut options = options.into_iter();
    let mut next = || options.next().flatten();
    let (jobs, keep_order, tag, timeout, retries, halt, joblog, resume, progress, check) = (
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
    );
    let (capture, cwd, env) = (next(), next(), next());
    let count = |v: Option<Value>, name: &str, default: i64, min: i64| match v {
        None | Some(Value::Nil) => Ok(default),
        Some(Value::Int(n)) if n >= min => Ok(n),
        Some(Value::Int(n)) => Err(err(format!("`{name}` must be at least {min}, not {n}"))),
        Some(other) => Err(err(format!(
            "`{name}` must be an int, not {}",
            a(other.type_name())
        ))),
    };
    let jobs = count(jobs, "jobs", crate::interp::builtins::cpu_count() as i64, 1)? as usize;
    let retries = count(retries, "retries", 0, 0)?.min(i64::from(u32::MAX)) as u32;
    let halt = match halt {
        None | Some(Value::Nil) => Halt::Never,
        Some(Value::Str(s)) => match s.as_str() {
            "never" => Halt::Never,
            "soon" => Halt::Soon,
            "now" => Halt::Now,
            other => {
                return Err(err(format!(
                    "`halt` must be \"never\", \"soon\" or \"now\", not {other:?}"
                )));
            }
        },
        Some(other) => {
            return Err(err(format!(
                "`halt` must be a str, not {}",
                a(other.type_name())
            )));
        }
    };
    let flag = |v, name, default| super::flag(v, name, default).map_err(&err);
    let joblog = super::text(joblog, "joblog").map_err(&err)?;
    let resume = flag(resume, "resume", false)?;
    if resume && joblog.is_none() {
        return Err(err("`resume = true` needs a `joblog` to resume from".into()));
    }
    Ok(Settings {
        jobs,
        keep_order: flag(keep_order, "keep_order", true)?,
        tag: flag(tag, "tag", false)?,
        retries,
        halt,
        joblog,
        resume,
        progress: flag(progress, "progress", false)?,
        options: Options::read(
            vec![capture, None, cwd, env, timeout, check],
            "parallel()",
            span,
        )?,
    })
}

/// One job: its place in the input (GNU parallel's Seq is `index + 1`) and attempts so far.
struct Slot {
    index: usize,
    attempt: u32,
    running: Rc<RefCell<Running>>,
}

/// `parallel(cmds, ...)`.
pub(crate) fn parallel(
    interp: &mut Interp,
    cmds: &Value,
    options: Vec<Option<Value>>,
    span: Span,
) -> RtResult<Value> {
    let err = |m: String| RtError::new(format!("parallel(): {m}"), span);
    let Value::List(items) = cmds else {
        return Err(err(format!(
            "the commands must be a list, not {}",
            a(cmds.type_name())
        )));
    };
    let commands = items
        .borrow()
        .iter()
        .enumerate()
        .map(|(i, c)| command_line(c).map_err(|m| err(format!("command {}: {m}", i + 1))))
        .collect::<RtResult<Vec<CommandLine>>>()?;
    let settings = read_settings(options, span)?;
    let skip = match (&settings.joblog, settings.resume) {
        (Some(path), true) => crate::runtime::os::joblog::succeeded(std::path::Path::new(path))
            .map_err(|e| err(format!("cannot resume from joblog: {e}")))?,
        _ => Default::default(),
    };
    let mut joblog = match &settings.joblog {
        Some(path) => Some(
            Joblog::create(std::path::Path::new(path), settings.resume)
                .map_err(|e| err(format!("cannot write joblog {path:?}: {e}")))?,
        ),
        None => None,
    };
    let mut results: Vec<Option<Completed>> = vec![None; commands.len()];
    let mut queue: VecDeque<(usize, u32)> = VecDeque::new();
    for (i, cmd) in commands.iter().enumerate() {
        if skip.contains(&(i as u64 + 1)) {
            results[i] = Some(Completed {
                cmd: cmd.clone(),
                code: 0,
                stdout: settings.options.capture.then(String::new),
                stderr: settings.options.capture.then(String::new),
                pid: 0,
                secs: 0.0,
            });
        } else {
            queue.push_back((i, 0));
        }
    }
    let total = queue.len() as u64;
    let progress = crate::runtime::os::progress::Progress::new(settings.progress, "jobs");
    let sink = if settings.options.capture {
        Sink::Capture
    } else {
        Sink::Group
    };
    let mut printer = Printer::new(&settings, &results);
    let mut slots: Vec<Slot> = Vec::new();
    let mut failures: Vec<(usize, String)> = Vec::new();
    let mut halted = false;
    let (mut done, mut failed) = (0u64, 0u64);
    interp.flush_output();
    while !queue.is_empty() || !slots.is_empty() {
        while !halted && slots.len() < settings.jobs {
            let Some((index, attempt)) = queue.pop_front() else {
                break;
            };
            let running = Running::launch(
                commands[index].clone(),
                settings.options.clone(),
                sink,
                super::running::StdinUse::Null,
                span,
            );
            let running = Rc::new(RefCell::new(running));
            keep(interp, &running);
            slots.push(Slot {
                index,
                attempt,
                running,
            });
        }
        let waited = reactor::wait_until(interp, None, span, |_| {
            slots.iter().any(|s| !s.running.borrow().is_running())
        });
        if let Err(e) = waited {
            for slot in &slots {
                slot.running.borrow_mut().terminate();
            }
            progress.finish();
            return Err(e);
        }
        let (ended, still): (Vec<Slot>, Vec<Slot>) = std::mem::take(&mut slots)
            .into_iter()
            .partition(|s| !s.running.borrow().is_running());
        slots = still;
        for slot in ended {
            let mut r = slot.running.borrow_mut();
            let failure = r.failure.clone();
            if failure.is_some() && slot.attempt < settings.retries && !halted {
                queue.push_front((slot.index, slot.attempt + 1));
                continue;
            }
            // As GNU parallel: one row per job, its last attempt's.
            if let Some(log) = &mut joblog {
                log.write(&record(slot.index, &r))
                    .map_err(|e| err(format!("cannot write joblog: {e}")))?;
            }
            done += 1;
            if let Some(how) = failure {
                failed += 1;
                if !r.ended_by_us {
                    failures.push((slot.index, how));
                }
                if settings.halt != Halt::Never && !halted {
                    halted = true;
                    queue.clear();
                    if settings.halt == Halt::Now {
                        for other in &slots {
                            other.running.borrow_mut().terminate();
                        }
                    }
                }
            }
            results[slot.index] = r.completed.clone();
            let (out, err_bytes) = (std::mem::take(&mut r.out), std::mem::take(&mut r.err));
            printer.ended(interp, slot.index, &r.cmd, out, err_bytes, span)?;
        }
        progress.tick((done, total, failed));
    }
    progress.finish();
    printer.flush_all(interp, span)?;
    if settings.options.check && !failures.is_empty() {
        failures.sort_by_key(|(i, _)| *i);
        let mut message = format!(
            "parallel(): {} of {} jobs failed:",
            failures.len(),
            commands.len()
        );
        for (i, how) in &failures {
            message.push_str(&format!("\n    job {} {} {how}", i + 1, commands[*i]));
        }
        let never = results.iter().filter(|r| r.is_none()).count();
        if never > 0 {
            let jobs = if never == 1 { "job was" } else { "jobs were" };
            message.push_str(&format!("\n    ({never} {jobs} not run: halt)"));
        }
        return Err(RtError::new(message, span));
    }
    Ok(Value::list(
        results
            .into_iter()
            .map(|r| r.map_or(Value::Nil, Completed::into_value))
            .collect(),
    ))
}

/// The joblog row of one attempt.
fn record(index: usize, r: &Running) -> JobRecord {
    let (exitval, signal) = match r.completed.as_ref().map(|c| c.code) {
        // As GNU parallel logs a job its --timeout ended.
        Some(code) if r.timed_out => (-1, (-code).max(0) as i32),
        Some(code) if code < 0 => (0, (-code) as i32),
        Some(code) => (code as i32, 0),
        None => (0, 0),
    };
    JobRecord {
        seq: index as u64 + 1,
        host: crate::runtime::os::joblog::LOCAL_HOST.into(),
        start: r.started_at,
        runtime: std::time::Duration::from_secs_f64(r.completed.as_ref().map_or(0.0, |c| c.secs)),
        send: r.sent,
        receive: r.received,
        exitval,
        signal,
        command: r.cmd.as_shell_line(),
    }
}

/// Prints each job's output whole: as it ends, or in input order with `keep_order`.
struct Printer {
    keep_order: bool,
    tag: bool,
    /// With `keep_order`: the next job to print, and the ended ones waiting for it.
    next: usize,
    waiting: BTreeMap<usize, (String, Vec<u8>, Vec<u8>)>,
    /// Jobs with nothing to print (skipped by `resume`), as the order walks past them.
    skipped: Vec<bool>,
}

impl Printer {
    fn new(settings: &Settings, results: &[Option<Completed>]) -> Printer {
        Printer {
            keep_order: settings.keep_order,
            tag: settings.tag,
            next: 0,
            waiting: BTreeMap::new(),
            skipped: results.iter().map(Option::is_some).collect(),
        }
    }

    fn ended(
        &mut self,
        interp: &mut Interp,
        index: usize,
        cmd: &CommandLine,
        out: Vec<u8>,
        err: Vec<u8>,
        span: Span,
    ) -> RtResult<()> {
        let tag = if self.tag {
            cmd.as_shell_line()
        } else {
            String::new()
        };
        if !self.keep_order {
            return self.print(interp, &tag, out, err, span);
        }
        self.waiting.insert(index, (tag, out, err));
        self.flush_ready(interp, span)
    }

    fn flush_ready(&mut self, interp: &mut Interp, span: Span) -> RtResult<()> {
        loop {
            if self.skipped.get(self.next).copied().unwrap_or(false) {
                self.next += 1;
                continue;
            }
            let Some((tag, out, err)) = self.waiting.remove(&self.next) else {
                return Ok(());
            };
            self.next += 1;
            self.print(interp, &tag, out, err, span)?;
        }
    }

    /// After the last job: what a halt left waiting for jobs that never ran.
    fn flush_all(&mut self, interp: &mut Interp, span: Span) -> RtResult<()> {
        for (_, (tag, out, err)) in std::mem::take(&mut self.waiting) {
            self.print(interp, &tag, out, err, span)?;
        }
        Ok(())
    }

    fn print(
        &self,
        interp: &mut Interp,
        tag: &str,
        out: Vec<u8>,
        err: Vec<u8>,
        span: Span,
    ) -> RtResult<()> {
        let out = tagged(tag, out);
        if !out.is_empty() {
            interp.write_out(&String::from_utf8_lossy(&out), span)?;
        }
        let err = tagged(tag, err);
        if !err.is_empty() {
            write_stderr(&err);
        }
        Ok(())
    }
}

/// `bytes` with `tag` and a tab before every line (GNU parallel's `--tag`); a last line
/// without its newline gets one, so that the next job's output starts on a line of its own.
fn tagged(tag: &str, mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.is_empty() {
        return bytes;
    }
    if bytes.last() != Some(&b'\n') {
        bytes.push(b'\n');
    }
    if tag.is_empty() {
        return bytes;
    }
    let mut tagged = Vec::with_capacity(bytes.len() + tag.len() * 8);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        tagged.extend_from_slice(tag.as_bytes());
        tagged.push(b'\t');
        tagged.extend_from_slice(line);
    }
    tagged
}
