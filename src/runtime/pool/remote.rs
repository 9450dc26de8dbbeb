//! Pools whose workers run elsewhere: `pool(n, hosts = [...])` (over ssh),
//! `pool(n, launcher = [...])` (any command that connects a program's stdin and stdout:
//! `srun`, `kubectl exec -i`, `docker exec -i`) and `pool(n, slurm = {...})` (an `srun`
//! launcher built from options).
//!
//! Each worker is `LAUNCHER... PROGRAM worker`, started here in its own process group (it dies
//! with this process); its link is the launcher's stdin and stdout, and its stderr is relayed
//! line by line with the host's name in front. Over ssh one master connection per host is
//! started first and every worker on that host goes through it (`ControlMaster`), so a pool of
//! many workers authenticates once per host. All workers start at once and are waited for
//! with one deadline (`connect_timeout`); any that does not answer fails `pool(...)` with its
//! host and the launcher's own message.
//!
//! Everything else (batches, results, timeouts, retries, lost workers) is the local pool's
//! code: a remote worker is a worker whose pid is its launcher's.

use std::ffi::OsString;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::protocol::{InitSpec, WorkerStart};
use super::{Pool, Worker};
use crate::interp::eval::NamedArgs;
use crate::interp::value::{Value, a};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::child::ParentProgram;
use crate::runtime::os::channel::Link;
use crate::runtime::os::launch::{self, LaunchError, Launched};
use crate::runtime::os::sys;
use crate::runtime::wire::Encoder;
use crate::syntax::Span;

/// How long workers get to answer unless `connect_timeout` says otherwise.
const DEFAULT_CONNECT_TIMEOUT: f64 = 30.0;

/// Where a remote pool's workers run, and how to start one there.
pub(super) struct Remote {
    places: Vec<Place>,
    /// The ssh master connections (pids), one per host; ended after the workers.
    masters: Vec<i32>,
    /// Holds the masters' control sockets; removed with the pool.
    control_dir: Option<tempfile::TempDir>,
    timeout: Duration,
    /// The pool's initializer, sent to every worker it starts.
    init: Option<InitSpec>,
}

/// One host, or one launcher.
pub(super) struct Place {
    /// As the script wrote it: the host (`user@node1:2222`) or the launcher command.
    pub(super) label: Rc<str>,
    /// For a host: its master connection's control socket (errors then say "host", not
    /// "launcher").
    control: Option<std::path::PathBuf>,
    /// The command that starts a worker there, the worker command included.
    argv: Vec<OsString>,
    /// Workers per place, once known.
    count: Option<usize>,
    /// A replacement could not be started: no more are tried.
    lost: std::cell::Cell<bool>,
}

impl Place {
    pub(super) fn describe(&self) -> String {
        if self.control.is_some() {
            format!("host {}", self.label)
        } else {
            format!("launcher `{}`", self.label)
        }
    }
}

/// The pool's options that make it remote.
struct Options {
    hosts: Option<Vec<String>>,
    launcher: Option<Vec<String>>,
    slurm: Option<Vec<(String, String)>>,
    ssh: Vec<String>,
    program: String,
    timeout: Duration,
}

