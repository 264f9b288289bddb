//! From JSON to the compiled form, checking the expression as the reference validator does.
//!
//! One walk serves both uses: [`validate`] collects every issue (with the reference
//! implementation's messages, so the official validation suite can be compared verbatim), and
//! [`Expression::compile`](super::Expression::compile) fails on the first.

use serde_json::Value as Json;

use super::ast::{Comparison, Node, Path, Segment};
use super::{DateTime, TimeUnit};

/// Deeper expressions are refused, which bounds the recursion of compiling and evaluating.
/// (Real rules nest about a dozen levels; in a release build a level takes about 1 KiB of stack.)
pub const MAX_DEPTH: usize = 64;

/// Why a JSON value is not a valid CertLogic expression. `Display` gives the message the
/// reference validator (certlogic-js) gives.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    #[error("invalid CertLogic expression")]
    /// Not a CertLogic expression.
    NotAnExpression,
    #[error("{0} is a non-integer number")]
    /// A number that is not an integer.
    NonIntegerNumber(String),
    #[error("expression object must have exactly one key, but it has {0}")]
    /// An operation object with other than one key.
    KeyCount(usize),
    #[error("not of the form {{ \"var\": \"<path>\" }}")]
    /// `var` without a path.
    VarNotAPath,
    #[error("data access path doesn't have a valid format: {0}")]
    /// A `var` path of the wrong form.
    VarPathFormat(String),
    #[error("operation not of the form {{ \"<operator>\": [ <values...> ] }}")]
    /// An object that is not an operation.
    NotAnOperation,
    #[error("unrecognised operator: \"{0}\"")]
    /// An operator CertLogic does not have.
    UnknownOperator(String),
    #[error("{}", arity_message(operator, *count))]
    /// An operator with the wrong number of operands.
    Arity {
        /// The operator.
        operator: &'static str,
        /// The number of operands it was given.
        count: usize,
    },
    #[error("\"amount\" argument (#2) of \"plusTime\" must be an integer, but it is: {0}")]
    /// A `plusTime` amount that is not an integer.
    PlusTimeAmount(String),
    #[error("\"unit\" argument (#3) of \"plusTime\" must be a string equal to one of year, month, day, hour, but it is: {0}")]
    /// A `plusTime` unit CertLogic does not have.
    PlusTimeUnit(String),
    #[error("\"index\" argument (#2) of \"extractFromUVCI\" must be an integer, but it is: {0}")]
    /// An `extractFromUVCI` index that is not a non-negative integer.
    ExtractIndex(String),
    #[error("expression nested more than {MAX_DEPTH} levels deep")]
    /// Expressions nested deeper than the compiler follows.
    TooDeep,
}

fn arity_message(operator: &str, count: usize) -> String {
    match operator {
        "if" | "plusTime" | "reduce" => {
            let article = if operator == "if" { "an" } else { "a" };
            format!("{article} \"{operator}\"-operation must have exactly 3 values/operands, but it has {count}")
        }
        "extractFromUVCI" => format!(
            "an \"extractFromUVCI\"-operation must have exactly 2 values/operands, but it has {count}"
        ),
        "and" => format!("an \"and\" operation must have at least 2 operands, but it has {count}"),
        "!" => format!(
            "a !-operation (logical not/negation) must have exactly 1 operand, but it has {count}"
        ),
        "dccDateOfBirth" => format!(
            "a \"dccDateOfBirth\"-operation must have exactly 1 operand, but it has {count}"
        ),
        _ if Comparison::parse(operator).is_some() => format!(
            "an operation with operator \"{operator}\" must have 2 or 3 operands, but it has {count}"
        ),
        _ => format!("an operation with operator \"{operator}\" must have 2 operands, but it has {count}"),
    }
}

/// One problem found in an expression: the offending (sub-)expression and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationIssue<'e> {
    /// The expression that does not compile.
    pub expr: &'e Json,
    /// Why.
    pub error: CompileError,
}

/// Checks `expr` as a CertLogic expression and lists every issue (empty: valid).
pub fn validate(expr: &Json) -> Vec<ValidationIssue<'_>> {
    let mut compiler = Compiler::default();
    compiler.node(expr, 0);
    compiler.issues
}

pub(super) fn compile(expr: &Json) -> Result<Node, CompileError> {
    let mut compiler = Compiler::default();
    let node = compiler.node(expr, 0);
    match (compiler.issues.into_iter().next(), node) {
        (None, Some(node)) => Ok(node),
        (Some(issue), _) => Err(issue.error),
        (None, None) => Err(CompileError::NotAnExpression),
    }
}

