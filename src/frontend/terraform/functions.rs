//! Terraform's built-in functions. Results must equal `terraform console`'s.

use super::value::Value;

/// Calls a built-in function. `Err` carries Terraform's error text; an unsupported
/// function is `Ok(Value::Unknown(..))`.
pub fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
    let _ = args;
    Ok(Value::Unknown(format!(
        "function {name}() is not supported"
    )))
}
