//! A JSON Schema (draft 2020-12) validator for exactly the keywords the DCC schemas use.
//!
//! A schema is compiled once into a flat arena of [`Node`]s; `$ref`s become arena indices. Any
//! keyword outside the supported set is a compile error, so a future schema that needs more is
//! caught by the unit tests instead of being half-checked. `format` is an annotation (draft 2020-12
//! default), see the module documentation of [`crate::schema`].
//!
//! `pattern`: the patterns of the embedded schemas are matched by hand with ECMA-262 semantics
//! ([`super::pattern`]); any other pattern is a compile error too.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::pattern::Pattern;
use super::{JsonType, SchemaViolation, ViolationKind};
use crate::payload::view::{JsonView, Shape};

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
    #[error("unsupported pattern `{0}`")]
    UnsupportedPattern(String),
    #[error("subschemas nested too deeply")]
    TooDeep,
}

/// A compiled schema: `nodes[ROOT]` is the root schema.
#[derive(Debug)]
pub(crate) struct CompiledSchema {
    nodes: Vec<Node>,
}

/// One subschema: the assertions it makes, each optional.
#[derive(Debug)]
struct Property {
    name: String,
    /// `None` for a name that is only `required`.
    schema: Option<usize>,
    required: bool,
}

#[derive(Debug, Default)]
struct Node {
    json_type: Option<JsonType>,
    reference: Option<usize>,
    /// `properties` and `required` together, so that each member is looked up once.
    properties: Vec<Property>,
    items: Option<usize>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<Pattern>,
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
        nodes: skip_aliases(compiler.nodes),
    })
}

/// Points every reference past the nodes that only refer elsewhere (a property written
/// `{"description": ..., "$ref": ...}` is one), so validation does not step through them: the
/// lenient check runs in every verification.
fn skip_aliases(mut nodes: Vec<Node>) -> Vec<Node> {
    let target = |start: usize| {
        let mut index = start;
        // Bounded: a cycle of aliases stays a cycle, which validation reports as too deep.
        for _ in 0..MAX_DEPTH {
            match nodes.get(index).and_then(Node::alias_of) {
                Some(next) => index = next,
                None => break,
            }
        }
        index
    };
    let targets: Vec<usize> = (0..nodes.len()).map(target).collect();
    let resolve = |index: &mut usize| *index = targets.get(*index).copied().unwrap_or(*index);
    for node in &mut nodes {
        node.reference.iter_mut().for_each(resolve);
        node.items.iter_mut().for_each(resolve);
        node.properties
            .iter_mut()
            .for_each(|property| property.schema.iter_mut().for_each(resolve));
        node.one_of.iter_mut().for_each(resolve);
        node.any_of.iter_mut().for_each(resolve);
    }
    nodes
}

