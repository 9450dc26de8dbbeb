//! Command-line parsing and dispatch. All language work happens in the library.

mod repl;

use std::io::Read;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use mpscript::{Engine, Error, ErrorKind};

#[derive(Parser, Debug)]
#[command(
    name = "mpscript",
    version,
    about = "A small, fast scripting language for orchestrating processes"
)]
struct Cli {
    /// Run CODE given on the command line; arguments after it reach the script as args().
    #[arg(
        short = 'c',
        value_name = "CODE",
        num_args = 1..,
        allow_hyphen_values = true
    )]
    code: Option<Vec<String>>,

    /// How child processes start.
    #[arg(long, value_enum, global = true, default_value_t = StartMethod::default_for_platform())]
    start_method: StartMethod,

    /// Never show progress bars.
    #[arg(long, global = true)]
    no_progress: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a script (`-` reads it from standard input).
    Run {
        file: PathBuf,
        /// Arguments the script reads with args(): everything after FILE, options too.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Parse and resolve a script without running it; warn about names defined nowhere.
    Check {
        file: PathBuf,
        /// Treat warnings as errors (exit status 2).
        #[arg(long)]
        strict: bool,
    },
    /// Start an interactive session.
    Repl,
    /// Serve a pool on another machine over standard input and output: the far side of
    /// `pool(n, hosts = [...])`, `launcher = [...]` and `slurm = {...}`. Started by the pool
    /// (through ssh, srun, kubectl exec -i...), not by hand.
    Worker,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StartMethod {
    Fork,
    Spawn,
}

impl StartMethod {
    fn default_for_platform() -> StartMethod {
        if cfg!(unix) {
            StartMethod::Fork
        } else {
            StartMethod::Spawn
        }
    }
}

/// Runs the command line; returns the exit status.
pub fn main() -> i32 {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let (argv, script_args) = split_script_args(argv);
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if cfg!(not(unix)) && cli.start_method == StartMethod::Fork {
        mpscript::Engine::report_line(format_args!(
            "error: the fork start method is not available on this platform; use `--start-method spawn`"
        ));
        return 2;
    }
    let mut engine = Engine::new();
    engine.set_start_method(match cli.start_method {
        StartMethod::Fork => mpscript::StartMethod::Fork,
        StartMethod::Spawn => mpscript::StartMethod::Spawn,
    });
    engine.set_progress(!cli.no_progress);
    match (&cli.code, cli.command) {
        (Some(code), _) => {
            engine.set_args(code[1..].to_vec());
            run_script(&mut engine, Ok(("<command line>".into(), code[0].clone())))
        }
        (None, Some(Command::Run { file, .. })) => {
            engine.set_args(script_args);
            let script = if file.as_os_str() == "-" {
                read_stdin().map(|text| ("<stdin>".to_string(), text))
            } else {
                mpscript::Engine::read_script(&file).map(|text| (file.display().to_string(), text))
            };
            run_script(&mut engine, script)
        }
        (None, Some(Command::Check { file, strict })) => {
            let name = if file.as_os_str() == "-" {
                "<stdin>".to_string()
            } else {
                file.display().to_string()
            };
            let result = mpscript_read(&file).and_then(|text| engine.lint(&name, &text));
            match result {
                Ok(warnings) => {
                    for warning in &warnings {
                        mpscript::Engine::report_line(format_args!("{warning}"));
                    }
                    if strict && !warnings.is_empty() { 1 } else { 0 }
                }
                Err(e) => report(&e),
            }
        }
        (None, Some(Command::Worker)) => engine.serve_remote_worker(),
        (None, Some(Command::Repl)) | (None, None) => repl::run(&mut engine),
    }
}

/// The subcommands; any other first word is a script's file name.
const SUBCOMMANDS: &[&str] = &["run", "check", "repl", "worker", "help"];

/// Options that take a value as the next argument (`--start-method spawn`).
const VALUED_OPTIONS: &[&str] = &["--start-method"];

/// Splits `mpscript [OPTIONS] [run] [OPTIONS] FILE ARGS...` after FILE: what follows is the
/// script's, verbatim (`--help`, `-c` and `--` included), as `python script.py ARGS` does.
/// Without a subcommand the first word is the file (`run` is put in front of it; a script
/// named like a subcommand is reached as `./check` or `run check`). Any other command line is
/// left whole, for clap.
fn split_script_args(mut argv: Vec<std::ffi::OsString>) -> (Vec<std::ffi::OsString>, Vec<String>) {
    let mut seen_run = false;
    let mut i = 1;
    while i < argv.len() {
        let Some(arg) = argv[i].to_str() else {
            if seen_run {
                break;
            }
            return (argv, Vec::new());
        };
        if arg == "-" || !arg.starts_with('-') {
            if seen_run {
                break;
            }
            if SUBCOMMANDS.contains(&arg) {
                if arg != "run" {
                    return (argv, Vec::new());
                }
            } else {
                // `mpscript FILE ARGS...` is `mpscript run FILE ARGS...`, as `python FILE` is.
                argv.insert(i, "run".into());
            }
            seen_run = true;
        } else if arg == "--" {
            if !seen_run {
                return (argv, Vec::new());
            }
            i += 1;
            break;
        } else if arg == "-c" || arg.starts_with("-c") && !arg.starts_with("--") {
            // `-c CODE ARGS...`: clap takes everything after it.
            return (argv, Vec::new());
        } else if VALUED_OPTIONS.contains(&arg) {
            i += 1;
        }
        i += 1;
    }
    if !seen_run || i >= argv.len() {
        return (argv, Vec::new());
    }
    let rest = argv.split_off(i + 1);
    let rest = rest
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    (argv, rest)
}

fn mpscript_read(file: &std::path::Path) -> Result<String, Error> {
    if file.as_os_str() == "-" {
        return read_stdin();
    }
    mpscript::Engine::read_script(file)
}

fn read_stdin() -> Result<String, Error> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(ErrorKind::Usage, format!("<stdin>: cannot read: {e}")))?;
    mpscript::Engine::script_text("<stdin>", bytes)
}

