//! Evaluation of a compiled expression against a data context.

use super::ast::{Node, Path};
use super::value::{Repr, Truthiness};
use super::{DateTime, Value};

/// At most this many operations per evaluation: nested `reduce`s over data arrays could
/// otherwise make a hostile expression run for ages. Real rules take a few dozen. Every node
/// evaluated is one step, and so is every pair of values `===` and `in` compare (each array
/// item, each object field), so the budget bounds the time an evaluation takes.
pub const STEP_BUDGET: u32 = 1_000_000;

/// Why evaluating a (valid) expression failed on the given data. Evaluation never panics; it
/// ends in one of these. Messages name the operation, never the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    #[error("operand of \"{operation}\" is neither truthy nor falsy")]
    /// An operand that is neither truthy nor falsy.
    NeitherTruthyNorFalsy {
        /// The operation.
        operation: &'static str,
    },
    #[error("operands of \"{operation}\" must be integers")]
    /// An operand that is not an integer.
    NotAnInteger {
        /// The operation.
        operation: &'static str,
    },
    #[error("operands of \"{operation}\" must be date-times")]
    /// An operand that is not a date-time.
    NotADateTime {
        /// The operation.
        operation: &'static str,
    },
    #[error("operand of \"{operation}\" has the wrong type (expected a string)")]
    /// An operand that is not a string.
    NotAString {
        /// The operation.
        operation: &'static str,
    },
    #[error("operand of \"{operation}\" must be an array")]
    /// An operand that is not an array.
    NotAnArray {
        /// The operation.
        operation: &'static str,
    },
    #[error("operand of \"{operation}\" is not a date or date-time in an allowed format")]
    /// A string that is not a valid date-time.
    InvalidDateTime {
        /// The operation.
        operation: &'static str,
    },
    #[error("date-time outside the range of a JavaScript Date")]
    /// A date-time outside the supported range.
    DateTimeOutOfRange,
    #[error("integer overflow in \"+\"")]
    /// Integer arithmetic overflowed.
    IntegerOverflow,
    #[error("values nested too deeply to compare")]
    /// Data nested deeper than the evaluator follows.
    NestingTooDeep,
    #[error("evaluation took more than {STEP_BUDGET} steps")]
    /// The evaluation exceeded its cost budget.
    TooComplex,
}

/// What `var` reads from: the data, or inside a `reduce` lambda `{accumulator, current}`.
pub(super) enum Scope<'s, 'a> {
    Data(&'s Value<'a>),
    Lambda {
        accumulator: &'s Value<'a>,
        current: &'s Value<'a>,
    },
}

pub(super) struct Evaluator {
    steps_left: u32,
}

impl Evaluator {
    pub fn new() -> Self {
        Evaluator {
            steps_left: STEP_BUDGET,
        }
    }

