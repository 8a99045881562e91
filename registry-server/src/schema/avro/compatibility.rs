//! Reader/writer compatibility with the verdicts of Avro Java's `SchemaCompatibility`
//! (the checker Confluent calls): every incompatibility is collected with its JSON-pointer
//! location; results are memoized per (reader node, writer node) pair, and a pair met again
//! while still being checked counts as compatible, so recursive types terminate.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use super::canonical;
use super::model::{Graph, Kind, Node, NodeId};
use crate::schema::limits::{CheckAborted, SchemaLimits, WorkBudget};

/// Avro Java's `SchemaIncompatibilityType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IncompatibilityType {
    NameMismatch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    ReaderFieldMissingDefaultValue,
    TypeMismatch,
    MissingUnionBranch,
}

impl IncompatibilityType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IncompatibilityType::NameMismatch => "NAME_MISMATCH",
            IncompatibilityType::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            IncompatibilityType::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            IncompatibilityType::ReaderFieldMissingDefaultValue => {
                "READER_FIELD_MISSING_DEFAULT_VALUE"
            }
            IncompatibilityType::TypeMismatch => "TYPE_MISMATCH",
            IncompatibilityType::MissingUnionBranch => "MISSING_UNION_BRANCH",
        }
    }
}

/// One incompatibility as Avro Java reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) kind: IncompatibilityType,
    /// JSON pointer, `/` for the root.
    pub(crate) location: String,
    /// Avro's own message (`reader type: INT not compatible with writer type: STRING`, ...).
    pub(crate) message: String,
}

/// Why the check could not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Aborted {
    /// Avro Java throws; Confluent reports the exception as an incompatibility.
    Exception(String),
    /// A limit of ours ran out (nesting, steps, time).
    Limit(CheckAborted),
}

type Outcome = Result<Rc<Vec<Found>>, Aborted>;

/// One reference token of a location (mostly static names, so no allocation).
type Token = Cow<'static, str>;

/// The location stack, root first.
type Location = Vec<Token>;

enum Memo {
    InProgress,
    Done(Rc<Vec<Found>>),
}

/// Every incompatibility met when `reader_root` of `reader` reads data written with `writer_root` of `writer`, within `limits` (one step per pair of nodes visited).
pub(crate) fn check(
    reader: &Graph,
    reader_root: NodeId,
    writer: &Graph,
    writer_root: NodeId,
    limits: &SchemaLimits,
) -> Result<Vec<Found>, Aborted> {
    let mut checker = Checker {
        reader,
        writer,
        memo: HashMap::new(),
        depth: 0,
        max_depth: limits.max_depth,
        budget: WorkBudget::new(limits),
    };
    let found = checker.fresh(reader_root, writer_root)?;
    Ok(found.as_ref().clone())
}

struct Checker<'a> {
    reader: &'a Graph,
    writer: &'a Graph,
    memo: HashMap<(NodeId, NodeId), Memo>,
    /// Nesting of `get` calls in progress.
    depth: usize,
    max_depth: usize,
    budget: WorkBudget,
}

