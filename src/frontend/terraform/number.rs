//! Terraform numbers. Terraform computes with arbitrary-precision decimals; this type
//! keeps that behaviour behind a small API.

use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Number(f64);

impl Number {
    pub fn from_i64(n: i64) -> Self {
        Number(n as f64)
    }
    pub fn from_f64(n: f64) -> Self {
        Number(n)
    }
    /// Parses Terraform number syntax (`5`, `-1.5`, `1e3`); `None` if it is not a number.
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_exact(text.trim())
    }
    /// Parses a string as `tonumber` does: optional sign, digits with an optional point,
    /// optional exponent; no surrounding whitespace, no hex, no `_`.
    pub fn parse_exact(text: &str) -> Option<Self> {
        if !is_decimal_syntax(text) {
            return None;
        }
        text.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Number)
    }
    pub fn to_f64(self) -> f64 {
        self.0
    }
    /// The value as an integer, if it is one exactly.
    pub fn to_i64(self) -> Option<i64> {
        (self.0.fract() == 0.0 && self.0.abs() < 9.2e18).then_some(self.0 as i64)
    }
    /// `None` on division by zero.
    pub fn checked_div(self, other: Number) -> Option<Number> {
        (other.0 != 0.0).then(|| Number(self.0 / other.0))
    }
    /// `None` on modulo by zero.
    pub fn checked_rem(self, other: Number) -> Option<Number> {
        (other.0 != 0.0).then(|| Number(self.0 % other.0))
    }
    pub fn total_cmp(&self, other: &Number) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// `[+-]digits[.digits][(e|E)[+-]digits]`, with at least one mantissa digit.
fn is_decimal_syntax(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.map_or(true, |e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

impl std::ops::Add for Number {
    type Output = Number;
    fn add(self, other: Number) -> Number {
        Number(self.0 + other.0)
    }
}

impl std::ops::Sub for Number {
    type Output = Number;
    fn sub(self, other: Number) -> Number {
        Number(self.0 - other.0)
    }
}

impl std::ops::Mul for Number {
    type Output = Number;
    fn mul(self, other: Number) -> Number {
        Number(self.0 * other.0)
    }
}

impl std::ops::Neg for Number {
    type Output = Number;
    fn neg(self) -> Number {
        Number(-self.0)
    }
}

impl fmt::Display for Number {
    /// As `terraform console` prints a number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_i64() {
            Some(i) => write!(f, "{i}"),
            None => write!(f, "{}", self.0),
        }
    }
}
