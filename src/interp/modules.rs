//! Modules in the interpreter: `import "lib/util.mps" as util` finds the file (relative to
//! the importing file's directory, or to the current directory for a source that is no
//! file, as the REPL's lines), compiles it once per canonical path, reports an import cycle
//! by the files in it, and runs the module's top-level code once per run. A process started
//! with the spawn method gets its parent's sources, modules included, in id order
//! ([`Interp::adopt_sources`]); an import there takes the module's text from them, never
//! from the disk, so the child's sources, ids and global slots are its parent's.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::check::GlobalUses;
use super::compile::{self, ModuleContext, ModuleScope};
use super::eval::Slot;
use super::ir::FnProto;
use super::{Interp, RtResult};
use crate::error::{Error, ErrorKind};
use crate::syntax::{self, SourceId, Span};

/// The interpreter's modules.
#[derive(Default)]
pub(crate) struct Modules {
    /// The modules loaded, by canonical path.
    by_path: HashMap<PathBuf, Rc<ModuleScope>>,
    /// The files being compiled, outermost first (canonical path, name shown): importing one
    /// of them again is a cycle.
    loading: Vec<(PathBuf, Rc<str>)>,
    /// The sources whose top-level code has run.
    ran: HashSet<u32>,
    /// The modules the script's own sources imported, by the names they bound: a REPL line
    /// (or an embedder's `eval`) sees the modules the lines before it imported.
    script_imports: HashMap<Rc<str>, Rc<ModuleScope>>,
    /// Sources another process sent, by source id, not loaded yet.
    shipped: HashMap<u32, (String, String)>,
}

/// A compiled source: its top-level code, the global names it declares and uses, and, for a
/// module, its scope.
pub(crate) type CompiledUnit = (Rc<FnProto>, GlobalUses, Option<Rc<ModuleScope>>);

impl Interp {
    /// Parses and resolves source `id`, loading the modules it imports first. With a
    /// `prefix`, the source is a module: its top-level names become globals named with it.
    pub(crate) fn compile_unit(
        &mut self,
        id: SourceId,
        prefix: Option<Rc<str>>,
    ) -> Result<CompiledUnit, Error> {
        let index = id.0 as usize;
        if self.protos.len() <= index {
            self.protos.resize(index + 1, Vec::new());
        }
        let source = self.sources.get(id).expect("source was added").clone();
        let program = syntax::parse(id, source.text())
            .map_err(|e| Error::at(ErrorKind::Syntax, e.message, e.span, &self.sources))?;
        let script_file = match prefix {
            None => std::fs::canonicalize(&**source.name())
                .ok()
                .filter(|path| path.is_file()),
            Some(_) => None,
        };
        if let Some(path) = &script_file {
            self.modules
                .loading
                .push((path.clone(), Rc::from(&**source.name())));
        }
        let imports = self.load_imports(id, &program).map(|mut imports| {
            if prefix.is_none() {
                for (name, module) in &self.modules.script_imports {
                    imports
                        .entry(name.clone())
                        .or_insert_with(|| module.clone());
                }
            }
            imports
        });
        if script_file.is_some() {
            self.modules.loading.pop();
        }
        let own = prefix.map(|prefix| {
            Rc::new(ModuleScope {
                source: id,
                file: Rc::from(&**source.name()),
                prefix,
                names: compile::top_level_names(&program),
            })
        });
        let context = ModuleContext {
            imports: imports?,
            own: own.clone(),
        };
        let compiled = compile::compile_with_uses(&program, &mut self.names, &context);
        if self.globals.len() < self.names.len() {
            self.globals.resize(self.names.len(), Slot::Uninit);
        }
        let (protos, uses) =
            compiled.map_err(|e| Error::at(ErrorKind::Syntax, e.message, e.span, &self.sources))?;
        if own.is_none() {
            self.modules.script_imports = context.imports;
        }
        let main = protos[0].clone();
        self.protos[index] = protos;
        Ok((main, uses, own))
    }

