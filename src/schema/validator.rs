//! A JSON Schema (draft 2020-12) validator for exactly the keywords the DCC schemas use.
//!
//! A schema is compiled once into a flat arena of [`Node`]s; `$ref`s become arena indices. Any
//! keyword outside the supported set is a compile error, so a future schema that needs more is
//! caught by the unit tests instead of being half-checked. `format` is an annotation (draft 2020-12
//! default), see the module documentation of [`crate::schema`].
//!
//! `pattern` runs on regex-lite, whose syntax and semantics equal ECMA-262's for every construct
//! these schemas use (anchors, `\d` as ASCII digits, classes, groups, bounded repetition), except
//! that its `.` also matches `\r`, U+2028 and U+2029.

use std::collections::BTreeMap;

use regex_lite::Regex;
use serde_json::{Map, Value};

use super::{JsonType, SchemaViolation, ViolationKind};

/// Keywords that never make an instance invalid.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "examples",
    "format",
    "valueset-uri",
];

/// Deepest subschema nesting accepted, when compiling and when following `$ref`s while validating.
/// The DCC schemas need 6; the bound only stops a reference cycle.
const MAX_DEPTH: usize = 32;

const ROOT: usize = 0;
const DEFS_PREFIX: &str = "#/$defs/";

#[derive(Debug, thiserror::Error)]
pub(crate) enum CompileError {
    #[error("unsupported schema keyword `{0}`")]
    UnsupportedKeyword(String),
    #[error("schema keyword `{0}` has a value of the wrong shape")]
    Malformed(&'static str),
    #[error("unresolvable $ref `{0}`")]
    UnresolvedRef(String),
    #[error("invalid pattern: {0}")]
    Pattern(#[from] regex_lite::Error),
    #[error("subschemas nested too deeply")]
    TooDeep,
}

/// A compiled schema: `nodes[ROOT]` is the root schema.
#[derive(Debug)]
pub(crate) struct CompiledSchema {
    nodes: Vec<Node>,
}

/// One subschema: the assertions it makes, each optional.
#[derive(Debug, Default)]
struct Node {
    json_type: Option<JsonType>,
    reference: Option<usize>,
    required: Vec<String>,
    properties: Vec<(String, usize)>,
    items: Option<usize>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<Regex>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    one_of: Vec<usize>,
    any_of: Vec<usize>,
}

pub(crate) fn compile(schema: &Value) -> Result<CompiledSchema, CompileError> {
    let root = schema
        .as_object()
        .ok_or(CompileError::Malformed("schema"))?;
    let mut compiler = Compiler::default();
    compiler.nodes.push(Node::default());
    if let Some(defs) = root.get("$defs") {
        let defs = defs.as_object().ok_or(CompileError::Malformed("$defs"))?;
        // Reserve every definition's slot first, so that definitions may refer to each other.
        for name in defs.keys() {
            let slot = compiler.nodes.len();
            compiler.nodes.push(Node::default());
            compiler.defs.insert(name.clone(), slot);
        }
        for (name, definition) in defs {
            let node = compiler.node(definition, 1)?;
            let slot = compiler.defs.get(name).copied();
            compiler.place(slot, node)?;
        }
    }
    let node = compiler.node_of_object(root, 0, true)?;
    compiler.place(Some(ROOT), node)?;
    Ok(CompiledSchema {
        nodes: compiler.nodes,
    })
}

#[derive(Default)]
struct Compiler {
    nodes: Vec<Node>,
    defs: BTreeMap<String, usize>,
}

impl Compiler {
    fn place(&mut self, slot: Option<usize>, node: Node) -> Result<(), CompileError> {
        let target = slot
            .and_then(|slot| self.nodes.get_mut(slot))
            .ok_or(CompileError::Malformed("$defs"))?;
        *target = node;
        Ok(())
    }

    /// Compiles a subschema and returns its arena index.
    fn subschema(&mut self, schema: &Value, depth: usize) -> Result<usize, CompileError> {
        let node = self.node(schema, depth)?;
        self.nodes.push(node);
        Ok(self.nodes.len() - 1)
    }

    fn subschemas(
        &mut self,
        list: &Value,
        keyword: &'static str,
        depth: usize,
    ) -> Result<Vec<usize>, CompileError> {
        let list = list.as_array().ok_or(CompileError::Malformed(keyword))?;
        list.iter()
            .map(|schema| self.subschema(schema, depth))
            .collect()
    }

    fn node(&mut self, schema: &Value, depth: usize) -> Result<Node, CompileError> {
        let object = schema
            .as_object()
            .ok_or(CompileError::Malformed("subschema"))?;
        self.node_of_object(object, depth, false)
    }

    fn node_of_object(
        &mut self,
        schema: &Map<String, Value>,
        depth: usize,
        is_root: bool,
    ) -> Result<Node, CompileError> {
        if depth > MAX_DEPTH {
            return Err(CompileError::TooDeep);
        }
        let inner = depth + 1;
        let mut node = Node::default();
        for (keyword, value) in schema {
            match keyword.as_str() {
                "type" => node.json_type = Some(json_type(value)?),
                "$ref" => node.reference = Some(self.resolve(value)?),
                "$defs" if is_root => {} // compiled first, by `compile`
                "required" => node.required = strings(value, "required")?,
                "properties" => {
                    let properties = value
                        .as_object()
                        .ok_or(CompileError::Malformed("properties"))?;
                    for (name, subschema) in properties {
                        let index = self.subschema(subschema, inner)?;
                        node.properties.push((name.clone(), index));
                    }
                }
                "items" => node.items = Some(self.subschema(value, inner)?),
                "minItems" => node.min_items = Some(count(value, "minItems")?),
                "maxItems" => node.max_items = Some(count(value, "maxItems")?),
                "minLength" => node.min_length = Some(count(value, "minLength")?),
                "maxLength" => node.max_length = Some(count(value, "maxLength")?),
                "pattern" => {
                    let pattern = value.as_str().ok_or(CompileError::Malformed("pattern"))?;
                    node.pattern = Some(Regex::new(pattern)?);
                }
                "minimum" => {
                    node.minimum = Some(value.as_f64().ok_or(CompileError::Malformed("minimum"))?)
                }
                "maximum" => {
                    node.maximum = Some(value.as_f64().ok_or(CompileError::Malformed("maximum"))?)
                }
                "oneOf" => node.one_of = self.subschemas(value, "oneOf", inner)?,
                "anyOf" => node.any_of = self.subschemas(value, "anyOf", inner)?,
                other if ANNOTATIONS.contains(&other) => {}
                other => return Err(CompileError::UnsupportedKeyword(other.to_owned())),
            }
        }
        Ok(node)
    }

    fn resolve(&self, reference: &Value) -> Result<usize, CompileError> {
        let reference = reference.as_str().ok_or(CompileError::Malformed("$ref"))?;
        reference
            .strip_prefix(DEFS_PREFIX)
            .and_then(|name| self.defs.get(name))
            .copied()
            .ok_or_else(|| CompileError::UnresolvedRef(reference.to_owned()))
    }
}

fn json_type(value: &Value) -> Result<JsonType, CompileError> {
    Ok(match value.as_str() {
        Some("null") => JsonType::Null,
        Some("boolean") => JsonType::Boolean,
        Some("object") => JsonType::Object,
        Some("array") => JsonType::Array,
        Some("number") => JsonType::Number,
        Some("string") => JsonType::String,
        Some("integer") => JsonType::Integer,
        // A list of types is valid JSON Schema, but the DCC schemas never use one.
        _ => return Err(CompileError::Malformed("type")),
    })
}

fn strings(value: &Value, keyword: &'static str) -> Result<Vec<String>, CompileError> {
    let list = value.as_array().ok_or(CompileError::Malformed(keyword))?;
    list.iter()
        .map(|item| {
            item.as_str()
                .map(str::to_owned)
                .ok_or(CompileError::Malformed(keyword))
        })
        .collect()
}

fn count(value: &Value, keyword: &'static str) -> Result<u64, CompileError> {
    value.as_u64().ok_or(CompileError::Malformed(keyword))
}

/// Where in the instance a check is: property names come from the schema, never from the payload.
#[derive(Clone, Copy)]
enum Segment<'s> {
    Name(&'s str),
    Index(usize),
}

struct Run<'s> {
    schema: &'s CompiledSchema,
    path: Vec<Segment<'s>>,
    violations: Vec<SchemaViolation>,
}

impl CompiledSchema {
    pub(crate) fn validate(&self, instance: &Value) -> Vec<SchemaViolation> {
        let mut run = Run {
            schema: self,
            path: Vec::new(),
            violations: Vec::new(),
        };
        run.check(ROOT, instance, 0);
        run.violations
    }
}

impl<'s> Run<'s> {
    fn report(&mut self, kind: ViolationKind) {
        self.violations.push(SchemaViolation {
            path: pointer(&self.path),
            kind,
        });
    }

