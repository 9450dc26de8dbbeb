//! The wire format: how values cross a process boundary.
//!
//! Values are copied. A function travels as the identity of its code (source id and index;
//! the receiver has or is sent the sources) plus the cells of the variables it captured; cells
//! are numbered so that sharing and self-reference (a recursive local function) survive.
//! Process, pool and result handles cannot cross.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::interp::Interp;
use crate::interp::builtins::Builtin;
use crate::interp::ir::FnProto;
use crate::interp::record::{Record, received_type};
use crate::interp::value::{Captures, Closure, Function, Group, MAX_VALUE_DEPTH, Value};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Wire {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Wire>),
    /// A list of plain ints, packed (the common payload of `map`).
    Ints(Vec<i64>),
    Map(Vec<(Wire, Wire)>),
    Closure {
        source: u32,
        index: u32,
        captures: Vec<u32>,
        group: Option<u32>,
    },
    Builtin(String),
    /// A namespace (`fs`): every process has them, so its name is enough.
    Namespace(String),
    Native(String),
    Handle(super::ipc::WireHandle),
    /// A pool or result handle read from a global by another process: a stand-in that says,
    /// when used, that only the process that created the pool can use it.
    Foreign(super::pool::ForeignHandle),
    /// A process handle: the receiver may signal the process and read what the sender knew of
    /// its end, but, as in Python, only the process that started it may join it.
    Process(super::process::ProcessWire),
    /// What `run` returned: plain data, the same in every process.
    Completed(super::command::Completed),
    /// A record, with its type's name and fields: the receiver needs no declaration of it
    /// (a worker started before the `struct` ran still gets a working record).
    Record {
        name: String,
        fields: Vec<String>,
        values: Vec<Wire>,
    },
}

/// Values plus the captured cells and function groups they refer to.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct Packet {
    pub cells: Vec<Wire>,
    pub groups: Vec<WireGroup>,
    pub values: Vec<Wire>,
}

/// A group of local functions: the size, then each declared member's code and cells.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct WireGroup {
    pub size: u32,
    pub members: Vec<WireMember>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct WireMember {
    pub member: u32,
    pub source: u32,
    pub index: u32,
    pub captures: Vec<u32>,
}

