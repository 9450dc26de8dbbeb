//! GNU parallel's `--joblog` file (the OS side of `parallel(joblog = ..., resume = ...)`): its
//! header, one row per finished job in exactly GNU parallel's format (checked against GNU
//! parallel 20221122), the shell quoting of its Command column, and reading a joblog back for
//! `--resume-failed`. Knows nothing of the interpreter or its values.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The first line of every joblog, as GNU parallel writes it.
pub const HEADER: &str =
    "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";

/// What GNU parallel writes in the Host column for a job run on this machine.
pub const LOCAL_HOST: &str = ":";

/// One finished job: a row of the joblog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// The job's 1-based position in the input; a rerun job keeps its number.
    pub seq: u64,
    /// [`LOCAL_HOST`] for a local job.
    pub host: String,
    /// When the job was started.
    pub start: SystemTime,
    /// Wall time from start to end.
    pub runtime: Duration,
    /// Bytes sent to the job: GNU parallel counts the `--pipe` blocks fed to its stdin and the
    /// `--transfer` files, so 0 for a job given no input.
    pub send: u64,
    /// Bytes of the job's standard output (standard error is not counted).
    pub receive: u64,
    /// The exit code; 0 when a signal ended the job. GNU parallel writes -1 for a job it
    /// killed for its `--timeout` (with the signal it sent in `signal`).
    pub exitval: i32,
    /// The number of the signal that ended the job, else 0.
    pub signal: i32,
    /// The command line as run: a shell command string as given, or [`format_command`] of an
    /// argument list.
    pub command: String,
}

impl JobRecord {
    /// The row as GNU parallel prints it, with its line end: Starttime is `%.3f` of the epoch
    /// seconds, JobRuntime is `%10.3f` of the runtime truncated (not rounded) to milliseconds,
    /// the other numbers are plain integers, and the columns are joined by tabs.
    pub fn to_row(&self) -> String {
        // The same float formatting as Perl's printf: the start is rounded, the runtime is
        // truncated to milliseconds first.
        let start = self.start.duration_since(UNIX_EPOCH).unwrap_or_default();
        let start = start.as_secs_f64();
        let runtime = self.runtime.as_millis() as f64 / 1000.0;
        // Newlines become NULs as in GNU parallel, so that a row stays one line.
        let command = self.command.replace('\n', "\0");
        let (send, receive) = (self.send, self.receive);
        let exit = format!("{}\t{}", self.exitval, self.signal);
        let host = &self.host;
        let seq = self.seq;
        format!("{seq}\t{host}\t{start:.3}\t{runtime:10.3}\t{send}\t{receive}\t{exit}\t{command}\n")
    }
}

/// A joblog open for writing rows.
#[derive(Debug)]
pub struct Joblog {
    file: File,
}

impl Joblog {
    /// Opens the joblog at `path`. Without `append` the file is truncated (or created) and the
    /// header written, as GNU parallel does for `--joblog path`. With `append` (for resuming)
    /// the rows go after those already there, and the header is written only when the file is
    /// missing or empty, as GNU parallel does with `--resume` and `--resume-failed`.
    pub fn create(path: &Path, append: bool) -> io::Result<Joblog> {
        // Append mode even after truncating, so that every row lands at the end.
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        if !append {
            file.set_len(0)?;
        }
        let mut joblog = Joblog { file };
        if joblog.file.metadata()?.len() == 0 {
            joblog.write_line(&format!("{HEADER}\n"))?;
        }
        Ok(joblog)
    }

    /// Appends one job's row.
    pub fn write(&mut self, record: &JobRecord) -> io::Result<()> {
        self.write_line(&record.to_row())
    }

    /// One write of a whole line, unbuffered, so that a script killed between jobs leaves only
    /// complete rows (which `succeeded` must be able to read back).
    fn write_line(&mut self, line: &str) -> io::Result<()> {
        self.file.write_all(line.as_bytes())?;
        self.file.flush()
    }
}

