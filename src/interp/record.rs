//! Records (`struct Point { x, y = 0 }`): record types, record values (fields in a slot
//! vector, in declaration order), the wording of their errors, and the per-site cache that
//! turns `p.x` into a slot index without a lookup by name on every read.
//!
//! A `struct` declaration compiles to an ordinary function whose parameters are the fields
//! (so defaults, named arguments and crossing processes work as for any function) and whose
//! body is one `MakeRecord` node; [`constructor_type`] recognizes such a function, so that
//! argument errors can name the type's fields.

use std::cell::{Cell, Ref, RefCell, RefMut};
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
    /// The slot of field `name` in a record of this type (see [`Slots`]).
    pub fn slot_of(&self, name: &str) -> Option<usize> {
        let i = self.fields.iter().position(|f| **f == *name)?;
        Some(self.first_slot() + i)
    }

    /// The slot of the first field: small records keep their fields inline.
    fn first_slot(&self) -> usize {
        if self.fields.len() <= INLINE_FIELDS {
            0
        } else {
            INLINE_FIELDS
        }
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

/// A record value: shared by reference, like lists and maps. The fields of a small record
/// are stored inline, so that such a record is one allocation (a binary tree's node is one
/// allocation of 80 bytes rather than two).
pub struct Record {
    pub ty: Rc<RecordType>,
    slots: RefCell<Slots>,
}

/// How many fields a record holds inline; a record with more keeps all of them in a slice of
/// their own.
pub const INLINE_FIELDS: usize = 2;

/// The fields of a record: in `inline` for a type of up to [`INLINE_FIELDS`] fields (the
/// slots past the type's fields are nil), in `spill` for a bigger one.
///
/// A field's slot (what [`RecordType::slot_of`] gives, and the field caches keep) indexes
/// the two one after the other: field `i` of a small type is slot `i`, of a big type slot
/// `INLINE_FIELDS + i`. A read is then one comparison with a constant, whichever the type.
pub struct Slots {
    inline: [Value; INLINE_FIELDS],
    spill: Box<[Value]>,
}

impl Slots {
    /// The fields, one for each of the type's `len` fields.
    #[inline]
    fn fields(&self, len: usize) -> &[Value] {
        if len <= INLINE_FIELDS {
            &self.inline[..len]
        } else {
            &self.spill
        }
    }
}

impl std::ops::Index<usize> for Slots {
    type Output = Value;
    #[inline(always)]
    fn index(&self, slot: usize) -> &Value {
        if slot < INLINE_FIELDS {
            &self.inline[slot]
        } else {
            &self.spill[slot - INLINE_FIELDS]
        }
    }
}

impl std::ops::IndexMut<usize> for Slots {
    #[inline(always)]
    fn index_mut(&mut self, slot: usize) -> &mut Value {
        if slot < INLINE_FIELDS {
            &mut self.inline[slot]
        } else {
            &mut self.spill[slot - INLINE_FIELDS]
        }
    }
}

impl Record {
    /// A record of type `ty` with these fields (one for each of the type's fields).
    pub fn new_value(ty: Rc<RecordType>, fields: Vec<Value>) -> Value {
        let slots = if fields.len() <= INLINE_FIELDS {
            let mut inline: [Value; INLINE_FIELDS] = Default::default();
            for (slot, v) in inline.iter_mut().zip(fields) {
                *slot = v;
            }
            Slots {
                inline,
                spill: Box::default(),
            }
        } else {
            Slots {
                inline: Default::default(),
                spill: fields.into_boxed_slice(),
            }
        };
        Value::Record(Rc::new(Record {
            ty,
            slots: RefCell::new(slots),
        }))
    }

    /// A record of type `ty` whose fields are `field(0)`, `field(1)`...; the first error
    /// stops it.
    #[inline(always)]
    pub fn build<E>(
        ty: &Rc<RecordType>,
        mut field: impl FnMut(usize) -> Result<Value, E>,
    ) -> Result<Value, E> {
        let len = ty.fields.len();
        let mut inline: [Value; INLINE_FIELDS] = Default::default();
        let spill = if len <= INLINE_FIELDS {
            for (i, slot) in inline.iter_mut().enumerate().take(len) {
                *slot = field(i)?;
            }
            Box::default()
        } else {
            let mut values = Vec::with_capacity(len);
            for i in 0..len {
                values.push(field(i)?);
            }
            values.into_boxed_slice()
        };
        Ok(Value::Record(Rc::new(Record {
            ty: ty.clone(),
            slots: RefCell::new(Slots { inline, spill }),
        })))
    }

    /// The slots, for reading a field by its slot (from [`RecordType::slot_of`] or a field
    /// cache).
    #[inline(always)]
    pub fn slots(&self) -> Ref<'_, Slots> {
        self.slots.borrow()
    }

    #[inline(always)]
    pub fn slots_mut(&self) -> RefMut<'_, Slots> {
        self.slots.borrow_mut()
    }

    /// The fields, one for each of the type's fields.
    pub fn fields(&self) -> Ref<'_, [Value]> {
        let len = self.ty.fields.len();
        Ref::map(self.slots.borrow(), |s| s.fields(len))
    }

    /// The fields, or an error while they are being written.
    pub fn try_fields(&self) -> Result<Ref<'_, [Value]>, std::cell::BorrowError> {
        let len = self.ty.fields.len();
        Ok(Ref::map(self.slots.try_borrow()?, |s| s.fields(len)))
    }

    /// Moves every field out (leaving nil) to `into`, for dropping nested records without
    /// recursion; nothing if they are borrowed.
    pub(crate) fn take_fields(&self, into: &mut Vec<Value>) {
        if let Ok(mut slots) = self.slots.try_borrow_mut() {
            into.extend(slots.inline.iter_mut().map(std::mem::take));
            into.extend(std::mem::take(&mut slots.spill).into_vec());
        }
    }
}