impl Node {
    /// The node this one only refers to, when it asserts nothing else.
    fn alias_of(&self) -> Option<usize> {
        let Node {
            json_type: None,
            reference: Some(target),
            properties,
            items: None,
            min_items: None,
            max_items: None,
            min_length: None,
            max_length: None,
            pattern: None,
            minimum: None,
            maximum: None,
            one_of,
            any_of,
        } = self
        else {
            return None;
        };
        let asserts_more = !(properties.is_empty() && one_of.is_empty() && any_of.is_empty());
        (!asserts_more).then_some(*target)
    }
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
        let mut required = Vec::new();
        for (keyword, value) in schema {
            match keyword.as_str() {
                "type" => node.json_type = Some(json_type(value)?),
                "$ref" => node.reference = Some(self.resolve(value)?),
                "$defs" if is_root => {} // compiled first, by `compile`
                "required" => required = strings(value, "required")?,
                "properties" => {
                    let properties = value
                        .as_object()
                        .ok_or(CompileError::Malformed("properties"))?;
                    for (name, subschema) in properties {
                        let index = self.subschema(subschema, inner)?;
                        node.properties.push(Property {
                            name: name.clone(),
                            schema: Some(index),
                            required: false,
                        });
                    }
                }
                "items" => node.items = Some(self.subschema(value, inner)?),
                "minItems" => node.min_items = Some(count(value, "minItems")?),
                "maxItems" => node.max_items = Some(count(value, "maxItems")?),
                "minLength" => node.min_length = Some(count(value, "minLength")?),
                "maxLength" => node.max_length = Some(count(value, "maxLength")?),
                "pattern" => {
                    let pattern = value.as_str().ok_or(CompileError::Malformed("pattern"))?;
                    node.pattern = Some(
                        Pattern::new(pattern)
                            .ok_or_else(|| CompileError::UnsupportedPattern(pattern.to_owned()))?,
                    );
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
        for name in required {
            match node.properties.iter_mut().find(|p| p.name == name) {
                Some(property) => property.required = true,
                None => node.properties.push(Property {
                    name,
                    schema: None,
                    required: true,
                }),
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
    /// Inside `oneOf`/`anyOf`, only whether an alternative matches counts: the first violation
    /// is noted here and nothing more is checked or written out.
    probe: Option<Probe>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Probe {
    Matching,
    Failed,
}

impl CompiledSchema {
    #[cfg(test)]
    pub(crate) fn validate(&self, instance: &Value) -> Vec<SchemaViolation> {
        self.validate_view(JsonView::Json(instance))
    }

    pub(crate) fn validate_view(&self, instance: JsonView<'_>) -> Vec<SchemaViolation> {
        let mut run = Run {
            schema: self,
            path: Vec::new(),
            violations: Vec::new(),
            probe: None,
        };
        run.check(ROOT, instance, 0);
        run.violations
    }
}

impl<'s> Run<'s> {
    fn report(&mut self, kind: ViolationKind) {
        if self.probe.is_some() {
            self.probe = Some(Probe::Failed);
            return;
        }
        self.violations.push(SchemaViolation {
            path: pointer(&self.path),
            kind,
        });
    }

    fn check(&mut self, index: usize, value: JsonView<'_>, depth: usize) {
        if self.probe == Some(Probe::Failed) {
            return;
        }
        let schema = self.schema;
        let Some(node) = schema.nodes.get(index) else {
            // Cannot happen for a compiled schema; fail closed all the same.
            return self.report(ViolationKind::SchemaUnavailable);
        };
        if depth > MAX_DEPTH {
            return self.report(ViolationKind::NestingTooDeep);
        }
        let shape = value.shape();
        if let Some(expected) = node.json_type {
            if !expected.matches(&shape) {
                self.report(ViolationKind::Type { expected });
            }
        }
        if let Some(target) = node.reference {
            self.check(target, value, depth + 1);
        }
        match shape {
            Shape::Object => self.check_object(node, value, depth),
            Shape::Array { len } => self.check_array(node, value, len, depth),
            Shape::String(text) => self.check_string(node, text),
            Shape::Number { value, .. } => self.check_number(node, value),
            Shape::Null | Shape::Bool => {}
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

    /// Violations come in the order of the schema's properties (then names only required).
    fn check_object(&mut self, node: &'s Node, object: JsonView<'_>, depth: usize) {
        for property in &node.properties {
            let member = object.member(&property.name);
            if member.is_none() && !property.required {
                continue;
            }
            self.path.push(Segment::Name(&property.name));
            match (member, property.schema) {
                (None, _) => self.report(ViolationKind::Required),
                (Some(member), Some(subschema)) => self.check(subschema, member, depth + 1),
                (Some(_), None) => {}
            }
            self.path.pop();
        }
    }

    fn check_array(&mut self, node: &Node, array: JsonView<'_>, len: usize, depth: usize) {
        let len = len as u64;
        if node.min_items.is_some_and(|min| len < min) {
            self.report(ViolationKind::MinItems);
        }
        if node.max_items.is_some_and(|max| len > max) {
            self.report(ViolationKind::MaxItems);
        }
        if let Some(subschema) = node.items {
            let items = (0..).map_while(|position| array.item(position));
            for (position, item) in items.enumerate() {
                self.path.push(Segment::Index(position));
                self.check(subschema, item, depth + 1);
                self.path.pop();
            }
        }
    }

    fn check_string(&mut self, node: &Node, text: &str) {
        // JSON Schema counts characters as Unicode code points; a code point takes 1 to 4 bytes
        // of UTF-8, so the byte length often decides without counting.
        let bytes = text.len() as u64;
        let surely_within = node.min_length.is_none_or(|min| bytes / 4 >= min)
            && node.max_length.is_none_or(|max| bytes <= max);
        if !surely_within {
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
    fn count_matching(&mut self, subschemas: &[usize], value: JsonView<'_>, depth: usize) -> usize {
        let outer = self.probe;
        let mut matched = 0;
        for &subschema in subschemas {
            self.probe = Some(Probe::Matching);
            self.check(subschema, value, depth + 1);
            if self.probe == Some(Probe::Matching) {
                matched += 1;
            }
        }
        self.probe = outer;
        matched
    }
}

impl JsonType {
    fn matches(self, shape: &Shape<'_>) -> bool {
        matches!(
            (self, shape),
            (JsonType::Null, Shape::Null)
                | (JsonType::Boolean, Shape::Bool)
                | (JsonType::Object, Shape::Object)
                | (JsonType::Array, Shape::Array { .. })
                | (JsonType::Number, Shape::Number { .. })
                | (JsonType::String, Shape::String(_))
                | (JsonType::Integer, Shape::Number { integral: true, .. })
        )
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