/// `pool(n, hosts = ..., launcher = ..., slurm = ..., ssh = ..., program = ...,
/// connect_timeout = ...)`.
pub(super) fn new_remote_pool(
    interp: &mut Interp,
    size: Option<usize>,
    named: NamedArgs,
    pool_options: super::start::PoolOptions,
    span: Span,
) -> RtResult<Value> {
    let options = parse_options(named, span)?;
    let init = pool_options
        .init()
        .map(|i| super::start::init_spec(i, true, span))
        .transpose()?;
    let fail = |m: String| RtError::new(m, span);
    let mut control_dir = None;
    let mut places = Vec::new();
    if let Some(hosts) = &options.hosts {
        let dir = tempfile::Builder::new()
            .prefix("mps-ssh-")
            .tempdir_in(std::env::temp_dir())
            .map_err(|e| fail(format!("cannot make a directory for ssh's sockets: {e}")))?;
        for (i, host) in hosts.iter().enumerate() {
            places.push(ssh_place(&options, host, &dir.path().join(format!("h{i}"))));
        }
        control_dir = Some(dir);
    } else if let Some(launcher) = &options.launcher {
        places.push(launcher_place(launcher, &options.program));
    } else if let Some(slurm) = &options.slurm {
        places.push(slurm_place(slurm, &options.program));
    }
    let deadline = Instant::now() + options.timeout;
    let masters = if options.hosts.is_some() {
        start_masters(&options, &places, deadline, span)?
    } else {
        Vec::new()
    };
    let mut remote = Remote {
        places,
        masters,
        control_dir,
        timeout: options.timeout,
        init,
    };
    // Workers per place: `n` on each host; for one launcher, `n` in all. Unknown (`nil` with
    // hosts): one first, then as many more as that worker's machine has CPUs.
    let known = size.or_else(|| (options.hosts.is_none()).then(default_launcher_size));
    for place in &mut remote.places {
        place.count = known;
    }
    interp.flush_output();
    let first: Vec<usize> = remote
        .places
        .iter()
        .enumerate()
        .flat_map(|(i, p)| std::iter::repeat_n(i, p.count.unwrap_or(1)))
        .collect();
    let started = start_workers(interp, &remote, &first, deadline, span);
    let started = match started {
        Ok(started) => started,
        Err(e) => {
            remote.end_masters();
            return Err(e);
        }
    };
    let mut more = Vec::new();
    for (w, &place) in started.iter().zip(&first) {
        let p = &mut remote.places[place];
        if p.count.is_none() {
            let cpus = w.1.unwrap_or(1).max(1);
            p.count = Some(cpus);
            more.extend(std::iter::repeat_n(place, cpus - 1));
        }
    }
    let mut workers: Vec<Worker> = started.into_iter().map(|(w, _)| w).collect();
    if !more.is_empty() {
        match start_workers(interp, &remote, &more, deadline, span) {
            Ok(started) => workers.extend(started.into_iter().map(|(w, _)| w)),
            Err(e) => {
                end_workers(workers);
                remote.end_masters();
                return Err(e);
            }
        }
    }
    let pool = Rc::new(Pool::new(
        workers.len(),
        std::process::id() as i32,
        crate::runtime::StartMethod::Spawn,
    ));
    pool_options.apply(&pool);
    for w in &mut workers {
        w.tasks_left = pool.max_tasks.get();
    }
    pool.state.borrow_mut().workers = workers;
    *pool.remote.borrow_mut() = Some(remote);
    interp.runtime.pools.push(Rc::downgrade(&pool));
    Ok(Value::handle(pool))
}

/// Ends workers started for a pool that failed to start.
fn end_workers(workers: Vec<Worker>) {
    let pids: Vec<i32> = workers.iter().map(|w| w.pid).collect();
    drop(workers);
    for pid in pids {
        launch::end_launcher(pid);
    }
}