    fn check(&mut self, index: usize, value: &Value, depth: usize) {
        let schema = self.schema;
        let Some(node) = schema.nodes.get(index) else {
            // Cannot happen for a compiled schema; fail closed all the same.
            return self.report(ViolationKind::SchemaUnavailable);
        };
        if depth > MAX_DEPTH {
            return self.report(ViolationKind::NestingTooDeep);
        }
        if let Some(expected) = node.json_type {
            if !expected.matches(value) {
                self.report(ViolationKind::Type { expected });
            }
        }
        if let Some(target) = node.reference {
            self.check(target, value, depth + 1);
        }
        match value {
            Value::Object(members) => self.check_object(node, members, depth),
            Value::Array(items) => self.check_array(node, items, depth),
            Value::String(text) => self.check_string(node, text),
            Value::Number(number) => self.check_number(node, number.as_f64()),
            Value::Null | Value::Bool(_) => {}
        }
        if !node.one_of.is_empty() {
            let matched = self.count_matching(&node.one_of, value, depth);
            if matched != 1 {
                self.report(ViolationKind::OneOf { matched });
            }
        }
        if !node.any_of.is_empty() && self.count_matching(&node.any_of, value, depth) == 0 {
            self.report(ViolationKind::AnyOf);
        }
    }

    fn check_object(&mut self, node: &'s Node, members: &Map<String, Value>, depth: usize) {
        for name in &node.required {
            if !members.contains_key(name) {
                self.path.push(Segment::Name(name));
                self.report(ViolationKind::Required);
                self.path.pop();
            }
        }
        for (name, subschema) in &node.properties {
            if let Some(member) = members.get(name) {
                self.path.push(Segment::Name(name));
                self.check(*subschema, member, depth + 1);
                self.path.pop();
            }
        }
    }

