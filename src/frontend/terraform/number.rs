//! Terraform numbers: an emulation of Go's `big.Float` as cty (Terraform's type system)
//! uses it, so results print exactly as `terraform console` prints them.
//!
//! A number is `mantissa * 2^exponent` rounded to a binary precision (nearest even):
//! 512 bits for literals and parsed strings, 64 for integers that functions return
//! (`length`), 53 for floats (`pow`, `log`). Addition and division round to the larger
//! precision of their operands; multiplication keeps up to 512 bits as the product
//! needs; printing uses the shortest decimal that rounds back to the same value at the
//! number's precision (Go's `Text('f', -1)`), which is why `0.1 + 0.2` prints `0.3` and
//! `1/3` prints 155 digits.

mod nat;

use nat::Nat;
use std::cmp::Ordering;
use std::fmt;

/// The precision of numbers parsed from text, and the most a number carries.
const PARSE_PREC: u32 = 512;
const LIMBS: usize = (PARSE_PREC / 64) as usize;
/// Decimal exponents beyond this are refused when parsing, so that printing stays cheap.
const MAX_DECIMAL_EXPONENT: i64 = 10_000;
/// Binary exponents beyond this are printed approximately, for the same reason.
const MAX_PRINTED_EXPONENT: i64 = 200_000;

#[derive(Clone, Copy, Debug)]
pub struct Number {
    negative: bool,
    infinite: bool,
    /// Odd, or zero; at most `prec` bits.
    mantissa: [u64; LIMBS],
    exponent: i64,
    prec: u32,
}

impl Number {
    fn zero(negative: bool, prec: u32) -> Number {
        Number {
            negative,
            infinite: false,
            mantissa: [0; LIMBS],
            exponent: 0,
            prec,
        }
    }

    fn infinity(negative: bool) -> Number {
        Number {
            infinite: true,
            ..Number::zero(negative, PARSE_PREC)
        }
    }

    /// `m * 2^e` (plus a sliver when `sticky`), rounded to `prec` bits.
    fn from_parts(negative: bool, m: Nat, e: i64, prec: u32, sticky: bool) -> Number {
        let prec = prec.clamp(1, PARSE_PREC);
        let (m, e) = round_nat(m, e, prec, sticky);
        let mut mantissa = [0; LIMBS];
        for (slot, limb) in mantissa.iter_mut().zip(m.limbs()) {
            *slot = *limb;
        }
        Number {
            negative,
            infinite: false,
            mantissa,
            exponent: e,
            prec,
        }
    }

    fn nat(&self) -> Nat {
        Nat::from_limbs(&self.mantissa)
    }

    fn is_zero(&self) -> bool {
        !self.infinite && self.mantissa.iter().all(|l| *l == 0)
    }

    /// `m`, exactly, when `prec` holds 64 bits: no rounding, no big-integer arithmetic.
    fn from_u64_at(negative: bool, m: u64, prec: u32) -> Number {
        debug_assert!(prec >= 64);
        if m == 0 {
            return Number::zero(negative, prec);
        }
        let zeros = m.trailing_zeros();
        let mut mantissa = [0; LIMBS];
        mantissa[0] = m >> zeros;
        Number {
            negative,
            infinite: false,
            mantissa,
            exponent: i64::from(zeros),
            prec,
        }
    }

    /// The signed value of a nonzero whole number below 2^62 in magnitude (most numbers a
    /// configuration holds: ports, counts, indexes), for exact arithmetic in `i128`.
    fn small_integer(&self) -> Option<i128> {
        if self.infinite || self.is_zero() || self.exponent < 0 {
            return None;
        }
        if self.mantissa[1..].iter().any(|l| *l != 0) {
            return None;
        }
        let bits = 64 - i64::from(self.mantissa[0].leading_zeros());
        if bits + self.exponent > 62 {
            return None;
        }
        let magnitude = i128::from(self.mantissa[0]) << self.exponent;
        Some(if self.negative { -magnitude } else { magnitude })
    }

    /// `value` exactly at `prec` bits (at least 64): `value` is below 2^64 in magnitude.
    fn from_i128_at(value: i128, prec: u32) -> Number {
        Number::from_u64_at(value < 0, value.unsigned_abs() as u64, prec)
    }

    /// An integer, as Terraform's functions return them (`length`, `index`): 64 bits.
    pub fn from_i64(n: i64) -> Self {
        Number::from_u64_at(n < 0, n.unsigned_abs(), 64)
    }

    pub fn from_u64(n: u64) -> Self {
        Number::from_u64_at(false, n, 64)
    }