/// The Seq numbers that a resume must skip: those with a row whose Exitval and Signal are both
/// 0, as GNU parallel's `--resume-failed` decides (any such row counts, so a job that failed and
/// then succeeded on a rerun appended to the same file is done). A missing file gives an empty
/// set. Like GNU parallel, the first line is taken to be the header and not read, whatever it
/// holds. A line that is not a row is an error of kind `InvalidData` naming the path and line.
pub fn succeeded(path: &Path) -> io::Result<HashSet<u64>> {
    let file = match File::open(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(HashSet::new()),
        opened => opened?,
    };
    let mut done = HashSet::new();
    for (index, line) in BufReader::new(file).split(b'\n').enumerate().skip(1) {
        let line = String::from_utf8_lossy(&line?).into_owned();
        let malformed = || {
            let why = format!("{}:{}: not a joblog row: {line}", path.display(), index + 1);
            io::Error::new(io::ErrorKind::InvalidData, why)
        };
        if let Some(seq) = succeeded_seq(&line) {
            done.insert(seq.parse().map_err(|_| malformed())?);
        } else if !is_row(&line) {
            return Err(malformed());
        }
    }
    Ok(done)
}

/// The Seq of a row showing success: GNU parallel's `^(\d+)(?:\t[^\t]+){5}\t0\t0\t`.
fn succeeded_seq(line: &str) -> Option<&str> {
    let fields: Vec<&str> = line.splitn(9, '\t').collect();
    let well_formed = fields.len() == 9 && is_digits(fields[0]);
    let success = well_formed && fields[6] == "0" && fields[7] == "0";
    (success && fields[1..6].iter().all(|field| !field.is_empty())).then_some(fields[0])
}

