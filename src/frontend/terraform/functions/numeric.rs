//! Numeric functions. Results keep cty's precisions (see [`Number`]).

use super::super::convert::{to_elements, to_number, to_string};
use super::super::number::Number;
use super::super::value::Value;
use super::{arg_error, arity, gomath};

pub const NAMES: &[&str] = &[
    "abs", "ceil", "floor", "max", "min", "sum", "signum", "pow", "log", "parseint",
];

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let result = match name {
        "abs" => unary(name, args, Number::abs),
        "ceil" => unary(name, args, Number::ceil),
        "floor" => unary(name, args, Number::floor),
        "signum" => arity(name, args, 1, 1).and_then(|()| signum(&args[0])),
        "max" => extreme(args, std::cmp::Ordering::Greater),
        "min" => extreme(args, std::cmp::Ordering::Less),
        "sum" => arity(name, args, 1, 1).and_then(|()| sum(&args[0])),
        "pow" => float2(name, args, gomath::pow),
        "log" => float2(name, args, |x, base| gomath::log(x) / gomath::log(base)),
        "parseint" => arity(name, args, 2, 2).and_then(|()| parseint(&args[0], &args[1])),
        _ => return None,
    };
    Some(result)
}

fn number_arg(value: &Value) -> Result<Number, String> {
    to_number(value).map_err(|e| arg_error("num", e))
}

fn unary(name: &str, args: &[Value], f: impl Fn(Number) -> Number) -> Result<Value, String> {
    arity(name, args, 1, 1)?;
    Ok(Value::number(f(number_arg(&args[0])?)))
}

fn float2(name: &str, args: &[Value], f: impl Fn(f64, f64) -> f64) -> Result<Value, String> {
    arity(name, args, 2, 2)?;
    let a = number_arg(&args[0])?.to_f64();
    let b = number_arg(&args[1])?.to_f64();
    let result = f(a, b);
    if result.is_nan() {
        return Err("the result is not a number".to_string());
    }
    Ok(Value::number(Number::from_f64(result)))
}

/// `max`/`min`: the first argument that no later one beats.
fn extreme(args: &[Value], wanted: std::cmp::Ordering) -> Result<Value, String> {
    let mut best: Option<Number> = None;
    for arg in args {
        let n = number_arg(arg)?;
        if best.is_none_or(|b| n.total_cmp(&b) == wanted) {
            best = Some(n);
        }
    }
    best.map(Value::number)
        .ok_or_else(|| "must pass at least one number".to_string())
}

/// `signum` takes whole numbers only.
fn signum(value: &Value) -> Result<Value, String> {
    let n = number_arg(value)?;
    let n = n
        .to_i64()
        .ok_or_else(|| arg_error("num", format!("value must be a whole number, got {n}")))?;
    Ok(Value::number(Number::from_i64(n.signum())))
}

fn sum(list: &Value) -> Result<Value, String> {
    let items = to_elements(list).map_err(|e| arg_error("list", e))?;
    let mut numbers = items.iter().map(|item| match item {
        Value::Null => Err("argument must be list, set, or tuple of number values".to_string()),
        other => to_number(other).map_err(|e| arg_error("list", e)),
    });
    let mut total = match numbers.next() {
        Some(first) => first?,
        None => return Err("cannot sum an empty list".to_string()),
    };
    for n in numbers {
        total = total + n?;
    }
    Ok(Value::number(total))
}

/// `parseint(str, base)`: Go's `big.Int.SetString` with an explicit base (a sign is
/// allowed, prefixes and `_` are not).
fn parseint(text: &Value, base: &Value) -> Result<Value, String> {
    let text = to_string(text).map_err(|e| arg_error("number", e))?;
    let base = number_arg(base)?
        .to_i64()
        .filter(|b| (2..=36).contains(b))
        .ok_or_else(|| "base must be a whole number between 2 and 62 inclusive".to_string())?;
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    let invalid = || format!("cannot parse {text:?} as a base {base} integer");
    if digits.is_empty() {
        return Err(invalid());
    }
    let digits = digits
        .chars()
        .map(|c| c.to_digit(base as u32).ok_or_else(invalid))
        .collect::<Result<Vec<u32>, String>>()?;
    Ok(Value::number(Number::from_digits(
        negative,
        &digits,
        base as u32,
    )))
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::*;

    fn n(x: &str) -> Value {
        Value::number(Number::parse(x).unwrap_or(Number::from_i64(-999)))
    }

    #[test]
    fn numeric_functions() {
        assert_eq!(
            call("max", vec![n("1"), n("3"), Value::String("2".into())]),
            Ok(n("3"))
        );
        assert_eq!(call("min", vec![n("1"), n("-3")]), Ok(n("-3")));
        assert!(call("max", vec![]).is_err());
        assert_eq!(call("floor", vec![n("-1.5")]), Ok(n("-2")));
        assert_eq!(call("ceil", vec![n("1.2")]), Ok(n("2")));
        assert_eq!(call("abs", vec![n("-1.2")]), Ok(n("1.2")));
        assert_eq!(
            call("sum", vec![Value::List(vec![n("0.1"), n("0.2")])]).map(|v| format!("{v:?}")),
            Ok(format!("{:?}", n("0.3")))
        );
        assert!(call("sum", vec![Value::List(vec![])]).is_err());
        assert_eq!(
            call("parseint", vec![Value::String("ff".into()), n("16")]),
            Ok(n("255"))
        );
        assert!(call("parseint", vec![Value::String("0xff".into()), n("16")]).is_err());
    }
}
