//! Records (`struct Point { x, y = 0 }`): record types, record values (fields in a slot
//! vector, in declaration order), the wording of their errors, and the per-site cache that
//! turns `p.x` into a slot index without a lookup by name on every read.
//!
//! A `struct` declaration compiles to an ordinary function whose parameters are the fields
//! (so defaults, named arguments and crossing processes work as for any function) and whose
//! body is one `MakeRecord` node; [`constructor_type`] recognizes such a function, so that
//! argument errors can name the type's fields.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::{Rc, Weak};

use super::ir::{ExprKind, FnProto, StmtKind};
use super::value::Value;

/// A record type: its name and field names. Two types are the same when both agree, so a type
/// rebuilt from a record received from another process is the sender's type.
#[derive(Debug)]
pub struct RecordType {
    pub name: Rc<str>,
    pub fields: Box<[Rc<str>]>,
}

impl RecordType {
    /// The slot of field `name`.
    pub fn slot_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| **f == *name)
    }

    pub fn same(&self, other: &RecordType) -> bool {
        std::ptr::eq(self, other) || (self.name == other.name && self.fields == other.fields)
    }

    /// `x, y`: what the errors list.
    pub fn field_list(&self) -> String {
        self.fields.join(", ")
    }

    /// The error for reading or writing (or naming in a call) a field the type lacks.
    pub fn no_field(&self, name: &str) -> String {
        format!(
            "{} has no field `{name}` (fields: {})",
            self.name,
            self.field_list()
        )
    }
}

/// A record value: shared by reference, like lists and maps.
pub struct Record {
    pub ty: Rc<RecordType>,
    pub fields: RefCell<Box<[Value]>>,
}

impl Record {
    pub fn new_value(ty: Rc<RecordType>, fields: Box<[Value]>) -> Value {
        Value::Record(Rc::new(Record {
            ty,
            fields: RefCell::new(fields),
        }))
    }
}

// Records nest like lists (`n.next = Node(...)` a million times): dropping one must not
// recurse once per level.
impl Drop for Record {
    fn drop(&mut self) {
        let fields = std::mem::take(self.fields.get_mut());
        if !fields.is_empty() {
            super::value::drop_flat(fields.into_vec());
        }
    }
}

thread_local! {
    /// Every field name that record types and field-access sites use, once.
    static FIELD_NAMES: RefCell<HashSet<Rc<str>>> = RefCell::default();
}

/// The one shared copy of the field name `name`: record types (declared, or rebuilt from a
/// record another process sent) and field-access sites take their names from here, so a name
/// is stored once however many types and sites use it, and a cache miss that finds the same
/// slot compares two equal names at the same address.
pub fn field_name(name: &str) -> Rc<str> {
    FIELD_NAMES.with_borrow_mut(|names| match names.get(name) {
        Some(shared) => shared.clone(),
        None => {
            let shared: Rc<str> = Rc::from(name);
            names.insert(shared.clone());
            shared
        }
    })
}

/// The slot a field-access site found last time, and the record type it was found in. The
/// type is recognized by its address, a comparison of two words (names are compared only when
/// another type comes); the cache holds a weak reference to it, so that address cannot be
/// reused by another type while it is cached.
#[derive(Debug, Default)]
pub struct FieldCache {
    ty: Cell<usize>,
    slot: Cell<u32>,
    holder: RefCell<Weak<RecordType>>,
}

impl FieldCache {
    #[inline(always)]
    pub fn slot(&self, ty: &Rc<RecordType>, name: &str) -> Option<usize> {
        if self.ty.get() == Rc::as_ptr(ty) as usize {
            return Some(self.slot.get() as usize);
        }
        self.miss(ty, name)
    }

    #[inline(never)]
    fn miss(&self, ty: &Rc<RecordType>, name: &str) -> Option<usize> {
        let cached = self.slot.get() as usize;
        let slot = if ty.fields.get(cached).is_some_and(|f| **f == *name) {
            cached
        } else {
            ty.slot_of(name)?
        };
        self.slot.set(slot as u32);
        *self.holder.borrow_mut() = Rc::downgrade(ty);
        self.ty.set(Rc::as_ptr(ty) as usize);
        Some(slot)
    }
}

/// The record type a function constructs, if it is a `struct`'s constructor (its body is
/// exactly one `return MakeRecord`).
pub fn constructor_type(proto: &FnProto) -> Option<&Rc<RecordType>> {
    match &*proto.body {
        [stmt] => match &stmt.kind {
            StmtKind::Return(Some(e)) => match &e.kind {
                ExprKind::MakeRecord(ty) => Some(ty),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}