    /// Loads the modules a program's top-level `import`s name, by the names they bind.
    fn load_imports(
        &mut self,
        importer: SourceId,
        program: &syntax::ast::Program,
    ) -> Result<HashMap<Rc<str>, Rc<ModuleScope>>, Error> {
        let mut imports = HashMap::new();
        for stmt in &program.stmts {
            if let syntax::ast::StmtKind::Import { path, alias } = &stmt.kind {
                if self.names.is_disabled("import") {
                    return Err(self.static_error("`import` is not allowed here", stmt.span));
                }
                let module = self.load_module(importer, path, stmt.span)?;
                imports.insert(alias.name.clone(), module);
            }
        }
        Ok(imports)
    }

    /// The module at `path`, relative to the importing source's directory: loaded (and
    /// compiled) the first time, the same module afterwards.
    fn load_module(
        &mut self,
        importer: SourceId,
        path: &str,
        span: Span,
    ) -> Result<Rc<ModuleScope>, Error> {
        let importer_name = self.sources.get(importer).expect("source").name().clone();
        let importer_path = Path::new(&*importer_name);
        let file = match importer_path.parent() {
            Some(dir) if importer_path.is_file() => dir.join(path),
            _ => PathBuf::from(path),
        };
        let shown: Rc<str> = Rc::from(file.to_string_lossy().as_ref());
        let next = self.sources.len() as u32;
        let shipped = self
            .modules
            .shipped
            .get(&next)
            .filter(|(name, _)| **name == *shown)
            .map(|(_, text)| text.clone());
        let canonical = match (std::fs::canonicalize(&file), &shipped) {
            (Ok(canonical), _) => canonical,
            (Err(_), Some(_)) => file.clone(),
            (Err(e), None) => {
                return Err(self.static_error(format!("cannot import {shown}: {e}"), span));
            }
        };
        if let Some(at) = self
            .modules
            .loading
            .iter()
            .position(|(p, _)| *p == canonical)
        {
            let mut files: Vec<&str> = self.modules.loading[at..]
                .iter()
                .map(|(_, name)| &**name)
                .collect();
            files.push(&shown);
            let message = format!("import cycle: {}", files.join(" -> "));
            return Err(self.static_error(message, span));
        }
        if let Some(module) = self.modules.by_path.get(&canonical) {
            return Ok(module.clone());
        }
        let text = match shipped {
            Some(text) => text,
            None => std::fs::read_to_string(&file)
                .map_err(|e| self.static_error(format!("cannot import {shown}: {e}"), span))?,
        };
        self.modules.shipped.remove(&next);
        let id = self.sources.add(&*shown, text);
        self.modules
            .loading
            .push((canonical.clone(), shown.clone()));
        let compiled = self.compile_unit(id, Some(Rc::from(format!("{shown}::"))));
        self.modules.loading.pop();
        let module = compiled?.2.expect("a module has its scope");
        self.modules.by_path.insert(canonical, module.clone());
        Ok(module)
    }

    fn static_error(&self, message: impl Into<String>, span: Span) -> Error {
        Error::at(ErrorKind::Syntax, message, span, &self.sources)
    }

    /// `import`: runs the module's top-level code, the first time only.
    pub(crate) fn run_module(&mut self, source: u32) -> RtResult<()> {
        if !self.modules.ran.insert(source) {
            return Ok(());
        }
        let main = self.protos[source as usize][0].clone();
        self.run_main(&main).map(|_| ())
    }

    /// Loads and compiles the sources another process sent, in its id order. A source that
    /// failed to compile there fails here too; compiling it still keeps source ids and global
    /// slots in step. A module is loaded where its importer imports it, from the sent text.
    pub(crate) fn adopt_sources(&mut self, sources: &[(String, String)]) {
        let from = self.sources.len() as u32;
        for (i, source) in sources.iter().enumerate() {
            self.modules.shipped.insert(from + i as u32, source.clone());
        }
        for (i, (name, text)) in sources.iter().enumerate() {
            let id = from + i as u32;
            if self.sources.len() as u32 > id {
                continue; // loaded already, as a module of an earlier source
            }
            self.modules.shipped.remove(&id);
            let id = self.sources.add(name.as_str(), text.as_str());
            let _ = self.compile_source(id);
        }
        self.modules.shipped.clear();
    }
}