/// `pool(nil, launcher = ...)`: inside a Slurm allocation, its number of tasks; else this
/// machine's CPUs.
fn default_launcher_size() -> usize {
    std::env::var("SLURM_NTASKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 1)
        .unwrap_or_else(crate::interp::builtins::cpu_count)
}

fn parse_options(named: NamedArgs, span: Span) -> RtResult<Options> {
    let fail = |m: String| RtError::new(m, span);
    let mut options = Options {
        hosts: None,
        launcher: None,
        slurm: None,
        // Like GNU parallel's PARALLEL_SSH: the ssh command, split at spaces.
        ssh: std::env::var("MPSCRIPT_SSH")
            .ok()
            .map(|s| s.split_whitespace().map(String::from).collect::<Vec<_>>())
            .filter(|words| !words.is_empty())
            .unwrap_or_else(|| vec!["ssh".into()]),
        program: std::env::var("MPSCRIPT_REMOTE_PROGRAM").unwrap_or_else(|_| "mpscript".into()),
        timeout: Duration::from_secs_f64(DEFAULT_CONNECT_TIMEOUT),
    };
    for (name, value) in named {
        match &*name {
            "hosts" => {
                let hosts = strings(&value, "hosts", span)?;
                if hosts.is_empty() {
                    return Err(fail("pool(): `hosts` is empty".into()));
                }
                if let Some(bad) = hosts
                    .iter()
                    .find(|h| h.trim().is_empty() || h.starts_with('-'))
                {
                    return Err(fail(format!("pool(): {bad:?} is not a host")));
                }
                options.hosts = Some(hosts);
            }
            "launcher" => {
                let launcher = strings(&value, "launcher", span)?;
                if launcher.is_empty() {
                    return Err(fail("pool(): `launcher` is empty".into()));
                }
                options.launcher = Some(launcher);
            }
            "slurm" => {
                let Value::Map(entries) = &value else {
                    return Err(fail(format!(
                        "pool(): `slurm` must be a map of srun options (`{{\"partition\": \
                         \"debug\"}}`), not {}",
                        a(value.type_name())
                    )));
                };
                let mut pairs = Vec::new();
                for (k, v) in entries.borrow().iter() {
                    let key = k.to_value().to_string();
                    let text = match v {
                        Value::Str(s) => s.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Bool(true) | Value::Nil => String::new(),
                        other => {
                            return Err(fail(format!(
                                "pool(): the slurm option {key:?} must be a str or an int, \
                                 not {}",
                                a(other.type_name())
                            )));
                        }
                    };
                    pairs.push((key, text));
                }
                options.slurm = Some(pairs);
            }
            "ssh" => {
                let ssh = strings(&value, "ssh", span)?;
                if ssh.is_empty() {
                    return Err(fail("pool(): `ssh` is empty".into()));
                }
                options.ssh = ssh;
            }
            "program" => match &value {
                Value::Str(s) if !s.is_empty() => options.program = s.to_string(),
                other => {
                    return Err(fail(format!(
                        "pool(): `program` must be the path of mpscript on the far side, not {}",
                        a(other.type_name())
                    )));
                }
            },
            "connect_timeout" => {
                let seconds = match value {
                    Value::Int(i) => i as f64,
                    Value::Float(f) => f,
                    ref other => {
                        return Err(fail(format!(
                            "pool(): `connect_timeout` must be a number of seconds, not {}",
                            a(other.type_name())
                        )));
                    }
                };
                if !(seconds > 0.0 && seconds <= 86_400.0) {
                    return Err(fail(format!(
                        "pool(): `connect_timeout` must be between 0 and 86400 seconds, got {}",
                        crate::interp::value::format_float(seconds)
                    )));
                }
                options.timeout = Duration::from_secs_f64(seconds);
            }
            other => {
                return Err(fail(format!(
                    "pool() takes no argument named `{other}` (it takes `initializer`, \
                     `initargs`, `maxtasksperchild`, `hosts`, `launcher`, `slurm`, `ssh`, \
                     `program` and `connect_timeout`)"
                )));
            }
        }
    }
    let kinds = [
        options.hosts.is_some(),
        options.launcher.is_some(),
        options.slurm.is_some(),
    ];
    match kinds.iter().filter(|&&k| k).count() {
        0 => Err(fail(
            "pool(): `ssh`, `program` and `connect_timeout` need `hosts`, `launcher` or `slurm`"
                .into(),
        )),
        1 => Ok(options),
        _ => Err(fail(
            "pool(): give one of `hosts`, `launcher` and `slurm`, not several".into(),
        )),
    }
}

fn strings(value: &Value, name: &str, span: Span) -> RtResult<Vec<String>> {
    let wrong = |what: String| {
        RtError::new(
            format!("pool(): `{name}` must be a list of strs, not {what}"),
            span,
        )
    };
    let Value::List(items) = value else {
        return Err(wrong(a(value.type_name())));
    };
    items
        .borrow()
        .iter()
        .map(|v| match v {
            Value::Str(s) => Ok(s.to_string()),
            other => Err(wrong(format!("a list holding {}", a(other.type_name())))),
        })
        .collect()
}

/// `user@host:port` → (`user@host`, port). A bracketed IPv6 address keeps its colons; a bare
/// one (`::1`) has no port.
fn split_host(host: &str) -> (String, Option<String>) {
    let (user, rest) = match host.rsplit_once('@') {
        Some((user, rest)) => (Some(user), rest),
        None => (None, host),
    };
    let is_port = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let (address, port) = if let Some(inner) = rest.strip_prefix('[') {
        match inner.split_once(']') {
            Some((address, tail)) => (
                address,
                tail.strip_prefix(':').filter(is_port).map(String::from),
            ),
            None => (rest, None),
        }
    } else {
        match rest.split_once(':') {
            Some((address, port)) if !port.contains(':') && is_port(&port) => {
                (address, Some(port.to_string()))
            }
            _ => (rest, None),
        }
    };
    let destination = match user {
        Some(user) => format!("{user}@{address}"),
        None => address.to_string(),
    };
    (destination, port)
}

/// `ssh` with the options shared by the master and the workers of one host, then `extra`,
/// then the destination.
fn ssh_argv(
    options: &Options,
    host: &str,
    control: &std::path::Path,
    extra: &[&str],
) -> Vec<OsString> {
    let (dest, port) = split_host(host);
    let timeout = options.timeout.as_secs().max(1);
    let mut argv: Vec<OsString> = options.ssh.iter().map(OsString::from).collect();
    for o in [
        "BatchMode=yes".to_string(),
        format!("ConnectTimeout={timeout}"),
        "ServerAliveInterval=15".to_string(),
        "ServerAliveCountMax=4".to_string(),
    ] {
        argv.push("-o".into());
        argv.push(o.into());
    }
    let mut path = OsString::from("ControlPath=");
    path.push(control.as_os_str());
    argv.push("-o".into());
    argv.push(path);
    if let Some(port) = port {
        argv.push("-p".into());
        argv.push(port.into());
    }
    argv.extend(extra.iter().map(OsString::from));
    argv.push(dest.into());
    argv
}

fn ssh_place(options: &Options, host: &str, control: &std::path::Path) -> Place {
    let mut argv = ssh_argv(options, host, control, &["-o", "ControlMaster=no", "-T"]);
    // ssh joins the remote command's words into one shell command line.
    argv.push("--".into());
    argv.push(format!("{} worker", shell_quote(&options.program)).into());
    Place {
        label: host.into(),
        control: Some(control.to_path_buf()),
        argv,
        count: None,
        lost: Default::default(),
    }
}

fn launcher_place(launcher: &[String], program: &str) -> Place {
    let mut argv: Vec<OsString> = launcher.iter().map(OsString::from).collect();
    argv.push(program.into());
    argv.push("worker".into());
    Place {
        label: launcher.join(" ").into(),
        control: None,
        argv,
        count: None,
        lost: Default::default(),
    }
}

/// `slurm = {"partition": "debug", "time": "10:00"}` → `srun --partition=debug --time=10:00
/// --ntasks=1 --nodes=1 --unbuffered [--exact] PROGRAM worker`: one step per worker, inside the allocation the
/// script runs in (`salloc`, `sbatch`) or, outside one, a job of its own.
fn slurm_place(options: &[(String, String)], program: &str) -> Place {
    let mut launcher = vec!["srun".to_string()];
    for (key, value) in options {
        let key = key.trim_start_matches('-').replace('_', "-");
        if value.is_empty() {
            launcher.push(format!("--{key}"));
        } else {
            launcher.push(format!("--{key}={value}"));
        }
    }
    let has = |k: &str| {
        options
            .iter()
            .any(|(key, _)| key.trim_start_matches('-').replace('_', "-") == k)
    };
    if !has("ntasks") {
        launcher.push("--ntasks=1".into());
    }
    if !has("nodes") {
        launcher.push("--nodes=1".into());
    }
    // Without it srun passes a task's output on a line at a time, and the link's messages are
    // not lines.
    launcher.push("--unbuffered".into());
    // Not `--quiet`: srun's "queued and waiting for resources" is what a worker that does not
    // answer in time quotes.
    // Inside an allocation, steps share it: each takes only what it asks for.
    if std::env::var_os("SLURM_JOB_ID").is_some() && !has("overlap") {
        launcher.push("--exact".into());
    }
    let mut place = launcher_place(&launcher, program);
    place.label = launcher.join(" ").into();
    place
}

/// Quotes a word for the remote shell.
fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%=,".contains(&b))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Starts one ssh master connection per host and waits until each accepts sessions.
fn start_masters(
    options: &Options,
    places: &[Place],
    deadline: Instant,
    span: Span,
) -> RtResult<Vec<i32>> {
    let mut started: Vec<(&std::path::Path, String, launch::Launching)> = Vec::new();
    let mut failure = None;
    for place in places {
        let Some(control) = place.control.as_deref() else {
            continue;
        };
        let master = [
            "-o",
            "ControlMaster=yes",
            "-o",
            "ControlPersist=no",
            "-N",
            "-T",
        ];
        match launch::launch(&ssh_argv(options, &place.label, control, &master)) {
            Ok(l) => started.push((control, place.describe(), l)),
            Err(e) => {
                failure = Some(format!(
                    "cannot start a worker on {}: {}",
                    place.describe(),
                    e.message
                ));
                break;
            }
        }
    }
    let mut pids = Vec::new();
    loop {
        if failure.is_some() {
            break;
        }
        let mut waiting = false;
        for (control, describe, l) in started.iter_mut() {
            if control.exists() {
                continue;
            }
            if let Some(message) = l.ended() {
                failure = Some(format!("cannot start a worker on {describe}: {message}"));
                break;
            }
            waiting = true;
        }
        if !waiting || failure.is_some() {
            break;
        }
        if Instant::now() >= deadline {
            let describe = started
                .iter()
                .find(|(c, ..)| !c.exists())
                .map(|(_, d, _)| d.clone())
                .unwrap_or_default();
            failure = Some(format!(
                "cannot start a worker on {describe}: ssh did not connect within {} seconds",
                options.timeout.as_secs_f64()
            ));
            break;
        }
        sys::pause(Duration::from_millis(5));
    }
    if let Some(message) = failure {
        // Dropping the launchers ends them.
        drop(started);
        return Err(RtError::new(message, span));
    }
    for (_, _, l) in started {
        pids.push(l.keep());
    }
    Ok(pids)
}

/// Starts workers at `places` (indexes into the pool's places) together, and sends each its
/// start message. Returns each worker with its machine's CPU count.
fn start_workers(
    interp: &mut Interp,
    remote: &Remote,
    places: &[usize],
    deadline: Instant,
    span: Span,
) -> RtResult<Vec<(Worker, Option<usize>)>> {
    let mut launching = Vec::new();
    for &p in places {
        let place = &remote.places[p];
        match launch::launch(&place.argv) {
            Ok(l) => launching.push(l),
            Err(e) => {
                return Err(RtError::new(
                    format!(
                        "cannot start a worker on {}: {}",
                        place.describe(),
                        e.message
                    ),
                    span,
                ));
            }
        }
    }
    let results = launch::greet_all(launching, deadline, remote.timeout);
    let mut failure: Option<String> = None;
    let mut launched = Vec::new();
    for (result, &p) in results.into_iter().zip(places) {
        match result {
            Ok(l) => launched.push((l, p)),
            Err(LaunchError { message, .. }) => {
                if failure.is_none() {
                    failure = Some(format!(
                        "cannot start a worker on {}: {message}",
                        remote.places[p].describe()
                    ));
                }
            }
        }
    }
    if let Some(message) = failure {
        for (l, _) in launched {
            launch::end_launcher(l.pid);
        }
        return Err(RtError::new(message, span));
    }
    let start = start_message(interp, remote);
    let mut workers = Vec::new();
    for (l, p) in launched {
        let Launched {
            pid,
            link,
            stderr,
            cpus,
            ..
        } = l;
        let mut link = Link::new(link)
            .map_err(|e| RtError::new(format!("cannot set up the worker link: {e}"), span))?;
        link.send(&start);
        let _ = link.flush();
        let label = remote.places[p].label.clone();
        interp
            .runtime
            .relays
            .push(crate::runtime::os::relay::Relay::labelled(stderr, &label));
        workers.push((
            Worker {
                pid,
                link,
                in_flight: Default::default(),
                known_sources: interp.source_count(),
                started: Instant::now(),
                place: Some(p),
                tasks_left: None,
            },
            cpus,
        ));
    }
    Ok(workers)
}

/// What every remote worker is sent first: the program and the globals that can travel.
fn start_message(interp: &Interp, remote: &Remote) -> WorkerStart {
    let mut encoder = Encoder::for_remote();
    let global_slots =
        crate::runtime::wire::push_globals(&mut encoder, interp, 0..interp.global_count());
    WorkerStart {
        program: ParentProgram::of(interp),
        globals: encoder.finish(),
        global_slots,
        init: remote.init.as_ref().map(|i| InitSpec {
            packet: i.packet.clone(),
            span: i.span,
        }),
    }
}

/// A replacement for a lost worker at the same place; `None` (with a warning) if it cannot
/// be started, and the place is given up.
pub(super) fn replace_worker(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    place: usize,
    span: Span,
) -> Option<Worker> {
    let remote = pool.remote.borrow();
    let remote = remote.as_ref()?;
    if remote.places[place].lost.get() {
        return None;
    }
    let deadline = Instant::now() + remote.timeout;
    match start_workers(interp, remote, &[place], deadline, span) {
        Ok(mut workers) => workers.pop().map(|(mut w, _)| {
            w.tasks_left = pool.max_tasks.get();
            w
        }),
        Err(e) => {
            remote.places[place].lost.set(true);
            crate::output::stderr_line(format_args!(
                "warning: pool: a lost worker was not replaced ({}); the pool goes on with the \
                 others",
                e.message
            ));
            None
        }
    }
}

/// How errors name the pool's worker number `wi` (see [`who`]).
pub(super) fn who_at(pool: &Pool, wi: usize) -> String {
    pool.state
        .borrow()
        .workers
        .get(wi)
        .map_or_else(|| "worker ?".into(), |w| who(pool, w))
}

/// How errors name a worker: `worker 1234` locally, `the worker on host node1` remotely.
pub(super) fn who(pool: &Pool, worker: &Worker) -> String {
    match (worker.place, pool.remote.borrow().as_ref()) {
        (Some(p), Some(remote)) => format!("the worker on {}", remote.places[p].describe()),
        _ => format!("worker {}", worker.pid),
    }
}

impl Remote {
    /// In a forked child: the masters and their sockets are the parent's; leave them be.
    pub(super) fn abandon(&mut self) {
        self.masters.clear();
        if let Some(dir) = self.control_dir.take() {
            let _ = dir.keep();
        }
    }

    /// Ends the ssh master connections (after the workers).
    pub(super) fn end_masters(&mut self) {
        for pid in std::mem::take(&mut self.masters) {
            launch::end_launcher(pid);
        }
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.end_masters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_split_into_destination_and_port() {
        assert_eq!(split_host("node1"), ("node1".into(), None));
        assert_eq!(
            split_host("me@node1:2222"),
            ("me@node1".into(), Some("2222".into()))
        );
        assert_eq!(split_host("node1:22"), ("node1".into(), Some("22".into())));
        assert_eq!(
            split_host("[::1]:2222"),
            ("::1".into(), Some("2222".into()))
        );
        assert_eq!(split_host("::1"), ("::1".into(), None));
        assert_eq!(split_host("[fe80::1]"), ("fe80::1".into(), None));
        assert_eq!(
            split_host("me@[::1]:22"),
            ("me@::1".into(), Some("22".into()))
        );
    }

    #[test]
    fn the_program_is_quoted_for_the_remote_shell() {
        assert_eq!(shell_quote("/usr/bin/mpscript"), "/usr/bin/mpscript");
        assert_eq!(shell_quote("/my dir/mps"), "'/my dir/mps'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn slurm_options_become_srun_flags() {
        let place = slurm_place(
            &[
                ("partition".into(), "debug".into()),
                ("cpus_per_task".into(), "2".into()),
            ],
            "mpscript",
        );
        let argv: Vec<String> = place
            .argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(argv[0], "srun");
        assert!(argv.contains(&"--partition=debug".to_string()), "{argv:?}");
        assert!(argv.contains(&"--cpus-per-task=2".to_string()), "{argv:?}");
        assert!(argv.contains(&"--ntasks=1".to_string()), "{argv:?}");
        assert_eq!(&argv[argv.len() - 2..], ["mpscript", "worker"]);
    }
}
