//! Records (`struct Point { x, y = 0 }`): record types, record values (fields in a slot
//! vector, in declaration order), the wording of their errors, and the per-site cache that
//! turns `p.x` into a slot index without a lookup by name on every read.
//!
//! A `struct` declaration compiles to an ordinary function whose parameters are the fields
//! (so defaults, named arguments and crossing processes work as for any function) and whose
//! body is one `MakeRecord` node; [`constructor_type`] recognizes such a function, so that
//! argument errors can name the type's fields.

use std::cell::{Cell, RefCell};
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
    /// The record types rebuilt from records received from other processes, one per name and
    /// field list: the records of a received batch share a type, so field-access caches keep
    /// hitting (they recognize a type by its address) and the names are stored once.
    static RECEIVED_TYPES: RefCell<Vec<Rc<RecordType>>> = RefCell::default();
}

/// The type of a record received from another process (its name and fields as sent), shared
/// with every earlier record received with the same name and fields.
pub fn received_type(name: &str, fields: &[String]) -> Rc<RecordType> {
    RECEIVED_TYPES.with_borrow_mut(|types| {
        let known = types.iter().find(|ty| {
            *ty.name == *name
                && ty.fields.len() == fields.len()
                && ty.fields.iter().zip(fields).all(|(a, b)| **a == **b)
        });
        if let Some(ty) = known {
            return ty.clone();
        }
        let ty = Rc::new(RecordType {
            name: name.into(),
            fields: fields.iter().map(|f| Rc::from(f.as_str())).collect(),
        });
        types.push(ty.clone());
        ty
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