    pub fn eval<'a>(
        &mut self,
        node: &'a Node,
        scope: &Scope<'_, 'a>,
    ) -> Result<Value<'a>, EvalError> {
        self.steps_left = self
            .steps_left
            .checked_sub(1)
            .ok_or(EvalError::TooComplex)?;
        match node {
            Node::Literal(json) => Ok(Value::from_json(json)),
            Node::DateTime(instant) => Ok(Value::date_time(*instant)),
            Node::Array(items) => {
                let items = items
                    .iter()
                    .map(|item| self.eval(item, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::list(items))
            }
            Node::Var(path) => Ok(var(path, scope)),
            Node::If(operands) => {
                let [guard, then, otherwise] = &**operands;
                let guard = self.eval(guard, scope)?;
                match guard.truthiness() {
                    Truthiness::Truthy => self.eval(then, scope),
                    Truthiness::Falsy => self.eval(otherwise, scope),
                    Truthiness::Neither => {
                        Err(EvalError::NeitherTruthyNorFalsy { operation: "if" })
                    }
                }
            }
            Node::And(operands) => {
                // The first falsy operand, else the last one; later operands are not evaluated.
                let mut last = Value(Repr::Bool(true));
                for operand in operands.iter() {
                    match last.truthiness() {
                        Truthiness::Falsy => return Ok(last),
                        Truthiness::Truthy => last = self.eval(operand, scope)?,
                        Truthiness::Neither => {
                            return Err(EvalError::NeitherTruthyNorFalsy { operation: "and" })
                        }
                    }
                }
                Ok(last)
            }
            Node::Not(operand) => match self.eval(operand, scope)?.truthiness() {
                Truthiness::Truthy => Ok(Value(Repr::Bool(false))),
                Truthiness::Falsy => Ok(Value(Repr::Bool(true))),
                Truthiness::Neither => Err(EvalError::NeitherTruthyNorFalsy { operation: "!" }),
            },
            Node::StrictEquals(operands) => {
                let [left, right] = &**operands;
                let (left, right) = (self.eval(left, scope)?, self.eval(right, scope)?);
                let equal = left.equals_charged(&right, &mut self.steps_left)?;
                Ok(Value(Repr::Bool(equal)))
            }
            Node::In(operands) => {
                let [needle, haystack] = &**operands;
                let (needle, haystack) = (self.eval(needle, scope)?, self.eval(haystack, scope)?);
                let items = haystack
                    .items()
                    .ok_or(EvalError::NotAnArray { operation: "in" })?;
                for item in items {
                    if needle.equals_charged(&item, &mut self.steps_left)? {
                        return Ok(Value(Repr::Bool(true)));
                    }
                }
                Ok(Value(Repr::Bool(false)))
            }
            Node::Plus(operands) => {
                let [left, right] = &**operands;
                let not_an_integer = EvalError::NotAnInteger { operation: "+" };
                let left = self.eval(left, scope)?.as_int().ok_or(not_an_integer)?;
                let right = self.eval(right, scope)?.as_int().ok_or(not_an_integer)?;
                let sum = left.checked_add(right).ok_or(EvalError::IntegerOverflow)?;
                Ok(Value(Repr::Int(sum)))
            }
            Node::Compare(comparison, operands) => {
                // Integers and date-times (as milliseconds) order alike. All operands are
                // evaluated and type-checked before comparing, as the reference does.
                let mut keys = [0_i64; 3];
                for (key, operand) in keys.iter_mut().zip(operands.iter()) {
                    let value = self.eval(operand, scope)?;
                    *key = if comparison.on_date_times() {
                        let error = EvalError::NotADateTime {
                            operation: "date-time comparison",
                        };
                        value.as_date_time().ok_or(error)?.unix_millis()
                    } else {
                        let error = EvalError::NotAnInteger {
                            operation: "comparison",
                        };
                        value.as_int().ok_or(error)?
                    };
                }
                let [first, second, third] = keys;
                let holds = comparison.holds(first, second)
                    && (operands.len() < 3 || comparison.holds(second, third));
                Ok(Value(Repr::Bool(holds)))
            }
            Node::PlusTime(operand, amount, unit) => {
                let operation = "plusTime";
                let value = self.eval(operand, scope)?;
                let text = value.as_str().ok_or(EvalError::NotAString { operation })?;
                let instant =
                    DateTime::parse(text).ok_or(EvalError::InvalidDateTime { operation })?;
                let moved = instant
                    .plus(*amount, *unit)
                    .ok_or(EvalError::DateTimeOutOfRange)?;
                Ok(Value::date_time(moved))
            }
            Node::DccDateOfBirth(operand) => {
                let operation = "dccDateOfBirth";
                let value = self.eval(operand, scope)?;
                let text = value.as_str().ok_or(EvalError::NotAString { operation })?;
                DateTime::parse_date_of_birth(text)
                    .map(Value::date_time)
                    .ok_or(EvalError::InvalidDateTime { operation })
            }
            Node::ExtractFromUvci(operand, index) => {
                let value = self.eval(operand, scope)?;
                if value.is_null() {
                    return Ok(Value::NULL);
                }
                let operation = "extractFromUVCI";
                let uci = value.as_str().ok_or(EvalError::NotAString { operation })?;
                Ok(extract_from_uci(uci, *index).map_or(Value::NULL, Value::string))
            }
            Node::Reduce(operands) => {
                let [operand, lambda, initial] = &**operands;
                let operand = self.eval(operand, scope)?;
                if operand.is_null() {
                    return self.eval(initial, scope);
                }
                let items = operand.items().ok_or(EvalError::NotAnArray {
                    operation: "reduce",
                })?;
                let mut accumulator = self.eval(initial, scope)?;
                for current in items {
                    let lambda_scope = Scope::Lambda {
                        accumulator: &accumulator,
                        current: &current,
                    };
                    accumulator = self.eval(lambda, &lambda_scope)?;
                }
                Ok(accumulator)
            }
        }
    }
}

fn var<'a>(path: &Path, scope: &Scope<'_, 'a>) -> Value<'a> {
    let mut segments = path.segments.iter();
    let mut value = match scope {
        // The first step reads the context in place rather than cloning it.
        Scope::Data(data) => match segments.next() {
            None => (*data).clone(),
            Some(first) => data.child(&first.key, first.index),
        },
        Scope::Lambda {
            accumulator,
            current,
        } => match segments.next() {
            None => Value::record([
                ("accumulator", (*accumulator).clone()),
                ("current", (*current).clone()),
            ]),
            Some(first) => match &*first.key {
                "accumulator" => (*accumulator).clone(),
                "current" => (*current).clone(),
                _ => return Value::NULL,
            },
        },
    };
    for segment in segments {
        if value.is_null() {
            break;
        }
        value = value.child(&segment.key, segment.index);
    }
    value
}

/// Fragment `index` of a UCI, split at `/`, `#` and `:` after an optional `URN:UVCI:` prefix.
fn extract_from_uci(uci: &str, index: i64) -> Option<&str> {
    let index = usize::try_from(index).ok()?;
    let unprefixed = uci.strip_prefix("URN:UVCI:").unwrap_or(uci);
    unprefixed.split(['/', '#', ':']).nth(index)
}
