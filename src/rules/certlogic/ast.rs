//! The compiled form of a CertLogic expression: operations resolved to variants, literals,
//! constant arrays and constant date-times prepared once, `var` paths split once.

use super::{DateTime, TimeUnit};

#[derive(Debug)]
pub(super) enum Node {
    /// A boolean, integer or string literal, or an array of only literals (kept as JSON so it
    /// evaluates to a borrowed view).
    Literal(serde_json::Value),
    /// A `plusTime` or `dccDateOfBirth` of a literal, worked out at compile time.
    DateTime(DateTime),
    /// An array whose items need evaluating.
    Array(Box<[Node]>),
    Var(Path),
    If(Box<[Node; 3]>),
    And(Box<[Node]>),
    Not(Box<Node>),
    StrictEquals(Box<[Node; 2]>),
    In(Box<[Node; 2]>),
    Plus(Box<[Node; 2]>),
    /// Two or three operands; three means `a op b and b op c`.
    Compare(Comparison, Box<[Node]>),
    PlusTime(Box<Node>, i64, TimeUnit),
    /// Operand, lambda, initial value.
    Reduce(Box<[Node; 3]>),
    ExtractFromUvci(Box<Node>, i64),
    DccDateOfBirth(Box<Node>),
}

/// A `var` path: the whole data context when empty.
#[derive(Debug)]
pub(super) struct Path {
    pub segments: Box<[Segment]>,
}

#[derive(Debug)]
pub(super) struct Segment {
    pub key: Box<str>,
    /// The array index this segment denotes, if it is a number.
    pub index: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Comparison {
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
    Before,
    After,
    NotAfter,
    NotBefore,
}

impl Comparison {
    pub fn parse(operator: &str) -> Option<Comparison> {
        Some(match operator {
            "<" => Comparison::Less,
            ">" => Comparison::Greater,
            "<=" => Comparison::LessOrEqual,
            ">=" => Comparison::GreaterOrEqual,
            "before" => Comparison::Before,
            "after" => Comparison::After,
            "not-after" => Comparison::NotAfter,
            "not-before" => Comparison::NotBefore,
            _ => return None,
        })
    }

    pub fn on_date_times(self) -> bool {
        matches!(
            self,
            Comparison::Before | Comparison::After | Comparison::NotAfter | Comparison::NotBefore
        )
    }

    pub fn holds<T: Ord>(self, left: T, right: T) -> bool {
        match self {
            Comparison::Less | Comparison::Before => left < right,
            Comparison::Greater | Comparison::After => left > right,
            Comparison::LessOrEqual | Comparison::NotAfter => left <= right,
            Comparison::GreaterOrEqual | Comparison::NotBefore => left >= right,
        }
    }
}