/// Turns values into a [`Packet`].
#[derive(Default)]
pub struct Encoder {
    cells: Vec<Wire>,
    cell_ids: HashMap<*const RefCell<Value>, u32>,
    groups: Vec<WireGroup>,
    group_ids: HashMap<*const Group, u32>,
    values: Vec<Wire>,
    /// For a worker on another machine: handles of this machine's objects cannot go.
    remote: bool,
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder::default()
    }

    /// An encoder for values going to another machine: local IPC and process handles are
    /// refused (they name shared memory and processes that exist only here).
    #[cfg(unix)]
    pub fn for_remote() -> Encoder {
        Encoder {
            remote: true,
            ..Encoder::default()
        }
    }

    /// Adds a value; returns its index in the packet, or why it cannot be sent.
    pub fn push(&mut self, value: &Value) -> Result<usize, String> {
        let wire = self.encode(value, 0)?;
        self.values.push(wire);
        Ok(self.values.len() - 1)
    }

    /// Adds a list given as a slice (no list value needs to be built to send part of one).
    #[cfg(unix)]
    pub fn push_list(&mut self, items: &[Value]) -> Result<usize, String> {
        let wire = self.encode_list(items, 0)?;
        self.values.push(wire);
        Ok(self.values.len() - 1)
    }

    fn encode_list(&mut self, items: &[Value], depth: usize) -> Result<Wire, String> {
        let ints: Option<Vec<i64>> = items
            .iter()
            .map(|v| match v {
                Value::Int(i) => Some(*i),
                _ => None,
            })
            .collect();
        if let Some(ints) = ints {
            return Ok(Wire::Ints(ints));
        }
        Ok(Wire::List(
            items
                .iter()
                .map(|v| self.encode(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ))
    }

    pub fn finish(self) -> Packet {
        Packet {
            cells: self.cells,
            groups: self.groups,
            values: self.values,
        }
    }

    fn encode(&mut self, value: &Value, depth: usize) -> Result<Wire, String> {
        if depth > MAX_VALUE_DEPTH {
            return Err("the value is nested too deeply (or contains itself) to be sent".into());
        }
        Ok(match value {
            Value::Nil => Wire::Nil,
            Value::Bool(b) => Wire::Bool(*b),
            Value::Int(i) => Wire::Int(*i),
            Value::Float(f) => Wire::Float(*f),
            Value::Str(s) => Wire::Str(s.to_string()),
            Value::List(items) => self.encode_list(&items.borrow(), depth)?,
            Value::Map(entries) => Wire::Map(
                entries
                    .borrow()
                    .iter()
                    .map(|(k, v)| {
                        Ok((
                            self.encode(&k.to_value(), depth + 1)?,
                            self.encode(v, depth + 1)?,
                        ))
                    })
                    .collect::<Result<_, String>>()?,
            ),
            Value::Function(Function::Closure(c)) => {
                let captures = c
                    .captures
                    .iter()
                    .map(|cell| self.cell(cell, depth))
                    .collect::<Result<_, _>>()?;
                let group = c.group.as_ref().map(|g| self.group(g, depth)).transpose()?;
                Wire::Closure {
                    source: c.proto.source.0,
                    index: c.proto.index,
                    captures,
                    group,
                }
            }
            Value::Record(record) => Wire::Record {
                name: record.ty.name.to_string(),
                fields: record.ty.fields.iter().map(|f| f.to_string()).collect(),
                values: record
                    .fields()
                    .iter()
                    .map(|v| self.encode(v, depth + 1))
                    .collect::<Result<_, _>>()?,
            },
            Value::Function(Function::Builtin(b)) => Wire::Builtin(b.name().to_string()),
            Value::Function(Function::Native(n)) => Wire::Native(n.name.to_string()),
            Value::Handle(h) if crate::interp::stdlib::as_namespace(h).is_some() => {
                Wire::Namespace(h.describe())
            }
            Value::Handle(h) if self.remote && super::command::as_completed(&***h).is_none() => {
                return Err(format!(
                    "{} cannot be sent to a worker on another machine (it exists only on this \
                     one)",
                    crate::interp::value::a(h.type_name())
                ));
            }
            Value::Handle(h) => match super::ipc::to_wire(&***h) {
                Some(w) => Wire::Handle(w),
                None => {
                    if let Some(p) = super::process::to_wire(&***h) {
                        return Ok(Wire::Process(p));
                    }
                    if let Some(c) = super::command::as_completed(&***h) {
                        return Ok(Wire::Completed(c.clone()));
                    }
                    return Err(format!(
                        "{} cannot be sent to another process",
                        crate::interp::value::a(h.type_name())
                    ));
                }
            },
        })
    }

    fn cell(&mut self, cell: &Rc<RefCell<Value>>, depth: usize) -> Result<u32, String> {
        let key = Rc::as_ptr(cell);
        if let Some(&id) = self.cell_ids.get(&key) {
            return Ok(id);
        }
        let id = self.cells.len() as u32;
        self.cell_ids.insert(key, id);
        self.cells.push(Wire::Nil);
        let content = self.encode(&cell.borrow(), depth + 1)?;
        self.cells[id as usize] = content;
        Ok(id)
    }

    fn group(&mut self, group: &Rc<Group>, depth: usize) -> Result<u32, String> {
        let key = Rc::as_ptr(group);
        if let Some(&id) = self.group_ids.get(&key) {
            return Ok(id);
        }
        let id = self.groups.len() as u32;
        self.group_ids.insert(key, id);
        self.groups.push(WireGroup::default());
        let mut members = Vec::new();
        for (member, proto, cells) in group.members() {
            let captures = cells
                .iter()
                .map(|cell| self.cell(cell, depth))
                .collect::<Result<_, _>>()?;
            members.push(WireMember {
                member,
                source: proto.source.0,
                index: proto.index,
                captures,
            });
        }
        self.groups[id as usize] = WireGroup {
            size: group.len() as u32,
            members,
        };
        Ok(id)
    }
}

/// Adds the values of the given global slots that another process needs: defined ones, other
/// than builtins (every process has those), that can cross (the rest stay behind). Returns the
/// slots added, in the order of their values.
pub fn push_globals(
    encoder: &mut Encoder,
    interp: &Interp,
    slots: impl IntoIterator<Item = u32>,
) -> Vec<u32> {
    let values = slots
        .into_iter()
        .filter_map(|slot| Some((slot, interp.global_value(slot)?)));
    push_global_values(encoder, values)
}

/// Like [`push_globals`], with the values given (as they were when a task was submitted).
pub fn push_global_values(
    encoder: &mut Encoder,
    values: impl IntoIterator<Item = (u32, Value)>,
) -> Vec<u32> {
    let mut added = Vec::new();
    for (slot, value) in values {
        if matches!(value, Value::Function(Function::Builtin(_))) {
            continue;
        }
        if let Some(stand_in) = super::pool::to_foreign(&value) {
            encoder.values.push(stand_in);
            added.push(slot);
            continue;
        }
        if encoder.push(&value).is_ok() {
            added.push(slot);
        }
    }
    added
}

/// Encodes one value on its own.
#[cfg(unix)]
pub fn encode_one(value: &Value) -> Result<Packet, String> {
    let mut encoder = Encoder::new();
    encoder.push(value)?;
    Ok(encoder.finish())
}

/// Turns a [`Packet`] back into values, in this process.
pub struct Decoder {
    cells: Vec<Rc<RefCell<Value>>>,
    groups: Vec<Rc<Group>>,
}

impl Decoder {
    /// Rebuilds the cells and groups; then [`Decoder::value`] decodes the packet's values.
    pub fn new(interp: &Interp, packet: &Packet) -> Result<Decoder, String> {
        let decoder = Decoder {
            cells: (0..packet.cells.len())
                .map(|_| Rc::new(RefCell::new(Value::Nil)))
                .collect(),
            groups: packet
                .groups
                .iter()
                // A group is the `fn`s of one block; a corrupt size must not allocate much.
                .map(|g| Rc::new(Group::new(g.size.min(u16::MAX.into()) as usize)))
                .collect(),
        };
        for (wire, group) in packet.groups.iter().zip(&decoder.groups) {
            for m in &wire.members {
                let proto = decoder.proto(interp, m.source, m.index)?;
                let captures = decoder.cells_of(&m.captures)?;
                group.set_parts(m.member, proto, captures);
            }
        }
        for (i, wire) in packet.cells.iter().enumerate() {
            let v = decoder.decode(interp, wire)?;
            *decoder.cells[i].borrow_mut() = v;
        }
        Ok(decoder)
    }

    pub fn value(&self, interp: &Interp, wire: &Wire) -> Result<Value, String> {
        self.decode(interp, wire)
    }

    fn proto(&self, interp: &Interp, source: u32, index: u32) -> Result<Rc<FnProto>, String> {
        interp
            .function_code(source, index)
            .ok_or_else(|| format!("function #{index} of source #{source} is not known here"))
    }

    fn cells_of(&self, ids: &[u32]) -> Result<Captures, String> {
        ids.iter()
            .map(|&id| {
                self.cells
                    .get(id as usize)
                    .cloned()
                    .ok_or_else(|| format!("captured cell #{id} is missing"))
            })
            .collect()
    }

    fn decode(&self, interp: &Interp, wire: &Wire) -> Result<Value, String> {
        Ok(match wire {
            Wire::Nil => Value::Nil,
            Wire::Bool(b) => Value::Bool(*b),
            Wire::Int(i) => Value::Int(*i),
            Wire::Float(f) => Value::Float(*f),
            Wire::Str(s) => Value::Str(std::rc::Rc::new(s.clone())),
            Wire::List(items) => Value::list(
                items
                    .iter()
                    .map(|w| self.decode(interp, w))
                    .collect::<Result<_, _>>()?,
            ),
            Wire::Ints(ints) => Value::list(ints.iter().map(|&i| Value::Int(i)).collect()),
            Wire::Map(entries) => {
                let mut map = crate::interp::value::MapEntries::with_capacity_and_hasher(
                    entries.len(),
                    Default::default(),
                );
                for (k, v) in entries {
                    let key = self.decode(interp, k)?.to_key()?;
                    map.insert(key, self.decode(interp, v)?);
                }
                Value::map(map)
            }
            Wire::Record {
                name,
                fields,
                values,
            } => {
                let ty = received_type(name, fields);
                let values = values
                    .iter()
                    .map(|v| self.decode(interp, v))
                    .collect::<Result<Vec<Value>, String>>()?;
                if values.len() != ty.fields.len() {
                    return Err(format!(
                        "a {name} record arrived with the wrong number of fields"
                    ));
                }
                Record::new_value(ty, values)
            }
            Wire::Closure {
                source,
                index,
                captures,
                group,
            } => {
                let proto = self.proto(interp, *source, *index)?;
                let captures = self.cells_of(captures)?;
                let group = group
                    .map(|id| {
                        self.groups
                            .get(id as usize)
                            .cloned()
                            .ok_or_else(|| format!("function group #{id} is missing"))
                    })
                    .transpose()?;
                Value::Function(Function::Closure(Rc::new(Closure {
                    proto,
                    captures,
                    group,
                })))
            }
            Wire::Builtin(name) => Builtin::ALL
                .iter()
                .find(|b| b.name() == name)
                .map(|b| Value::Function(Function::Builtin(*b)))
                .ok_or_else(|| format!("unknown builtin `{name}`"))?,
            Wire::Namespace(described) => crate::interp::stdlib::Namespace::ALL
                .into_iter()
                .find(|ns| ns.value().to_string() == *described)
                .map(|ns| ns.value())
                .ok_or_else(|| format!("unknown namespace {described}"))?,
            Wire::Native(name) => match interp.global(name) {
                Some(v @ Value::Function(Function::Native(_))) => v,
                _ => {
                    return Err(format!(
                        "the host function `{name}` is not registered in this process"
                    ));
                }
            },
            Wire::Handle(h) => super::ipc::from_wire(h)?,
            Wire::Foreign(h) => super::pool::from_foreign(h),
            Wire::Process(p) => super::process::from_wire(p),
            Wire::Completed(c) => super::command::from_wire(c.clone()),
        })
    }
}

/// Serializes anything serde can, compactly.
pub fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_stdvec(value).expect("wire values always serialize")
}

pub fn from_bytes<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("corrupt message: {e}"))
}