    fn check_array(&mut self, node: &Node, items: &[Value], depth: usize) {
        let len = items.len() as u64;
        if node.min_items.is_some_and(|min| len < min) {
            self.report(ViolationKind::MinItems);
        }
        if node.max_items.is_some_and(|max| len > max) {
            self.report(ViolationKind::MaxItems);
        }
        if let Some(subschema) = node.items {
            for (position, item) in items.iter().enumerate() {
                self.path.push(Segment::Index(position));
                self.check(subschema, item, depth + 1);
                self.path.pop();
            }
        }
    }

    fn check_string(&mut self, node: &Node, text: &str) {
        // JSON Schema counts characters as Unicode code points.
        if node.min_length.is_some() || node.max_length.is_some() {
            let len = text.chars().count() as u64;
            if node.min_length.is_some_and(|min| len < min) {
                self.report(ViolationKind::MinLength);
            }
            if node.max_length.is_some_and(|max| len > max) {
                self.report(ViolationKind::MaxLength);
            }
        }
        if node
            .pattern
            .as_ref()
            .is_some_and(|pattern| !pattern.is_match(text))
        {
            self.report(ViolationKind::Pattern);
        }
    }

    fn check_number(&mut self, node: &Node, number: Option<f64>) {
        let Some(number) = number else { return };
        if node.minimum.is_some_and(|min| number < min) {
            self.report(ViolationKind::Minimum);
        }
        if node.maximum.is_some_and(|max| number > max) {
            self.report(ViolationKind::Maximum);
        }
    }

    /// How many of `subschemas` the value satisfies; their own violations are not reported.
    fn count_matching(&mut self, subschemas: &[usize], value: &Value, depth: usize) -> usize {
        let reported = std::mem::take(&mut self.violations);
        let mut matched = 0;
        for &subschema in subschemas {
            self.check(subschema, value, depth + 1);
            if self.violations.is_empty() {
                matched += 1;
            }
            self.violations.clear();
        }
        self.violations = reported;
        matched
    }
}

impl JsonType {
    fn matches(self, value: &Value) -> bool {
        match (self, value) {
            (JsonType::Null, Value::Null)
            | (JsonType::Boolean, Value::Bool(_))
            | (JsonType::Object, Value::Object(_))
            | (JsonType::Array, Value::Array(_))
            | (JsonType::Number, Value::Number(_))
            | (JsonType::String, Value::String(_)) => true,
            // Draft 2020-12: any number with a zero fractional part is an integer (1.0 included).
            (JsonType::Integer, Value::Number(number)) => {
                number.is_i64()
                    || number.is_u64()
                    || number.as_f64().is_some_and(|float| float.fract() == 0.0)
            }
            _ => false,
        }
    }
}

/// Renders a JSON pointer (RFC 6901) to the checked location.
fn pointer(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        out.push('/');
        match segment {
            Segment::Name(name) => out.push_str(&name.replace('~', "~0").replace('/', "~1")),
            Segment::Index(position) => out.push_str(&position.to_string()),
        }
    }
    out
}
