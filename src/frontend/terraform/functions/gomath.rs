//! Go's `math.Log` and `math.Pow`, ported so `log` and `pow` give Terraform's last
//! bits (Go's algorithms are not correctly rounded, so the platform's differ).

const SQRT2_HALF: f64 = std::f64::consts::SQRT_2 / 2.0;

/// Go's `math.Frexp`: `x = frac * 2^exp` with `frac` in `[0.5, 1)`.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, bias) = if x.abs() < f64::MIN_POSITIVE {
        (x * (1u64 << 52) as f64, -52)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1022 + bias;
    let frac = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (frac, exp)
}

/// Go's `math.Ldexp`: `frac * 2^exp`.
fn ldexp(frac: f64, exp: i32) -> f64 {
    let mut value = frac;
    let mut exp = exp;
    while exp > 1000 {
        value *= 2f64.powi(1000);
        exp -= 1000;
    }
    while exp < -1000 {
        value *= 2f64.powi(-1000);
        exp += 1000;
    }
    value * 2f64.powi(exp)
}

/// Go's `math.Log` (FreeBSD's `e_log.c`), with its constants given as bits.
pub fn log(x: f64) -> f64 {
    let ln2_hi = f64::from_bits(0x3fe6_2e42_fee0_0000);
    let ln2_lo = f64::from_bits(0x3dea_39ef_3579_3c76);
    let l1 = f64::from_bits(0x3fe5_5555_5555_5593);
    let l2 = f64::from_bits(0x3fd9_9999_9997_fa04);
    let l3 = f64::from_bits(0x3fd2_4924_9422_9359);
    let l4 = f64::from_bits(0x3fcc_71c5_1d8e_78af);
    let l5 = f64::from_bits(0x3fc7_4664_96cb_03de);
    let l6 = f64::from_bits(0x3fc3_9a09_d078_c69f);
    let l7 = f64::from_bits(0x3fc2_f112_df3e_5244);
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    let (mut f1, mut ki) = frexp(x);
    if f1 < SQRT2_HALF {
        f1 *= 2.0;
        ki -= 1;
    }
    let f = f1 - 1.0;
    let k = f64::from(ki);
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)));
    let t2 = s4 * (l2 + s4 * (l4 + s4 * l6));
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f)
}

/// Go's `math.Pow`. Its fractional part uses `exp`, which is the platform's here.
pub fn pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 || x.is_infinite() || y.is_infinite() {
        return x.powf(y);
    }
    if y == 0.5 {
        return x.sqrt();
    }
    if y == -0.5 {
        return 1.0 / x.sqrt();
    }
    let mut yi = y.abs().trunc();
    let mut yf = y.abs() - yi;
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= 2f64.powi(63) {
        return x.powf(y);
    }
    let mut a1 = 1.0;
    let mut ae = 0i64;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = (yf * log(x)).exp();
    }
    let (mut x1, xe) = frexp(x);
    let mut xe = i64::from(xe);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae.clamp(-100_000, 100_000) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_go() {
        // Go: math.Log(3)/math.Log(2) == 1.584962500721156 (the platform gives ...563).
        assert_eq!((log(3.0) / log(2.0)).to_string(), "1.584962500721156");
        assert_eq!(pow(2.0, 10.0), 1024.0);
        assert_eq!(pow(2.0, -1.0), 0.5);
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(ldexp(0.5, 4), 8.0);
    }
}
