//! Unsigned integers of any size: just what [`super::Number`] needs to emulate Go's
//! `big.Float` (add, subtract, multiply, divide, shifts, decimal conversion).

use std::cmp::Ordering;

/// Little-endian 64-bit limbs without high zero limbs (zero is the empty vector).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nat(Vec<u64>);

impl Nat {
    pub fn from_u64(n: u64) -> Nat {
        Nat(vec![n]).normalized()
    }

    pub fn from_limbs(limbs: &[u64]) -> Nat {
        Nat(limbs.to_vec()).normalized()
    }

    pub fn limbs(&self) -> &[u64] {
        &self.0
    }

    fn normalized(mut self) -> Nat {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    pub fn bit_len(&self) -> u64 {
        match self.0.last() {
            Some(top) => self.0.len() as u64 * 64 - u64::from(top.leading_zeros()),
            None => 0,
        }
    }

    pub fn trailing_zeros(&self) -> u64 {
        let mut count = 0;
        for limb in &self.0 {
            if *limb == 0 {
                count += 64;
            } else {
                return count + u64::from(limb.trailing_zeros());
            }
        }
        count
    }

    pub fn bit(&self, i: u64) -> bool {
        let limb = (i / 64) as usize;
        self.0.get(limb).is_some_and(|l| (l >> (i % 64)) & 1 == 1)
    }

    /// Whether any of the bits below position `n` is set.
    pub fn any_bit_below(&self, n: u64) -> bool {
        n > 0 && self.trailing_zeros() < n && !self.is_zero()
    }

    pub fn low_u64(&self) -> u64 {
        self.0.first().copied().unwrap_or(0)
    }

    pub fn shl(&self, n: u64) -> Nat {
        if self.is_zero() {
            return Nat::default();
        }
        let limbs = (n / 64) as usize;
        let bits = (n % 64) as u32;
        let mut out = vec![0u64; limbs];
        out.reserve(self.0.len() + 1);
        if bits == 0 {
            out.extend_from_slice(&self.0);
        } else {
            let mut carry = 0u64;
            for limb in &self.0 {
                out.push((limb << bits) | carry);
                carry = limb >> (64 - bits);
            }
            out.push(carry);
        }
        Nat(out).normalized()
    }

    pub fn shr(&self, n: u64) -> Nat {
        let limbs = (n / 64) as usize;
        if limbs >= self.0.len() {
            return Nat::default();
        }
        let bits = (n % 64) as u32;
        let src = &self.0[limbs..];
        let out = if bits == 0 {
            src.to_vec()
        } else {
            (0..src.len())
                .map(|i| {
                    let high = src.get(i + 1).map_or(0, |h| h << (64 - bits));
                    (src[i] >> bits) | high
                })
                .collect()
        };
        Nat(out).normalized()
    }

    pub fn add(&self, other: &Nat) -> Nat {
        let (long, short) = if self.0.len() >= other.0.len() {
            (&self.0, &other.0)
        } else {
            (&other.0, &self.0)
        };
        let mut out = Vec::with_capacity(long.len() + 1);
        let mut carry = false;
        for (i, a) in long.iter().enumerate() {
            let b = short.get(i).copied().unwrap_or(0);
            let (s1, c1) = a.overflowing_add(b);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            out.push(s2);
            carry = c1 || c2;
        }
        out.push(u64::from(carry));
        Nat(out).normalized()
    }

    /// `self - other`; `other` must not be larger.
    pub fn sub(&self, other: &Nat) -> Nat {
        let mut out = self.0.clone();
        sub_in_place(&mut out, &other.0);
        Nat(out).normalized()
    }

    pub fn mul(&self, other: &Nat) -> Nat {
        if self.is_zero() || other.is_zero() {
            return Nat::default();
        }
        let mut out = vec![0u64; self.0.len() + other.0.len()];
        for (i, a) in self.0.iter().enumerate() {
            let mut carry = 0u128;
            for (j, b) in other.0.iter().enumerate() {
                let t = u128::from(*a) * u128::from(*b) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + other.0.len()] = carry as u64;
        }
        Nat(out).normalized()
    }

    pub fn mul_small(&self, m: u64) -> Nat {
        self.mul(&Nat::from_u64(m))
    }

    /// Quotient and remainder; `None` when dividing by zero.
    pub fn div_rem(&self, divisor: &Nat) -> Option<(Nat, Nat)> {
        if divisor.is_zero() {
            return None;
        }
        if self.cmp(divisor) == Ordering::Less {
            return Some((Nat::default(), self.clone()));
        }
        if let [small] = divisor.0.as_slice() {
            let (q, r) = self.div_rem_small(*small);
            return Some((q, Nat::from_u64(r)));
        }
        let bits = self.bit_len();
        let mut quotient = vec![0u64; self.0.len()];
        let mut rem: Vec<u64> = Vec::with_capacity(divisor.0.len() + 1);
        for i in (0..bits).rev() {
            shl1_in_place(&mut rem, self.bit(i));
            if cmp_limbs(&rem, &divisor.0) != Ordering::Less {
                sub_in_place(&mut rem, &divisor.0);
                quotient[(i / 64) as usize] |= 1 << (i % 64);
            }
        }
        Some((Nat(quotient).normalized(), Nat(rem).normalized()))
    }

    fn div_rem_small(&self, d: u64) -> (Nat, u64) {
        let mut out = vec![0u64; self.0.len()];
        let mut rem = 0u128;
        for i in (0..self.0.len()).rev() {
            let cur = (rem << 64) | u128::from(self.0[i]);
            out[i] = (cur / u128::from(d)) as u64;
            rem = cur % u128::from(d);
        }
        (Nat(out).normalized(), rem as u64)
    }

    pub fn pow5(n: u64) -> Nat {
        let mut result = Nat::from_u64(1);
        let mut base = Nat::from_u64(5);
        let mut n = n;
        while n > 0 {
            if n & 1 == 1 {
                result = result.mul(&base);
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(&base);
            }
        }
        result
    }

    /// Decimal digits (`"0"` for zero).
    pub fn to_decimal(&self) -> String {
        const CHUNK: u64 = 10_000_000_000_000_000_000;
        let mut chunks = Vec::new();
        let mut rest = self.clone();
        while !rest.is_zero() {
            let (q, r) = rest.div_rem_small(CHUNK);
            chunks.push(r);
            rest = q;
        }
        let mut out = match chunks.pop() {
            Some(top) => top.to_string(),
            None => return "0".to_string(),
        };
        for chunk in chunks.iter().rev() {
            out.push_str(&format!("{chunk:019}"));
        }
        out
    }

    /// The value of a string of ASCII digits (other bytes are skipped by the caller).
    pub fn from_decimal(digits: &[u8]) -> Nat {
        let mut out = Nat::default();
        for chunk in digits.chunks(19) {
            let mut value = 0u64;
            for d in chunk {
                value = value * 10 + u64::from(d - b'0');
            }
            out = out
                .mul_small(10u64.pow(chunk.len() as u32))
                .add(&Nat::from_u64(value));
        }
        out
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_limbs(&self.0, &other.0)
    }
}

/// Compares limb vectors that may have high zero limbs.
fn cmp_limbs(a: &[u64], b: &[u64]) -> Ordering {
    let len = a.len().max(b.len());
    for i in (0..len).rev() {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

fn shl1_in_place(limbs: &mut Vec<u64>, low_bit: bool) {
    let mut carry = u64::from(low_bit);
    for limb in limbs.iter_mut() {
        let next = *limb >> 63;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
    if carry != 0 {
        limbs.push(carry);
    }
}

/// `a -= b` where `a >= b`.
fn sub_in_place(a: &mut [u64], b: &[u64]) {
    let mut borrow = false;
    for (i, limb) in a.iter_mut().enumerate() {
        let y = b.get(i).copied().unwrap_or(0);
        let (d1, b1) = limb.overflowing_sub(y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *limb = d2;
        borrow = b1 || b2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_round_trips_through_decimal() {
        let a = Nat::from_decimal(b"123456789012345678901234567890123456789");
        assert_eq!(a.to_decimal(), "123456789012345678901234567890123456789");
        let b = Nat::from_decimal(b"98765432109876543210");
        let (q, r) = a
            .mul(&b)
            .add(&Nat::from_u64(7))
            .div_rem(&b)
            .unwrap_or_default();
        assert_eq!(q, a);
        assert_eq!(r, Nat::from_u64(7));
        assert_eq!(a.shl(77).shr(77), a);
        assert_eq!(Nat::pow5(3).to_decimal(), "125");
        assert_eq!(a.sub(&a), Nat::default());
    }
}
