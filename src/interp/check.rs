//! `mpscript check`'s static report beyond compile errors: names that are used but defined
//! nowhere (not declared by any top-level `let`/`fn`, not a builtin or host function), which
//! would fail only when the line runs. They are warnings; running a script is unaffected.

use std::collections::HashSet;
use std::rc::Rc;

use super::{Interp, Slot};
use crate::error::{Error, ErrorKind};
use crate::syntax::{self, Span};

/// The global names one program declares, and every use of a name that resolved to a global.
#[derive(Debug, Default)]
pub struct GlobalUses {
    pub declared: HashSet<Rc<str>>,
    pub used: Vec<(Rc<str>, Span)>,
}

impl Interp {
    /// Parses and resolves a source without running it. A syntax or static error is the
    /// `Err`; the `Ok` lists warnings: the first use of each name defined nowhere.
    pub fn check_source(&mut self, name: &str, text: &str) -> Result<Vec<Error>, Error> {
        let id = self.sources.add(name, text);
        let (_, uses, _) = self.compile_unit(id, None)?;
        let defined = |interp: &Interp, name: &str| {
            uses.declared.contains(name)
                || interp.names.lookup(name).is_some_and(|slot| {
                    matches!(
                        interp.globals.get(slot as usize),
                        Some(Slot::Val(_) | Slot::Cell(_))
                    )
                })
        };
        let mut reported = HashSet::new();
        let mut warnings = Vec::new();
        for (used, span) in &uses.used {
            if defined(self, used) || !reported.insert(used.clone()) {
                continue;
            }
            let mut message = format!(
                "`{used}` is not defined anywhere: no `let`, `fn` or `struct` declares it, and it is not a builtin"
            );
            let known = self.names.names().iter().filter(|n| defined(self, n));
            if let Some(word) = syntax::spelled_as(used) {
                message.push_str(&format!(" (mpscript spells it `{word}`)"));
            } else if let Some(near) = nearest(used, known) {
                message.push_str(&format!(" (did you mean `{near}`?)"));
            }
            warnings.push(Error::at(ErrorKind::Syntax, message, *span, &self.sources).as_warning());
        }
        Ok(warnings)
    }
}

/// The known name closest to `name`, if it is a likely typo (at most 2 edits, fewer than the
/// name's length).
fn nearest<'a>(name: &str, known: impl Iterator<Item = &'a Rc<str>>) -> Option<&'a Rc<str>> {
    let limit = 2.min(name.chars().count().saturating_sub(1));
    known
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_suggest_the_nearest_name() {
        let names: Vec<Rc<str>> = ["print", "range", "len"].map(Rc::from).to_vec();
        assert_eq!(nearest("prnt", names.iter()).map(|n| &**n), Some("print"));
        assert_eq!(nearest("rnge", names.iter()).map(|n| &**n), Some("range"));
        assert_eq!(nearest("zzzzz", names.iter()), None);
        assert_eq!(nearest("x", names.iter()), None);
    }
}