#[derive(Default)]
struct Compiler<'e> {
    issues: Vec<ValidationIssue<'e>>,
}

impl<'e> Compiler<'e> {
    fn report(&mut self, expr: &'e Json, error: CompileError) -> Option<Node> {
        self.issues.push(ValidationIssue { expr, error });
        None
    }

    fn node(&mut self, expr: &'e Json, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH {
            return self.report(expr, CompileError::TooDeep);
        }
        match expr {
            Json::Bool(_) | Json::String(_) => Some(Node::Literal(expr.clone())),
            Json::Number(number) => match integer_literal(expr) {
                Some(_) => Some(Node::Literal(expr.clone())),
                None => self.report(expr, CompileError::NonIntegerNumber(number.to_string())),
            },
            Json::Null => self.report(expr, CompileError::NotAnExpression),
            Json::Array(items) => {
                let nodes = self.operands(items, items.len(), depth)?;
                Some(array(nodes))
            }
            Json::Object(fields) => {
                let mut entries = fields.iter();
                match (entries.next(), entries.next()) {
                    (Some((operator, values)), None) => {
                        self.operation(expr, operator, values, depth)
                    }
                    _ => self.report(expr, CompileError::KeyCount(fields.len())),
                }
            }
        }
    }

    /// Compiles the first `limit` operands, reporting on all of them before giving up.
    fn operands(&mut self, values: &'e [Json], limit: usize, depth: usize) -> Option<Vec<Node>> {
        let nodes: Vec<Option<Node>> = values
            .iter()
            .take(limit)
            .map(|value| self.node(value, depth + 1))
            .collect();
        nodes.into_iter().collect()
    }

    fn operation(
        &mut self,
        expr: &'e Json,
        operator: &str,
        values: &'e Json,
        depth: usize,
    ) -> Option<Node> {
        if operator == "var" {
            return match values.as_str() {
                Some(path) => match parse_path(path) {
                    Some(path) => Some(Node::Var(path)),
                    None => self.report(expr, CompileError::VarPathFormat(path.to_owned())),
                },
                None => self.report(expr, CompileError::VarNotAPath),
            };
        }
        let Some(values) = values.as_array() else {
            return self.report(expr, CompileError::NotAnOperation);
        };
        let count = values.len();
        match operator {
            "if" => {
                let operands = self.exactly::<3>(expr, "if", values, depth)?;
                Some(Node::If(Box::new(operands)))
            }
            "and" => {
                if count < 2 {
                    self.report(
                        expr,
                        CompileError::Arity {
                            operator: "and",
                            count,
                        },
                    );
                }
                let operands = self.operands(values, count, depth)?;
                (count >= 2).then(|| Node::And(operands.into()))
            }
            "===" => Some(Node::StrictEquals(Box::new(
                self.exactly(expr, "===", values, depth)?,
            ))),
            "in" => Some(Node::In(Box::new(self.exactly(expr, "in", values, depth)?))),
            "+" => Some(Node::Plus(Box::new(
                self.exactly(expr, "+", values, depth)?,
            ))),
            "!" => {
                let [operand] = self.exactly(expr, "!", values, depth)?;
                Some(Node::Not(Box::new(operand)))
            }
            "reduce" => Some(Node::Reduce(Box::new(
                self.exactly(expr, "reduce", values, depth)?,
            ))),
            "dccDateOfBirth" => {
                let [operand] = self.exactly(expr, "dccDateOfBirth", values, depth)?;
                Some(date_of_birth(operand))
            }
            "plusTime" => self.plus_time(expr, values, depth),
            "extractFromUVCI" => self.extract_from_uvci(expr, values, depth),
            _ => match Comparison::parse(operator) {
                Some(comparison) => {
                    let arity_ok = (2..=3).contains(&count);
                    if !arity_ok {
                        let operator = comparison_name(comparison);
                        self.report(expr, CompileError::Arity { operator, count });
                    }
                    let operands = self.operands(values, 3, depth)?;
                    arity_ok.then(|| Node::Compare(comparison, operands.into()))
                }
                None => self.report(expr, CompileError::UnknownOperator(operator.to_owned())),
            },
        }
    }

    /// Exactly `N` operands (the first `N` are checked even when there are more or fewer).
    fn exactly<const N: usize>(
        &mut self,
        expr: &'e Json,
        operator: &'static str,
        values: &'e [Json],
        depth: usize,
    ) -> Option<[Node; N]> {
        if values.len() != N {
            self.report(
                expr,
                CompileError::Arity {
                    operator,
                    count: values.len(),
                },
            );
        }
        let operands = self.operands(values, N, depth)?;
        operands.try_into().ok()
    }

    fn plus_time(&mut self, expr: &'e Json, values: &'e [Json], depth: usize) -> Option<Node> {
        if values.len() != 3 {
            self.report(
                expr,
                CompileError::Arity {
                    operator: "plusTime",
                    count: values.len(),
                },
            );
        }
        let operand = values.first().and_then(|value| self.node(value, depth + 1));
        let amount = match values.get(1) {
            Some(value) => integer_literal(value).or_else(|| {
                self.report(expr, CompileError::PlusTimeAmount(js_text(value)))
                    .and(None)
            }),
            None => None,
        };
        let unit = match values.get(2) {
            Some(value) => value.as_str().and_then(TimeUnit::parse).or_else(|| {
                self.report(expr, CompileError::PlusTimeUnit(js_text(value)))
                    .and(None)
            }),
            None => None,
        };
        if values.len() != 3 {
            return None;
        }
        let (operand, amount, unit) = (operand?, amount?, unit?);
        // A literal date is worked out now; an invalid one stays for evaluation to report.
        if let Node::Literal(Json::String(text)) = &operand {
            if let Some(instant) = DateTime::parse(text).and_then(|t| t.plus(amount, unit)) {
                return Some(Node::DateTime(instant));
            }
        }
        Some(Node::PlusTime(Box::new(operand), amount, unit))
    }

    fn extract_from_uvci(
        &mut self,
        expr: &'e Json,
        values: &'e [Json],
        depth: usize,
    ) -> Option<Node> {
        if values.len() != 2 {
            self.report(
                expr,
                CompileError::Arity {
                    operator: "extractFromUVCI",
                    count: values.len(),
                },
            );
        }
        let operand = values.first().and_then(|value| self.node(value, depth + 1));
        let index = match values.get(1) {
            Some(value) => integer_literal(value).or_else(|| {
                self.report(expr, CompileError::ExtractIndex(js_text(value)))
                    .and(None)
            }),
            None => None,
        };
        if values.len() != 2 {
            return None;
        }
        Some(Node::ExtractFromUvci(Box::new(operand?), index?))
    }
}