/// Whether a line not showing success is still a row (to rerun, not an error): GNU parallel's
/// `\d+\s+\S+\s+([-0-9.]+\s+){6}`, anchored at the line's start.
fn is_row(line: &str) -> bool {
    let columns: Vec<&str> = line.split_whitespace().take(9).collect();
    let numeric = |column: &&str| column.chars().all(|c| "-.0123456789".contains(c));
    // The eighth column must be followed by whitespace (then the Command, maybe empty).
    let command_follows = columns.len() == 9 || line.ends_with(char::is_whitespace);
    let numbers = columns.len() >= 8 && columns[2..8].iter().all(numeric);
    numbers && command_follows && is_digits(columns[0])
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The Command column for an argument list run without a shell: the words joined by spaces,
/// each quoted as GNU parallel quotes arguments for a Bourne shell (`echo 'b c'`,
/// `echo 'it'"'"'s'`), so that the column can be pasted into a shell to run the job again.
pub fn format_command(argv: &[String]) -> String {
    let words: Vec<String> = argv.iter().map(|word| shell_quote(word)).collect();
    words.join(" ")
}

/// GNU parallel's `shell_quote_scalar_default`: words of `-_.+/` and ASCII letters and digits
/// stay bare, `''` stands for the empty word, anything else is single-quoted with each `'`
/// written `'"'"'`, dropping the `''` this leaves at either end.
fn shell_quote(word: &str) -> String {
    let bare = |c: char| c.is_ascii_alphanumeric() || "-_.+/".contains(c);
    if word.is_empty() {
        return "''".to_string();
    } else if word.chars().all(bare) {
        return word.to_string();
    }
    let quoted = format!("'{}'", word.replace('\'', r#"'"'"'"#));
    let quoted = quoted.strip_prefix("''").unwrap_or(&quoted);
    quoted.strip_suffix("''").unwrap_or(quoted).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::read_to_string;
    use std::process::Command;

    /// A row started at 1700000000.123456789 that ran 12.345999 s and wrote 3 bytes.
    fn record(seq: u64, exitval: i32, signal: i32, command: &str) -> JobRecord {
        JobRecord {
            seq,
            host: LOCAL_HOST.to_string(),
            start: UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789),
            runtime: Duration::from_micros(12_345_999),
            send: 0,
            receive: 3,
            exitval,
            signal,
            command: command.to_string(),
        }
    }

    #[test]
    fn joblog_row_has_gnu_parallels_formats() {
        let row = record(7, 0, 9, "sh -c 'a\nb'").to_row();
        let expected = "7\t:\t1700000000.123\t    12.345\t0\t3\t0\t9\tsh -c 'a\0b'\n";
        assert_eq!(row, expected);
    }

    #[test]
    fn joblog_resume_appends_and_succeeded_counts_exitval_and_signal_zero() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("log");
        assert!(succeeded(&path)?.is_empty(), "a missing file");
        for (seq, exitval, signal) in [(1, 1, 0), (1, 0, 0), (2, 1, 0), (3, 0, 9), (4, -1, 15)] {
            let mut joblog = Joblog::create(&path, true)?;
            joblog.write(&record(seq, exitval, signal, "a\tcommand with a tab"))?;
        }
        let text = read_to_string(&path)?;
        let seqs: String = text.lines().map(|line| &line[..1]).collect();
        assert_eq!(seqs, "S11234", "the header once, then every row");
        assert_eq!(succeeded(&path)?, HashSet::from([1]));
        Joblog::create(&path, false)?;
        assert_eq!(read_to_string(&path)?, format!("{HEADER}\n"));
        Ok(())
    }

    #[test]
    fn joblog_malformed_line_is_invalid_data_naming_path_and_line() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("log");
        let text = format!("{HEADER}\n1 : 1.0 0.0 0 0 1 0 x\n2\t:\tjunk\n");
        std::fs::write(&path, text)?;
        let error = succeeded(&path).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let line_3 = format!("{}:3:", path.display());
        assert!(error.to_string().contains(&line_3), "{error}");
        Ok(())
    }

    #[test]
    fn joblog_format_command_quotes_like_gnu_parallel() {
        let quoted = |word: &str| format_command(&["echo".into(), word.into()]);
        assert_eq!(quoted("A-Z_a.b+c/d"), "echo A-Z_a.b+c/d");
        assert_eq!(quoted(""), "echo ''");
        assert_eq!(quoted("b c"), "echo 'b c'");
        assert_eq!(quoted("'"), r#"echo "'""#);
        assert_eq!(quoted("it's"), r#"echo 'it'"'"'s'"#);
    }

    /// Each digit as 9: a column's shape (width, sign, decimals) whatever its value.
    fn shape(column: &str) -> String {
        let digit_as_9 = |c: char| if c.is_ascii_digit() { '9' } else { c };
        column.chars().map(digit_as_9).collect()
    }

    /// The real GNU parallel and this module log the same jobs (`sh -c SCRIPT` each, so that
    /// GNU parallel quotes the scripts too); every column must have the same shape.
    #[test]
    fn joblog_rows_match_real_gnu_parallel() -> io::Result<()> {
        if Command::new("parallel").arg("--version").output().is_err() {
            println!("note: GNU parallel is not on PATH; the comparison with it is skipped");
            return Ok(());
        }
        let scripts: Vec<&str> = "true|exit 3|kill -9 $$|echo hi|echo it's||echo :=é"
            .split('|')
            .collect();
        let dir = tempfile::tempdir()?;
        let (real_path, our_path) = (dir.path().join("real"), dir.path().join("ours"));
        let joblog_option = format!("--joblog={}", real_path.display());
        let options = ["--will-cite", "-j2", &joblog_option, "sh", "-c", ":::"];
        Command::new("parallel")
            .args(options)
            .args(&scripts)
            .output()?;
        let real_text = read_to_string(&real_path)?;
        let real_rows: Vec<&str> = real_text.lines().collect();
        assert_eq!(real_rows.len(), 1 + scripts.len());
        let mut joblog = Joblog::create(&our_path, false)?;
        for real_row in &real_rows[1..] {
            let real: Vec<&str> = real_row.split('\t').collect();
            let number = |column: usize| real[column].parse::<i32>().unwrap();
            let seq = number(0) as u64;
            let argv = ["sh", "-c", scripts[seq as usize - 1]].map(String::from);
            let mut ours = record(seq, number(6), number(7), &format_command(&argv));
            (ours.start, ours.runtime) = (SystemTime::now(), Duration::from_millis(3));
            ours.receive = number(5) as u64;
            joblog.write(&ours)?;
        }
        let our_text = read_to_string(&our_path)?;
        let our_rows: Vec<&str> = our_text.lines().collect();
        assert_eq!(our_rows.len(), real_rows.len());
        for (our_row, real_row) in our_rows.iter().zip(&real_rows) {
            let ours: Vec<String> = our_row.split('\t').map(shape).collect();
            let real: Vec<String> = real_row.split('\t').map(shape).collect();
            assert_eq!(ours, real, "ours {our_row:?}, GNU parallel's {real_row:?}");
        }
        for path in [real_path, our_path] {
            assert_eq!(succeeded(&path)?, HashSet::from([1, 4, 6, 7]), "{path:?}");
        }
        Ok(())
    }
}
