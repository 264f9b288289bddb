//! CertLogic, the rule language of EU DCC business rules (specification 1.3.3).
//!
//! An expression is compiled once ([`Expression::compile`]: checked, literals and constant
//! date-times prepared) and evaluated many times against data ([`Expression::evaluate`]),
//! borrowing from that data instead of copying it. Evaluation follows the spec strictly:
//! narrow truthiness, integer-only arithmetic, date-times only from `plusTime` and
//! `dccDateOfBirth`, and a typed [`EvalError`] wherever the reference implementation throws.
//! [`validate`] reports every issue of an expression the way the reference validator does.
//!
//! Choices where the spec leaves room, all taken on the side of a definite answer:
//! - invalid dates (`2021-02-30`, month 13, hour 24), which the spec leaves undefined, are an
//!   evaluation error;
//! - `===` and `in` compare arrays and objects structurally and date-times by instant (as the
//!   Kotlin reference does; JavaScript compares such values by reference);
//! - a JSON number with an integral value (`2.0`) is an integer, as in JavaScript.

mod ast;
mod compile;
mod datetime;
mod eval;
mod value;

pub use compile::{validate, CompileError, ValidationIssue, MAX_DEPTH};
pub use datetime::{DateTime, TimeUnit};
pub use eval::{EvalError, STEP_BUDGET};
pub use value::{Truthiness, Value};

/// A compiled CertLogic expression.
#[derive(Debug)]
pub struct Expression {
    root: ast::Node,
}

impl Expression {
    /// Compiles a CertLogic expression, failing on the first issue [`validate`] would report.
    pub fn compile(expr: &serde_json::Value) -> Result<Expression, CompileError> {
        compile::compile(expr).map(|root| Expression { root })
    }

    /// Evaluates the expression with `data` as the data context.
    pub fn evaluate<'a>(&'a self, data: &'a serde_json::Value) -> Result<Value<'a>, EvalError> {
        self.evaluate_in(&Value::from_json(data))
    }

    /// Evaluates the expression with a data context assembled from borrowed parts (see
    /// [`Value::record`]), e.g. `{payload, external}` without copying either.
    pub fn evaluate_in<'a>(&'a self, data: &Value<'a>) -> Result<Value<'a>, EvalError> {
        eval::Evaluator::new().eval(&self.root, &eval::Scope::Data(data))
    }
}

#[cfg(test)]
mod tests;
