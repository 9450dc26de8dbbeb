//! Comprehensions (`[f(x) for x in xs if c]`, `{k: v for k, v in items(m)}`) and binding
//! values to destructuring patterns (`for k, v in ...`, `let [a, b] = ...`).

use crate::interp::value::MapEntries;

use super::Frame;
use crate::interp::ir::{self, Binding, CompBody};
use crate::interp::sizes::Kind;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};

/// What a comprehension is building: the items go into a plain `Vec` or map owned here, and
/// become a script value only at the end, so no item pays for a `RefCell` borrow.
enum Building {
    List(Vec<Value>),
    Map(MapEntries),
}

impl Interp {
    /// Binds `value` to a pattern: a name directly, a list unpacked item by item.
    #[inline]
    pub(super) fn bind_to(&mut self, f: &Frame, binding: &Binding, value: Value) -> RtResult<()> {
        match binding {
            Binding::Name(place) => {
                self.bind(f, *place, value);
                Ok(())
            }
            Binding::Unpack(items, span) => self.unpack(f, items, value, *span),
        }
    }

    #[inline(never)]
    fn unpack(
        &mut self,
        f: &Frame,
        targets: &[Binding],
        value: Value,
        span: crate::syntax::Span,
    ) -> RtResult<()> {
        let Value::List(list) = &value else {
            return Err(RtError::new(
                format!(
                    "cannot unpack {} into {} names: only a list can be unpacked",
                    crate::interp::value::a(value.type_name()),
                    targets.len()
                ),
                span,
            ));
        };
        // Binding only writes slots and cells (never this list's `RefCell`) and runs no script
        // code, so the shared borrow may stay open; no copy of the items is made.
        let items = list.borrow();
        if items.len() != targets.len() {
            let values = if items.len() == 1 { "value" } else { "values" };
            let names = if targets.len() == 1 { "name" } else { "names" };
            return Err(RtError::new(
                format!(
                    "cannot unpack {} {values} into {} {names}",
                    items.len(),
                    targets.len()
                ),
                span,
            ));
        }
        for (target, item) in targets.iter().zip(items.iter()) {
            self.bind_to(f, target, item.clone())?;
        }
        Ok(())
    }

    pub(super) fn eval_comprehension(
        &mut self,
        f: &Frame,
        comp: &ir::Comprehension,
        span: crate::syntax::Span,
    ) -> RtResult<Value> {
        let mut out = match comp.body {
            CompBody::List(_) => Building::List(Vec::new()),
            CompBody::Map(..) => Building::Map(MapEntries::default()),
        };
        self.comprehension_clause(f, comp, 0, &mut out, span)?;
        Ok(match out {
            Building::List(items) => Value::list(items),
            Building::Map(entries) => Value::map(entries),
        })
    }

    /// Runs clause `depth` (and the ones inside it, by recursion as deep as the clauses
    /// written); past the last clause, adds one item.
    fn comprehension_clause(
        &mut self,
        f: &Frame,
        comp: &ir::Comprehension,
        depth: usize,
        out: &mut Building,
        span: crate::syntax::Span,
    ) -> RtResult<()> {
        let Some(clause) = comp.clauses.get(depth) else {
            return self.comprehension_item(f, &comp.body, out, span);
        };
        if let Some((start, stop, step)) = self.range_of(f, &clause.iterable)? {
            let mut i = start;
            while (step > 0 && i < stop) || (step < 0 && i > stop) {
                self.comprehension_step(f, comp, depth, Value::Int(i), out, span)?;
                let Some(next) = i.checked_add(step) else {
                    break;
                };
                i = next;
            }
            return Ok(());
        }
        let seq = self.eval(f, &clause.iterable)?;
        let list = self.iteration_items(seq, clause.iterable.span)?;
        let mut index = 0;
        // Read afresh at each step, as a `for` loop does: the element may change the list.
        loop {
            let next = list.borrow().get(index).cloned();
            let Some(item) = next else { break };
            index += 1;
            self.comprehension_step(f, comp, depth, item, out, span)?;
        }
        Ok(())
    }

    /// One value of clause `depth`: bind it, apply the clause's filters, go one level in.
    fn comprehension_step(
        &mut self,
        f: &Frame,
        comp: &ir::Comprehension,
        depth: usize,
        item: Value,
        out: &mut Building,
        span: crate::syntax::Span,
    ) -> RtResult<()> {
        let clause = &comp.clauses[depth];
        self.tick(clause.span)?;
        self.bind_to(f, &clause.target, item)?;
        for cond in clause.conds.iter() {
            if !self.eval_cond(f, cond)? {
                return Ok(());
            }
        }
        self.comprehension_clause(f, comp, depth + 1, out, span)
    }

    fn comprehension_item(
        &mut self,
        f: &Frame,
        body: &CompBody,
        out: &mut Building,
        span: crate::syntax::Span,
    ) -> RtResult<()> {
        match (body, out) {
            (CompBody::List(element), Building::List(items)) => {
                let value = self.eval(f, element)?;
                self.check_size(Kind::List, items.len() + 1, span)?;
                crate::interp::sizes::reserve_list(items, 1, span)?;
                items.push(value);
            }
            (CompBody::Map(key, value), Building::Map(entries)) => {
                let k = self.eval(f, key)?;
                let k = k.to_key().map_err(|m| RtError::new(m, key.span))?;
                let v = self.eval(f, value)?;
                if !entries.contains_key(&k) {
                    self.check_size(Kind::Map, entries.len() + 1, span)?;
                }
                entries.insert(k, v);
            }
            _ => return Err(RtError::new("internal error: comprehension kind", span)),
        }
        Ok(())
    }
}