impl Checker<'_> {
    /// A check started with its own location stack (Avro's two-argument `getCompatibility`).
    fn fresh(&mut self, r: NodeId, w: NodeId) -> Outcome {
        let mut location = Vec::new();
        self.get(Token::Borrowed(""), r, w, &mut location)
    }

    /// Charges `steps` of linear work (fields, symbols) beyond the pairs visited.
    fn charge(&mut self, steps: usize) -> Result<(), Aborted> {
        let steps = u64::try_from(steps).unwrap_or(u64::MAX);
        self.budget.charge(steps).map_err(Aborted::Limit)
    }

    fn get(&mut self, token: Token, r: NodeId, w: NodeId, location: &mut Location) -> Outcome {
        if self.depth >= self.max_depth {
            // Parsing bounds nesting; this guards the stack against pairs that nest deeper.
            return Err(Aborted::Limit(CheckAborted::Depth(self.max_depth)));
        }
        self.budget.charge(1).map_err(Aborted::Limit)?;
        location.push(token);
        self.depth += 1;
        let result = match self.memo.get(&(r, w)) {
            Some(Memo::InProgress) => Ok(Rc::new(Vec::new())),
            Some(Memo::Done(found)) => Ok(Rc::clone(found)),
            None => {
                self.memo.insert((r, w), Memo::InProgress);
                let found = Rc::new(self.calculate(r, w, location)?);
                self.memo.insert((r, w), Memo::Done(Rc::clone(&found)));
                Ok(found)
            }
        };
        self.depth -= 1;
        location.pop();
        result
    }

    fn calculate(
        &mut self,
        r: NodeId,
        w: NodeId,
        loc: &mut Location,
    ) -> Result<Vec<Found>, Aborted> {
        let (reader, writer) = (self.reader.node(r), self.writer.node(w));
        let (rk, wk) = (reader.kind(), writer.kind());
        let mut out = Vec::new();
        if rk == wk {
            match (reader, writer) {
                (Node::Array { items: ri, .. }, Node::Array { items: wi, .. }) => {
                    extend(
                        &mut out,
                        &self.get(Token::Borrowed("items"), *ri, *wi, loc)?,
                    );
                }
                (Node::Map { values: rv, .. }, Node::Map { values: wv, .. }) => {
                    extend(
                        &mut out,
                        &self.get(Token::Borrowed("values"), *rv, *wv, loc)?,
                    );
                }
                (Node::Fixed { size: rs, .. }, Node::Fixed { size: ws, .. }) => {
                    self.check_names(r, w, loc, &mut out);
                    if rs != ws {
                        loc.push(Token::Borrowed("size"));
                        out.push(found(
                            IncompatibilityType::FixedSizeMismatch,
                            loc,
                            format!("expected: {ws}, found: {rs}"),
                        ));
                        loc.pop();
                    }
                }
                (
                    Node::Enum {
                        symbols: rsyms,
                        default: rdef,
                        ..
                    },
                    Node::Enum { symbols: wsyms, .. },
                ) => {
                    self.check_names(r, w, loc, &mut out);
                    self.charge(rsyms.len() + wsyms.len())?;
                    let reader_symbols: HashSet<&String> = rsyms.iter().collect();
                    let missing: BTreeSet<&String> = wsyms
                        .iter()
                        .filter(|s| !reader_symbols.contains(s))
                        .collect();
                    let reader_default = rdef.as_ref().is_some_and(|d| reader_symbols.contains(d));
                    if !missing.is_empty() && !reader_default {
                        loc.push(Token::Borrowed("symbols"));
                        let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                        out.push(found(
                            IncompatibilityType::MissingEnumSymbols,
                            loc,
                            format!("[{}]", list.join(", ")),
                        ));
                        loc.pop();
                    }
                }
                (Node::Record { .. }, Node::Record { .. }) => {
                    self.check_names(r, w, loc, &mut out);
                    self.check_fields(r, w, loc, &mut out)?;
                }
                (Node::Union { .. }, Node::Union { branches }) => {
                    for (i, &branch) in branches.iter().enumerate() {
                        loc.push(Token::Owned(i.to_string()));
                        if !self.fresh(r, branch)?.is_empty() {
                            let kind = self.writer.node(branch).kind();
                            out.push(found(
                                IncompatibilityType::MissingUnionBranch,
                                loc,
                                format!("reader union lacking writer type: {}", kind.constant()),
                            ));
                        }
                        loc.pop();
                    }
                }
                _ => {}
            }
            return Ok(out);
        }
        if let Node::Union { branches } = writer {
            for (i, &branch) in branches.iter().enumerate() {
                extend(
                    &mut out,
                    &self.get(Token::Owned(i.to_string()), r, branch, loc)?,
                );
            }
            return Ok(out);
        }
        let promotable = match rk {
            Kind::Long => wk == Kind::Int,
            Kind::Float => matches!(wk, Kind::Int | Kind::Long),
            Kind::Double => matches!(wk, Kind::Int | Kind::Long | Kind::Float),
            Kind::Bytes => wk == Kind::String,
            Kind::String => wk == Kind::Bytes,
            Kind::Union => {
                let Node::Union { branches } = reader else {
                    return Ok(out);
                };
                for &branch in branches {
                    if self.fresh(branch, w)?.is_empty() {
                        return Ok(out);
                    }
                }
                out.push(found(
                    IncompatibilityType::MissingUnionBranch,
                    loc,
                    format!("reader union lacking writer type: {}", wk.constant()),
                ));
                return Ok(out);
            }
            _ => false,
        };
        if !promotable {
            out.push(found(
                IncompatibilityType::TypeMismatch,
                loc,
                format!(
                    "reader type: {} not compatible with writer type: {}",
                    rk.constant(),
                    wk.constant()
                ),
            ));
        }
        Ok(out)
    }

    /// Unqualified names equal, or the writer's full name among the reader's aliases.
    fn check_names(&self, r: NodeId, w: NodeId, loc: &mut Location, out: &mut Vec<Found>) {
        let (Some(rn), Some(wn)) = (self.reader.node(r).named(), self.writer.node(w).named())
        else {
            return;
        };
        let writer_full = wn.name.full();
        if rn.name.name == wn.name.name || rn.alias_full_names().contains(&writer_full) {
            return;
        }
        loc.push(Token::Borrowed("name"));
        out.push(found(
            IncompatibilityType::NameMismatch,
            loc,
            format!("expected: {writer_full}"),
        ));
        loc.pop();
    }

    fn check_fields(
        &mut self,
        r: NodeId,
        w: NodeId,
        loc: &mut Location,
        out: &mut Vec<Found>,
    ) -> Result<(), Aborted> {
        let (
            Node::Record {
                fields: rfields, ..
            },
            Node::Record {
                fields: wfields,
                positions: wpositions,
                ..
            },
        ) = (self.reader.node(r), self.writer.node(w))
        else {
            return Ok(());
        };
        self.charge(rfields.len())?;
        loc.push(Token::Borrowed("fields"));
        for (pos, rfield) in rfields.iter().enumerate() {
            loc.push(Token::Owned(pos.to_string()));
            let mut matches: Vec<usize> =
                wpositions.get(&rfield.name).copied().into_iter().collect();
            matches.extend(
                rfield
                    .aliases
                    .iter()
                    .filter_map(|a| wpositions.get(a).copied()),
            );
            match matches.as_slice() {
                [] => {
                    if rfield.default.is_none() {
                        let enum_default = matches!(
                            self.reader.node(rfield.ty),
                            Node::Enum {
                                default: Some(_),
                                ..
                            }
                        );
                        if enum_default {
                            // Avro compares the enum with the writer record itself here.
                            extend(out, &self.get(Token::Borrowed("type"), rfield.ty, w, loc)?);
                        } else {
                            out.push(found(
                                IncompatibilityType::ReaderFieldMissingDefaultValue,
                                loc,
                                rfield.name.clone(),
                            ));
                        }
                    }
                }
                [one] => {
                    let wty = wfields[*one].ty;
                    extend(
                        out,
                        &self.get(Token::Borrowed("type"), rfield.ty, wty, loc)?,
                    );
                }
                _ => {
                    let mut writer_text = String::new();
                    canonical::write_inline(self.writer, w, &mut writer_text);
                    return Err(Aborted::Exception(format!(
                        "Reader record field {} type:{} pos:{pos} matches multiple fields in writer record schema {writer_text}",
                        rfield.name,
                        self.reader.node(rfield.ty).kind().constant(),
                    )));
                }
            }
            loc.pop();
        }
        loc.pop();
        Ok(())
    }
}

/// Most findings kept for one pair: memoized results are reused wherever a pair recurs, so
/// a schema whose named types are shared at every level could otherwise multiply one
/// finding exponentially (Avro Java runs out of memory there).
const MAX_FINDINGS: usize = 10_000;

fn extend(out: &mut Vec<Found>, more: &[Found]) {
    let room = MAX_FINDINGS.saturating_sub(out.len());
    out.extend_from_slice(&more[..more.len().min(room)]);
}

fn found(kind: IncompatibilityType, location: &[Token], message: String) -> Found {
    Found {
        kind,
        location: pointer(location),
        message,
    }
}

/// Avro's `Incompatibility.getLocation()`: the root token dropped, JSON-pointer escaping.
fn pointer(location: &[Token]) -> String {
    let mut s = String::from("/");
    for (i, token) in location.iter().skip(1).enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&token.replace('~', "~0").replace('/', "~1"));
    }
    s
}