    /// An integer from its digits in `base`, as Go's `big.Float.SetInt` keeps it
    /// (precision: its bit length, at least 64).
    pub fn from_digits(negative: bool, digits: &[u32], base: u32) -> Self {
        let mut n = Nat::default();
        for d in digits {
            n = n
                .mul_small(u64::from(base))
                .add(&Nat::from_u64(u64::from(*d)));
        }
        let prec = (n.bit_len() as u32).max(64);
        Number::from_parts(negative, n, 0, prec, false)
    }

    /// A float, as Terraform's float functions return them (`pow`, `log`): 53 bits.
    /// NaN becomes zero; infinities stay infinite.
    pub fn from_f64(n: f64) -> Self {
        if n.is_infinite() {
            return Number::infinity(n < 0.0);
        }
        if n.is_nan() || n == 0.0 {
            return Number::zero(n.is_sign_negative() && !n.is_nan(), 53);
        }
        let bits = n.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1 << 52) - 1);
        let (m, e) = if biased == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1 << 52), biased - 1075)
        };
        Number::from_parts(n < 0.0, Nat::from_u64(m), e, 53, false)
    }

    /// Parses Terraform number syntax (`5`, `-1.5`, `1e3`) around which there may be
    /// whitespace; `None` if it is not a number.
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_exact(text.trim())
    }

    /// Parses a string as `tonumber` does (Go's `big.ParseFloat` at 512 bits): optional
    /// sign, digits with an optional point, optional exponent, or `Inf`; no surrounding
    /// whitespace, no hex, no `_`.
    pub fn parse_exact(text: &str) -> Option<Self> {
        let (negative, body) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if body == "Inf" || body == "inf" {
            return Some(Number::infinity(negative));
        }
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], Some(&body[at + 1..])),
            None => (body, None),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int) || !all_digits(frac) || (int.is_empty() && frac.is_empty()) {
            return None;
        }
        let exp10 = match exponent {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !all_digits(digits) {
                    return None;
                }
                let magnitude = digits.trim_start_matches('0');
                if magnitude.len() > 6 {
                    return None;
                }
                let value: i64 = magnitude.parse().unwrap_or(0);
                if e.starts_with('-') {
                    -value
                } else {
                    value
                }
            }
        };
        let exp = exp10 - frac.len() as i64;
        let digit_count = int.len() + frac.len();
        let decimal_value = || {
            int.bytes()
                .chain(frac.bytes())
                .fold(0, |n, digit| n * 10 + u64::from(digit - b'0'))
        };
        // Most literals are small integers: their digits fit a u64, with nothing to scale.
        if exp == 0 && digit_count <= 19 {
            return Some(Number::from_u64_at(negative, decimal_value(), PARSE_PREC));
        }
        let d = if digit_count <= 19 {
            Nat::from_u64(decimal_value())
        } else {
            let digits: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
            Nat::from_decimal(&digits)
        };
        if d.is_zero() {
            return Some(Number::zero(negative, PARSE_PREC));
        }
        if exp == 0 {
            // d * 2^0 * 5^0: no power of five to multiply by.
            return Some(Number::from_parts(negative, d, 0, PARSE_PREC, false));
        }
        if exp.abs() > MAX_DECIMAL_EXPONENT {
            return None;
        }
        // As Go does: d * 2^exp * 5^exp, with 5^|exp| computed at 576 bits.
        let (p, pe) = pow5(exp.unsigned_abs(), PARSE_PREC + 64);
        Some(if exp >= 0 {
            Number::from_parts(negative, d.mul(&p), exp + pe, PARSE_PREC, false)
        } else {
            let (q, qe, sticky) = divide(&d, 0, &p, pe, PARSE_PREC);
            Number::from_parts(negative, q, qe + exp, PARSE_PREC, sticky)
        })
    }

    /// The nearest `f64`.
    pub fn to_f64(self) -> f64 {
        if self.infinite {
            return if self.negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        }
        let (m, e) = round_nat(self.nat(), self.exponent, 53, false);
        let magnitude = if m.is_zero() {
            0.0
        } else if e > 1100 {
            f64::INFINITY
        } else if e < -1200 {
            0.0
        } else {
            let half = (e / 2) as i32;
            m.low_u64() as f64 * 2f64.powi(half) * 2f64.powi(e as i32 - half)
        };
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }

    /// Whether the number is a whole number (not infinite).
    pub fn is_integer(&self) -> bool {
        !self.infinite && (self.is_zero() || self.exponent >= 0)
    }

    pub fn is_infinite(&self) -> bool {
        self.infinite
    }

    /// The value as an integer, if it is one exactly and fits.
    pub fn to_i64(self) -> Option<i64> {
        if let Some(small) = self.small_integer() {
            return i64::try_from(small).ok();
        }
        if !self.is_integer() {
            return None;
        }
        if self.is_zero() {
            return Some(0);
        }
        let m = self.nat();
        if m.bit_len() + self.exponent as u64 > 64 {
            return None;
        }
        let magnitude = m.shl(self.exponent as u64).low_u64();
        if self.negative {
            0i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        }
    }

    /// The value as an integer, if it is one exactly and fits in 128 bits.
    pub fn to_i128(self) -> Option<i128> {
        if let Some(small) = self.small_integer() {
            return Some(small);
        }
        self.big_to_i128()
    }

    fn big_to_i128(self) -> Option<i128> {
        if !self.is_integer() {
            return None;
        }
        if self.is_zero() {
            return Some(0);
        }
        let m = self.nat();
        if m.bit_len() + self.exponent as u64 > 127 {
            return None;
        }
        let limbs = m.shl(self.exponent as u64);
        let magnitude = limbs
            .limbs()
            .iter()
            .rev()
            .fold(0i128, |acc, limb| (acc << 64) | i128::from(*limb));
        Some(if self.negative { -magnitude } else { magnitude })
    }

    /// `self / other`; `None` on division by zero.
    pub fn checked_div(self, other: Number) -> Option<Number> {
        (!other.is_zero()).then(|| self / other)
    }

    /// `self % other` as Terraform computes it (the sign of the dividend); `None` on
    /// modulo by zero (where Terraform returns `self`).
    pub fn checked_rem(self, other: Number) -> Option<Number> {
        if other.is_zero() {
            return None;
        }
        if self.infinite || other.infinite {
            return Some(self * other);
        }
        // Whole numbers below 2^62: the quotient at 64 bits or more truncates exactly.
        if let (Some(a), Some(b), true) =
            (self.small_integer(), other.small_integer(), self.prec >= 64)
        {
            let r = a % b;
            return Some(if r == 0 {
                Number::zero(false, self.prec)
            } else {
                Number::from_i128_at(r, self.prec)
            });
        }
        Some(self.finite_rem(other))
    }

    /// cty's remainder: self - other * trunc(self / other), at self's precision.
    fn finite_rem(self, other: Number) -> Number {
        let ratio = (self / other).trunc();
        let prec = self.prec;
        let ratio = Number::from_parts(ratio.negative, ratio.nat(), ratio.exponent, prec, false);
        let product = mul_at(other, ratio, prec);
        add_at(self, -product, prec)
    }

    /// Rounds toward zero.
    pub fn trunc(self) -> Number {
        if self.infinite || self.is_integer() {
            return self;
        }
        let m = self.nat().shr(self.exponent.unsigned_abs());
        if m.is_zero() {
            return Number::zero(self.negative, self.prec);
        }
        Number::from_parts(self.negative, m, 0, self.prec, false)
    }

    pub fn floor(self) -> Number {
        let t = self.trunc();
        if self.negative && !self.is_integer() && !self.infinite {
            t - Number::from_parts(false, Nat::from_u64(1), 0, self.prec, false)
        } else {
            t
        }
    }

    pub fn ceil(self) -> Number {
        let t = self.trunc();
        if !self.negative && !self.is_integer() && !self.infinite {
            t + Number::from_parts(false, Nat::from_u64(1), 0, self.prec, false)
        } else {
            t
        }
    }

    pub fn abs(self) -> Number {
        Number {
            negative: false,
            ..self
        }
    }

    pub fn is_negative(&self) -> bool {
        self.negative && !self.is_zero()
    }

    /// Orders numbers by value (`-0` equals `0`).
    pub fn total_cmp(&self, other: &Number) -> Ordering {
        let sign = |n: &Number| -> i8 {
            if n.is_zero() {
                0
            } else if n.negative {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign(self), sign(other));
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let magnitude = magnitude_cmp(self, other);
        if sa < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

fn magnitude_cmp(a: &Number, b: &Number) -> Ordering {
    match (a.infinite, b.infinite) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    if let (Some(x), Some(y)) = (a.small_integer(), b.small_integer()) {
        return x.unsigned_abs().cmp(&y.unsigned_abs());
    }
    finite_magnitude_cmp(a, b)
}

fn finite_magnitude_cmp(a: &Number, b: &Number) -> Ordering {
    let (ma, mb) = (a.nat(), b.nat());
    let top_a = ma.bit_len() as i64 + a.exponent;
    let top_b = mb.bit_len() as i64 + b.exponent;
    if top_a != top_b {
        return top_a.cmp(&top_b);
    }
    let low = a.exponent.min(b.exponent);
    ma.shl((a.exponent - low) as u64)
        .cmp(&mb.shl((b.exponent - low) as u64))
}

/// Rounds `m * 2^e` (plus a sliver below its last bit when `sticky`) to `prec` bits,
/// nearest even; the result's mantissa is odd or zero.
fn round_nat(m: Nat, e: i64, prec: u32, sticky: bool) -> (Nat, i64) {
    let bits = m.bit_len();
    let (mut m, mut e) = (m, e);
    if bits > u64::from(prec) {
        let drop = bits - u64::from(prec);
        let half = m.bit(drop - 1);
        let rest = sticky || m.any_bit_below(drop - 1);
        m = m.shr(drop);
        e += drop as i64;
        if half && (rest || m.bit(0)) {
            m = m.add(&Nat::from_u64(1));
            if m.bit_len() > u64::from(prec) {
                m = m.shr(1);
                e += 1;
            }
        }
    }
    if m.is_zero() {
        return (m, 0);
    }
    let zeros = m.trailing_zeros();
    (m.shr(zeros), e + zeros as i64)
}

/// `(m1 * 2^e1) / (m2 * 2^e2)` with at least `prec + 2` quotient bits; returns the
/// quotient, its exponent and whether a remainder was left.
fn divide(m1: &Nat, e1: i64, m2: &Nat, e2: i64, prec: u32) -> (Nat, i64, bool) {
    let want = u64::from(prec) + 2 + m2.bit_len();
    let shift = want.saturating_sub(m1.bit_len());
    match m1.shl(shift).div_rem(m2) {
        Some((q, r)) => (q, e1 - e2 - shift as i64, !r.is_zero()),
        None => (Nat::default(), 0, false),
    }
}

/// `5^n` as Go's `big.Float.pow5` computes it at precision `prec`.
fn pow5(n: u64, prec: u32) -> (Nat, i64) {
    const EXACT: u64 = 27;
    if n <= EXACT {
        return (Nat::pow5(n), 0);
    }
    let (mut z, mut ze) = (Nat::pow5(EXACT), 0i64);
    let (mut f, mut fe) = (Nat::from_u64(5), 0i64);
    let mut n = n - EXACT;
    while n > 0 {
        if n & 1 == 1 {
            (z, ze) = round_nat(z.mul(&f), ze + fe, prec, false);
        }
        (f, fe) = round_nat(f.mul(&f), fe + fe, prec + 64, false);
        n >>= 1;
    }
    (z, ze)
}

/// `a + b` rounded to `prec` bits.
fn add_at(a: Number, b: Number, prec: u32) -> Number {
    if a.infinite || b.infinite {
        return if a.infinite { a } else { b };
    }
    if b.is_zero() {
        if a.is_zero() {
            return Number::zero(a.negative && b.negative, prec);
        }
        return Number::from_parts(a.negative, a.nat(), a.exponent, prec, false);
    }
    if a.is_zero() {
        return Number::from_parts(b.negative, b.nat(), b.exponent, prec, false);
    }
    if let (Some(x), Some(y), true) = (a.small_integer(), b.small_integer(), prec >= 64) {
        // Exact: the sum has at most 63 bits.
        let sum = x + y;
        return if sum == 0 {
            Number::zero(false, prec)
        } else {
            Number::from_i128_at(sum, prec)
        };
    }
    add_nonzero(a, b, prec)
}

/// `a + b` for finite nonzero operands, in big-integer arithmetic.
fn add_nonzero(a: Number, b: Number, prec: u32) -> Number {
    let (ma, mb) = (a.nat(), b.nat());
    // Keep the shift bounded: an operand far below the other's last bit only matters
    // as a sliver (it can be replaced by one unit a few bits below that last bit).
    let guard = u64::from(prec) + 3;
    let (hi, lo, m_hi, m_lo) = if a.exponent >= b.exponent {
        (a, b, ma, mb)
    } else {
        (b, a, mb, ma)
    };
    let gap = (hi.exponent - lo.exponent) as u64;
    let (m_hi, m_lo, e) = if gap > guard + m_lo.bit_len() {
        (
            m_hi.shl(guard),
            Nat::from_u64(1),
            hi.exponent - guard as i64,
        )
    } else {
        (m_hi.shl(gap), m_lo, lo.exponent)
    };
    if hi.negative == lo.negative {
        return Number::from_parts(hi.negative, m_hi.add(&m_lo), e, prec, false);
    }
    match m_hi.cmp(&m_lo) {
        Ordering::Equal => Number::zero(false, prec),
        Ordering::Greater => Number::from_parts(hi.negative, m_hi.sub(&m_lo), e, prec, false),
        Ordering::Less => Number::from_parts(lo.negative, m_lo.sub(&m_hi), e, prec, false),
    }
}

/// `a * b` rounded to `prec` bits.
fn mul_at(a: Number, b: Number, prec: u32) -> Number {
    let negative = a.negative != b.negative;
    if a.infinite || b.infinite {
        return Number::infinity(negative);
    }
    if a.is_zero() || b.is_zero() {
        return Number::zero(negative, prec);
    }
    if let (Some(x), Some(y), true) = (a.small_integer(), b.small_integer(), prec >= 64) {
        let product = x * y;
        if product.unsigned_abs() <= u128::from(u64::MAX) {
            return Number::from_i128_at(product, prec);
        }
    }
    mul_nonzero(a, b, prec)
}

/// `a * b` for finite nonzero operands, in big-integer arithmetic.
fn mul_nonzero(a: Number, b: Number, prec: u32) -> Number {
    let negative = a.negative != b.negative;
    Number::from_parts(
        negative,
        a.nat().mul(&b.nat()),
        a.exponent + b.exponent,
        prec,
        false,
    )
}

impl PartialEq for Number {
    /// Equal values, whatever their precision (as cty compares numbers).
    fn eq(&self, other: &Number) -> bool {
        self.infinite == other.infinite && self.total_cmp(other) == Ordering::Equal
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.total_cmp(other))
    }
}

impl std::ops::Add for Number {
    type Output = Number;
    fn add(self, other: Number) -> Number {
        add_at(self, other, self.prec.max(other.prec))
    }
}

impl std::ops::Sub for Number {
    type Output = Number;
    fn sub(self, other: Number) -> Number {
        self + -other
    }
}

impl std::ops::Mul for Number {
    type Output = Number;
    /// cty rounds the product to 512 bits, then keeps the larger of the operands'
    /// precisions and the bits the product needs.
    fn mul(self, other: Number) -> Number {
        let product = mul_at(self, other, PARSE_PREC);
        let needed = product.nat().bit_len() as u32;
        Number {
            prec: self.prec.max(other.prec).max(needed),
            ..product
        }
    }
}

impl std::ops::Div for Number {
    type Output = Number;
    /// `self / other` as Terraform computes it: division by zero is infinite.
    fn div(self, other: Number) -> Number {
        let negative = self.negative != other.negative;
        if self.infinite || other.is_zero() {
            return Number::infinity(negative);
        }
        let prec = self.prec.max(other.prec);
        if other.infinite || self.is_zero() {
            return Number::zero(negative, prec);
        }
        let (q, e, sticky) = divide(
            &self.nat(),
            self.exponent,
            &other.nat(),
            other.exponent,
            prec,
        );
        Number::from_parts(negative, q, e, prec, sticky)
    }
}

impl std::ops::Neg for Number {
    type Output = Number;
    fn neg(self) -> Number {
        Number {
            negative: !self.negative,
            ..self
        }
    }
}

/// A decimal `0.digits * 10^point`, as Go's `big.decimal`.
struct Decimal {
    digits: Vec<u8>,
    point: i64,
}

impl Decimal {
    /// The exact decimal of `m * 2^e`.
    fn new(m: &Nat, e: i64) -> Decimal {
        let (n, scale) = if e >= 0 {
            (m.shl(e as u64), 0)
        } else {
            (m.mul(&Nat::pow5(e.unsigned_abs())), e)
        };
        let mut digits = n.to_decimal().into_bytes();
        let point = digits.len() as i64 + scale;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal { digits, point }
    }

    /// `self + other` or `self - other` (which must not go below zero), exactly.
    fn offset(&self, other: &Decimal, add: bool) -> Decimal {
        let lsd = |d: &Decimal| d.point - d.digits.len() as i64;
        let low = lsd(self).min(lsd(other));
        let high = self.point.max(other.point) + 1;
        let width = (high - low) as usize;
        let spread = |d: &Decimal| {
            let mut out = vec![0u8; width];
            let start = (high - d.point) as usize;
            for (i, digit) in d.digits.iter().enumerate() {
                out[start + i] = digit - b'0';
            }
            out
        };
        let (mut a, b) = (spread(self), spread(other));
        let mut carry = 0i8;
        for j in (0..width).rev() {
            let mut v = a[j] as i8 + carry + if add { b[j] as i8 } else { -(b[j] as i8) };
            carry = 0;
            if v >= 10 {
                v -= 10;
                carry = 1;
            } else if v < 0 {
                v += 10;
                carry = -1;
            }
            a[j] = v as u8;
        }
        let zeros = a.iter().take_while(|d| **d == 0).count();
        let mut digits: Vec<u8> = a[zeros..].iter().map(|d| d + b'0').collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal {
            digits,
            point: high - zeros as i64,
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.digits.get(i).copied().unwrap_or(b'0')
    }

    fn round_down(&mut self, n: usize) {
        self.digits.truncate(n);
        while self.digits.last() == Some(&b'0') {
            self.digits.pop();
        }
    }

    fn round_up(&mut self, n: usize) {
        if n >= self.digits.len() {
            return;
        }
        let mut i = n;
        while i > 0 && self.digits[i - 1] >= b'9' {
            i -= 1;
        }
        if i == 0 {
            self.digits = vec![b'1'];
            self.point += 1;
        } else {
            self.digits[i - 1] += 1;
            self.digits.truncate(i);
        }
    }

    /// Go's `decimal.round` with a possibly negative position (then a no-op).
    fn round_at(&mut self, n: i64) {
        if n >= 0 {
            self.round(n as usize);
        }
    }

    /// Go's `fmtE`.
    fn format_e(&self, verb: char, prec: i64) -> String {
        let mut out = String::new();
        out.push(self.digits.first().map_or('0', |d| *d as char));
        if prec > 0 {
            out.push('.');
            for i in 1..=prec as usize {
                out.push(self.at(i) as char);
            }
        }
        out.push(verb);
        let exp = if self.digits.is_empty() {
            0
        } else {
            self.point - 1
        };
        out.push(if exp < 0 { '-' } else { '+' });
        if exp.abs() < 10 {
            out.push('0');
        }
        out.push_str(&exp.abs().to_string());
        out
    }

    /// Go's `fmtF`.
    fn format_f(&self, prec: i64) -> String {
        let mut out = String::new();
        if self.point > 0 {
            for i in 0..self.point as usize {
                out.push(self.at(i) as char);
            }
        } else {
            out.push('0');
        }
        if prec > 0 {
            out.push('.');
            for i in 0..prec {
                let at = self.point + i;
                out.push(if at < 0 {
                    '0'
                } else {
                    self.at(at as usize) as char
                });
            }
        }
        out
    }

    fn round(&mut self, n: usize) {
        let up = match self.digits.get(n) {
            Some(b'5') if n + 1 == self.digits.len() => {
                n > 0 && (self.digits[n - 1] - b'0') % 2 == 1
            }
            Some(d) => *d >= b'5',
            None => false,
        };
        if up {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }
}

impl fmt::Display for Number {
    /// As `terraform console` prints a number (Go's `big.Float.Text('f', -1)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        if self.infinite {
            let sign = if self.negative { "-" } else { "+" };
            return write!(f, "{sign}Inf");
        }
        if self.is_zero() {
            return write!(f, "{sign}0");
        }
        if self.exponent.abs() > MAX_PRINTED_EXPONENT {
            return write!(f, "{}", self.to_f64());
        }
        let m = self.nat();
        // Fast path: an integer of at most 64 bits and no more bits than the precision
        // prints as its digits (no shorter decimal lies within half an ulp of it).
        let bits = m.bit_len() + self.exponent.max(0) as u64;
        if self.exponent >= 0 && bits <= 64 && bits <= u64::from(self.prec) {
            let exact = m.shl(self.exponent as u64).low_u64();
            return write!(f, "{sign}{exact}");
        }
        let mut d = Decimal::new(&m, self.exponent);
        shortest_round(&mut d, &m, self.exponent, self.prec);
        f.write_str(sign)?;
        if d.point > 0 {
            let int_len = d.point as usize;
            for i in 0..int_len {
                write!(f, "{}", d.at(i) as char)?;
            }
            if d.digits.len() > int_len {
                f.write_str(".")?;
                f.write_str(std::str::from_utf8(&d.digits[int_len..]).unwrap_or(""))?;
            }
        } else {
            f.write_str("0.")?;
            for _ in 0..d.point.unsigned_abs() {
                f.write_str("0")?;
            }
            f.write_str(std::str::from_utf8(&d.digits).unwrap_or(""))?;
        }
        Ok(())
    }
}

impl Number {
    /// Go's `big.Float.Text(verb, prec)` for `e`, `E`, `f`, `g`, `G`; `None` precision
    /// is the shortest representation (`-1` in Go).
    pub fn format_float(&self, verb: char, prec: Option<usize>) -> String {
        let sign = if self.negative { "-" } else { "" };
        if self.infinite {
            let sign = if self.negative { "-" } else { "+" };
            return format!("{sign}Inf");
        }
        let m = self.nat();
        let mut d = if self.is_zero() || self.exponent.abs() > MAX_PRINTED_EXPONENT {
            Decimal {
                digits: Vec::new(),
                point: 0,
            }
        } else {
            Decimal::new(&m, self.exponent)
        };
        let shortest = prec.is_none();
        let mut prec = match prec {
            None => {
                shortest_round(&mut d, &m, self.exponent, self.prec);
                match verb {
                    'e' | 'E' => d.digits.len().saturating_sub(1) as i64,
                    'f' => (d.digits.len() as i64 - d.point).max(0),
                    _ => d.digits.len() as i64,
                }
            }
            Some(p) => {
                let p = p as i64;
                match verb {
                    'e' | 'E' => d.round_at(1 + p),
                    'f' => d.round_at(d.point + p),
                    _ => d.round_at(p.max(1)),
                }
                if matches!(verb, 'g' | 'G') {
                    p.max(1)
                } else {
                    p
                }
            }
        };
        let body = match verb {
            'e' | 'E' => d.format_e(verb, prec),
            'f' => d.format_f(prec),
            _ => {
                let mut eprec = prec;
                let len = d.digits.len() as i64;
                if eprec > len && len >= d.point {
                    eprec = len;
                }
                if shortest {
                    eprec = 6;
                }
                let exp = d.point - 1;
                let e_verb = if verb == 'G' { 'E' } else { 'e' };
                if exp < -4 || exp >= eprec {
                    if prec > len {
                        prec = len;
                    }
                    d.format_e(e_verb, prec - 1)
                } else {
                    if prec > d.point {
                        prec = len;
                    }
                    d.format_f((prec - d.point).max(0))
                }
            }
        };
        format!("{sign}{body}")
    }

    /// The digits of an integer in `base` (2 to 16, lowercase) and whether it is
    /// negative; `None` if the number is not a whole number.
    pub fn integer_digits(&self, base: u64) -> Option<(bool, String)> {
        if !self.is_integer() {
            return None;
        }
        let mut n = self.nat().shl(self.exponent.max(0) as u64);
        if n.is_zero() {
            return Some((false, "0".to_string()));
        }
        let mut digits = Vec::new();
        let divisor = Nat::from_u64(base);
        while !n.is_zero() {
            let (q, r) = n.div_rem(&divisor)?;
            digits.push(char::from_digit(r.low_u64() as u32, base as u32)?);
            n = q;
        }
        Some((self.negative, digits.iter().rev().collect()))
    }
}

/// Go's `roundShortest`: the fewest digits that still round to `m * 2^e` at `prec` bits.
fn shortest_round(d: &mut Decimal, m: &Nat, e: i64, prec: u32) {
    if d.digits.is_empty() {
        return;
    }
    // Scale the mantissa to prec+1 bits so its last bit is half an ulp.
    let s = m.bit_len() as i64 - (i64::from(prec) + 1);
    let m = if s < 0 {
        m.shl(s.unsigned_abs())
    } else {
        m.shr(s as u64)
    };
    let e = e + s;
    // The bounds are d -/+ 2^e, computed on the digits (one small conversion instead
    // of two large ones).
    let half_ulp = Decimal::new(&Nat::from_u64(1), e);
    let lower = d.offset(&half_ulp, false);
    let upper = d.offset(&half_ulp, true);
    let inclusive = !m.bit(1);
    for i in 0..d.digits.len() {
        let digit = d.digits[i];
        let l = lower.at(i);
        let u = upper.at(i);
        let ok_down = l != digit || (inclusive && i + 1 == lower.digits.len());
        let ok_up = digit != u && (inclusive || digit + 1 < u || i + 1 < upper.digits.len());
        match (ok_down, ok_up) {
            (true, true) => return d.round(i + 1),
            (true, false) => return d.round_down(i + 1),
            (false, true) => return d.round_up(i + 1),
            (false, false) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::parse(text).unwrap_or(Number::from_i64(-999))
    }

    #[test]
    fn integer_literals_parse_as_the_general_path_does() {
        let general = |text: &str| format!("{:?}", n(text));
        for int in [
            "1",
            "7",
            "443",
            "65535",
            "0001",
            "123456789012345678",
            "9999999999999999999",
            "18446744073709551616",
            "340282366920938463463374607431768211457",
        ] {
            // `.0` takes the path that divides by a power of ten.
            assert_eq!(general(int), general(&format!("{int}.0")), "{int}");
            assert_eq!(general(&format!("-{int}")), general(&format!("-{int}.0")));
        }
        // `1.5e1` and `10` take the fast path (no scaling left); `150e-1` divides and
        // `1e1` multiplies.
        assert_eq!(general("1.5e1"), general("150e-1"));
        assert_eq!(general("10"), general("1e1"));
    }

    #[test]
    fn small_integer_fast_paths_match_the_general_arithmetic() {
        let magnitudes = [
            1i64,
            2,
            3,
            7,
            10,
            443,
            65535,
            1 << 40,
            (1 << 61) + 1,
            (1 << 62) - 1,
            1 << 62,
            i64::MAX,
        ];
        let mut numbers = Vec::new();
        for m in magnitudes {
            for value in [m, -m] {
                numbers.push(Number::from_i64(value));
                numbers.push(n(&value.to_string()));
            }
        }
        let general_add = |a: Number, b: Number, prec: u32| {
            if a.is_zero() || b.is_zero() {
                add_at(a, b, prec)
            } else {
                add_nonzero(a, b, prec)
            }
        };
        let debug = |n: Number| format!("{n:?}");
        for &a in &numbers {
            assert_eq!(a.to_i128(), a.big_to_i128(), "{a:?}");
            for &b in &numbers {
                for prec in [64, 100, 512] {
                    assert_eq!(
                        debug(add_at(a, b, prec)),
                        debug(general_add(a, b, prec)),
                        "{a} + {b} at {prec}"
                    );
                    assert_eq!(
                        debug(mul_at(a, b, prec)),
                        debug(mul_nonzero(a, b, prec)),
                        "{a} * {b} at {prec}"
                    );
                }
                assert_eq!(
                    magnitude_cmp(&a, &b),
                    finite_magnitude_cmp(&a, &b),
                    "{a} <> {b}"
                );
                assert_eq!(
                    a.checked_rem(b).map(debug),
                    Some(debug(a.finite_rem(b))),
                    "{a} % {b}"
                );
            }
        }
    }

    #[test]
    fn prints_like_terraform_console() {
        assert_eq!((n("0.1") + n("0.2")).to_string(), "0.3");
        assert_eq!((n("0.1") * n("3")).to_string(), "0.3");
        assert_eq!(n("1e3").to_string(), "1000");
        assert_eq!(n("1e-7").to_string(), "0.0000001");
        assert_eq!(n("-0").to_string(), "-0");
        assert_eq!(
            (n("9007199254740993") + n("0")).to_string(),
            "9007199254740993"
        );
        let third = "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335";
        assert_eq!((n("1") / n("3")).to_string(), third);
        let len = Number::from_i64(4) / Number::from_i64(3);
        assert_eq!(len.to_string(), "1.3333333333333333334");
        assert_eq!(
            Number::from_f64(2f64.sqrt()).to_string(),
            "1.4142135623730951"
        );
        let root = Number::from_f64(2f64.sqrt());
        assert_eq!(
            (root + n("0")).to_string(),
            "1.4142135623730951454746218587388284504413604736328125"
        );
        assert_eq!(
            (root * root).to_string(),
            "2.00000000000000027343234630647693"
        );
        assert_eq!((n("1") / n("0")).to_string(), "+Inf");
    }

    #[test]
    fn remainder_takes_the_dividends_sign() {
        let rem = |a: &str, b: &str| n(a).checked_rem(n(b)).map(|r| r.to_string());
        assert_eq!(rem("-7", "3").as_deref(), Some("-1"));
        assert_eq!(rem("7", "-3").as_deref(), Some("1"));
        assert_eq!(rem("-7.5", "2").as_deref(), Some("-1.5"));
        assert_eq!(rem("5", "0"), None);
    }

    #[test]
    fn integers_and_rounding() {
        assert_eq!(
            n("12345678901234567890123").to_string(),
            "12345678901234567890123"
        );
        assert_eq!(n("2.5").floor().to_string(), "2");
        assert_eq!(n("-2.5").floor().to_string(), "-3");
        assert_eq!(n("2.1").ceil().to_string(), "3");
        assert_eq!(n("-2.5").trunc().to_i64(), Some(-2));
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(n("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(n("0.1").to_f64(), 0.1);
        assert!(n("2") > n("1.5"));
        assert_eq!(Number::from_i64(1), n("1"));
        assert!(Number::parse("0x10").is_none());
        assert!(Number::parse("1_000").is_none());
    }
}