/// Runs a script with Ctrl-C handled: the error (if any) is shown first, then the children
/// the script left running are waited for (or ended, after Ctrl-C).
fn run_script(engine: &mut Engine, script: Result<(String, String), Error>) -> i32 {
    let (name, text) = match script {
        Ok(script) => script,
        Err(e) => return report(&e),
    };
    mpscript::Engine::catch_interrupts();
    let result = engine.eval_named(&name, &text);
    let status = finish(result.clone());
    match engine.finish_children(result.clone()) {
        // 130 after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP.
        Err(e) if e.kind() == ErrorKind::Interrupted => {
            // The children have ended: remove every shared-memory file of the script, also
            // those of children killed before they could.
            mpscript::Engine::clean_up_after_interrupt();
            mpscript::Engine::interrupt_status()
        }
        // The script ran, but finishing a pool it never joined failed (a callback's error).
        Err(e) if result.is_ok() => report(&e),
        // A Ctrl-C that came while the script's last wait was finishing anyway (the children
        // it waited for died of the same Ctrl-C) still interrupts it, as Python raises
        // KeyboardInterrupt at the next instruction.
        Ok(_) if result.is_ok() && mpscript::Engine::interrupted() => {
            mpscript::Engine::clean_up_after_interrupt();
            mpscript::Engine::interrupt_status()
        }
        _ => status,
    }
}

fn finish(result: Result<mpscript::Value, Error>) -> i32 {
    match result {
        Ok(_) => 0,
        Err(e) => report(&e),
    }
}

/// Prints an error the way every error is printed, and gives its exit status.
fn report(error: &Error) -> i32 {
    match error.kind() {
        ErrorKind::Exit(_) | ErrorKind::Interrupted => {}
        _ => mpscript::Engine::report_line(format_args!("{error}")),
    }
    error.exit_code()
}