/// An array expression: a constant when every item is a literal.
fn array(nodes: Vec<Node>) -> Node {
    if nodes.iter().all(|node| matches!(node, Node::Literal(_))) {
        let items = nodes
            .into_iter()
            .filter_map(|node| match node {
                Node::Literal(json) => Some(json),
                _ => None,
            })
            .collect();
        return Node::Literal(Json::Array(items));
    }
    Node::Array(nodes.into())
}

fn date_of_birth(operand: Node) -> Node {
    if let Node::Literal(Json::String(text)) = &operand {
        if let Some(instant) = DateTime::parse_date_of_birth(text) {
            return Node::DateTime(instant);
        }
    }
    Node::DccDateOfBirth(Box::new(operand))
}

fn comparison_name(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::Less => "<",
        Comparison::Greater => ">",
        Comparison::LessOrEqual => "<=",
        Comparison::GreaterOrEqual => ">=",
        Comparison::Before => "before",
        Comparison::After => "after",
        Comparison::NotAfter => "not-after",
        Comparison::NotBefore => "not-before",
    }
}

/// A `var` path: `""` for the whole context, else non-empty fragments joined by dots.
fn parse_path(path: &str) -> Option<Path> {
    if path.is_empty() {
        return Some(Path {
            segments: Box::new([]),
        });
    }
    let segments = path
        .split('.')
        .map(|fragment| {
            (!fragment.is_empty()).then(|| Segment {
                key: fragment.into(),
                index: fragment
                    .bytes()
                    .all(|byte| byte.is_ascii_digit())
                    .then(|| fragment.parse().ok())
                    .flatten(),
            })
        })
        .collect::<Option<Box<[Segment]>>>()?;
    Some(Path { segments })
}

/// The integer a JSON number literal stands for (`42.0` counts, as in JavaScript).
fn integer_literal(value: &Json) -> Option<i64> {
    match value {
        Json::Number(_) => super::Value::from_json(value).as_int(),
        _ => None,
    }
}

/// A JSON value as JavaScript's template strings print it, for messages.
fn js_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Array(items) => items.iter().map(js_text).collect::<Vec<_>>().join(","),
        Json::Object(_) => "[object Object]".to_owned(),
        Json::Null | Json::Bool(_) | Json::Number(_) => value.to_string(),
    }
}