// Records nest like lists (`n.next = Node(...)` a million times): dropping one must not
// recurse once per level. It recurses up to `DROP_RECURSION` levels (a tree's nodes are freed
// as they are met, with no list of pending values); deeper, the rest is dropped flat.
impl Drop for Record {
    fn drop(&mut self) {
        let slots = self.slots.get_mut();
        let owns_nested = super::value::owns_nested;
        if !slots.inline.iter().any(owns_nested) && !slots.spill.iter().any(owns_nested) {
            return;
        }
        let depth = DROP_DEPTH.get();
        if depth < DROP_RECURSION {
            DROP_DEPTH.set(depth + 1);
            for v in slots.inline.iter_mut() {
                std::mem::take(v).release();
            }
            drop(std::mem::take(&mut slots.spill));
            DROP_DEPTH.set(depth);
            return;
        }
        let mut pending = std::mem::take(&mut slots.spill).into_vec();
        pending.extend(slots.inline.iter_mut().map(std::mem::take));
        super::value::drop_flat(pending);
    }
}

/// How many records deep a drop recurses before it goes on flat.
const DROP_RECURSION: u32 = 64;

thread_local! {
    /// How many records deep the drop running now is.
    static DROP_DEPTH: Cell<u32> = const { Cell::new(0) };
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

    /// The slot, if the site's last record type was `ty`.
    #[inline(always)]
    pub fn hit(&self, ty: &Rc<RecordType>) -> Option<usize> {
        (self.ty.get() == Rc::as_ptr(ty) as usize).then(|| self.slot.get() as usize)
    }

    #[inline(never)]
    fn miss(&self, ty: &Rc<RecordType>, name: &str) -> Option<usize> {
        let cached = self.slot.get() as usize;
        let same_field = cached
            .checked_sub(ty.first_slot())
            .and_then(|i| ty.fields.get(i))
            .is_some_and(|f| **f == *name);
        let slot = if same_field {
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
