//! Evaluation budgets of one Terraform unit (a root module with its child modules), so
//! that no configuration can take the process down: `count = 1e12`, `format("%0999999999d",
//! 1)` or three nested `for` over `range(1000)` end fast, with a note saying which budget
//! ran out, where, and which `[limits]` key of `vpclint.toml` raises it. A value over
//! budget is unknown, never an error: `try()` and `can()` cannot turn it into a value.

use super::value::Value;
use std::cell::Cell;

/// The budgets (`[limits]` in `vpclint.toml`). The defaults are far above what public
/// modules use and keep a hostile unit under about a second and a few hundred megabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Expressions evaluated, `for` iterations included.
    pub max_steps: u64,
    /// Resource and module instances created by `count` and `for_each`.
    pub max_instances: u64,
    /// Collection elements built (by `for`, functions, references copying a value).
    pub max_elements: u64,
    /// String bytes built (by templates, functions, references copying a value).
    pub max_string_bytes: u64,
    /// Module calls nested in module calls.
    pub max_module_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 1_000_000,
            max_instances: 20_000,
            max_elements: 1_000_000,
            max_string_bytes: 64 << 20,
            max_module_depth: 32,
        }
    }
}

/// Which budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetKind {
    Steps,
    Instances,
    Elements,
    StringBytes,
    ModuleDepth,
}

impl BudgetKind {
    /// The `[limits]` key that raises it.
    pub fn config_key(self) -> &'static str {
        match self {
            BudgetKind::Steps => "max_steps",
            BudgetKind::Instances => "max_instances",
            BudgetKind::Elements => "max_elements",
            BudgetKind::StringBytes => "max_string_bytes",
            BudgetKind::ModuleDepth => "max_module_depth",
        }
    }

    fn counted(self) -> &'static str {
        match self {
            BudgetKind::Steps => "evaluation steps",
            BudgetKind::Instances => "count/for_each instances",
            BudgetKind::Elements => "collection elements",
            BudgetKind::StringBytes => "string bytes",
            BudgetKind::ModuleDepth => "nested module calls",
        }
    }

    fn limit(self, limits: &Limits) -> u64 {
        match self {
            BudgetKind::Steps => limits.max_steps,
            BudgetKind::Instances => limits.max_instances,
            BudgetKind::Elements => limits.max_elements,
            BudgetKind::StringBytes => limits.max_string_bytes,
            BudgetKind::ModuleDepth => u64::from(limits.max_module_depth),
        }
    }
}

/// What a value holds, as the budgets count it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Weight {
    pub elements: u64,
    pub string_bytes: u64,
}

impl Weight {
    pub fn of(value: &Value) -> Weight {
        let mut weight = Weight::default();
        weight.add_value(value);
        weight
    }

    fn add_value(&mut self, value: &Value) {
        match value {
            Value::String(s) => self.string_bytes += s.len() as u64,
            Value::List(items) | Value::Set(items) => {
                self.elements += items.len() as u64;
                items.iter().for_each(|item| self.add_value(item));
            }
            Value::Map(entries) => {
                self.elements += entries.len() as u64;
                for (key, item) in entries {
                    self.string_bytes += key.len() as u64;
                    self.add_value(item);
                }
            }
            _ => {}
        }
    }

    pub fn plus(self, other: Weight) -> Weight {
        Weight {
            elements: self.elements.saturating_add(other.elements),
            string_bytes: self.string_bytes.saturating_add(other.string_bytes),
        }
    }

    pub fn times(self, factor: u64) -> Weight {
        Weight {
            elements: self.elements.saturating_mul(factor),
            string_bytes: self.string_bytes.saturating_mul(factor),
        }
    }
}

/// The budgets of one unit and what has been spent.
#[derive(Debug)]
pub(super) struct Budget {
    limits: Limits,
    steps: Cell<u64>,
    instances: Cell<u64>,
    elements: Cell<u64>,
    string_bytes: Cell<u64>,
    /// A budget that ran out since the last note about one.
    unreported: Cell<Option<BudgetKind>>,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits,
            steps: Cell::new(0),
            instances: Cell::new(0),
            elements: Cell::new(0),
            string_bytes: Cell::new(0),
            unreported: Cell::new(None),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// One evaluation step.
    pub fn step(&self) -> Result<(), BudgetKind> {
        self.spend(&self.steps, BudgetKind::Steps, 1)
    }

    /// Steps a function's work costs beyond building its result ([`call_work`]).
    pub fn work(&self, steps: u64) -> Result<(), BudgetKind> {
        self.spend(&self.steps, BudgetKind::Steps, steps)
    }

    pub fn instances(&self, count: u64) -> Result<(), BudgetKind> {
        self.spend(&self.instances, BudgetKind::Instances, count)
    }

    /// Spends a value's weight: it has just been built or copied.
    pub fn value(&self, value: &Value) -> Result<(), BudgetKind> {
        self.weight(Weight::of(value))
    }

    pub fn weight(&self, weight: Weight) -> Result<(), BudgetKind> {
        self.fits(weight)?;
        self.spend(&self.elements, BudgetKind::Elements, weight.elements)?;
        self.spend(
            &self.string_bytes,
            BudgetKind::StringBytes,
            weight.string_bytes,
        )
    }

    /// Whether a value of this weight could still be built (checked before building it).
    pub fn fits(&self, weight: Weight) -> Result<(), BudgetKind> {
        for (spent, kind, amount) in [
            (&self.elements, BudgetKind::Elements, weight.elements),
            (
                &self.string_bytes,
                BudgetKind::StringBytes,
                weight.string_bytes,
            ),
        ] {
            if spent.get().saturating_add(amount) > kind.limit(&self.limits) {
                return Err(self.exceeded(kind));
            }
        }
        Ok(())
    }

    fn spend(&self, spent: &Cell<u64>, kind: BudgetKind, amount: u64) -> Result<(), BudgetKind> {
        let total = spent.get().saturating_add(amount);
        if total > kind.limit(&self.limits) {
            return Err(self.exceeded(kind));
        }
        spent.set(total);
        Ok(())
    }

    /// Records that `kind` ran out (for the next [`Budget::take_unreported`]).
    pub fn exceeded(&self, kind: BudgetKind) -> BudgetKind {
        if self.unreported.get().is_none() {
            self.unreported.set(Some(kind));
        }
        kind
    }

    /// The budget that ran out since the last call, to be reported once, where it happened.
    pub fn take_unreported(&self) -> Option<BudgetKind> {
        self.unreported.take()
    }

    /// The note's text: which budget, and how to raise it.
    pub fn message(&self, kind: BudgetKind, what: &str) -> String {
        format!(
            "{what}: evaluation budget exceeded (more than {} {} in this root module; raise `{}` under [limits] in vpclint.toml)",
            kind.limit(&self.limits),
            kind.counted(),
            kind.config_key()
        )
    }
}

/// The unknown value standing for a value over budget.
pub(super) fn over_budget(kind: BudgetKind) -> Value {
    Value::Unknown(format!(
        "evaluation budget exceeded ({})",
        kind.config_key()
    ))
}

/// Evaluation steps a function call costs beyond building its result. Compression runs at
/// about 25 MB/s and hashing at about 100 MB/s where everything else is linear at memory
/// speed, so `base64gzip` counts a step per 16 input bytes and the hashes one per 64: the
/// default budget then bounds a unit's compressing to 16 MB or its hashing to 64 MB, under
/// a second (a 16 KB `user_data` costs 1,000 steps). A compression also sets up 700 KB of
/// tables whatever its input (about 15 µs): 32 steps more per call, or a loop compressing
/// one byte 300,000 times would run for seconds within the budget.
pub(super) fn call_work(name: &str, args: &[Value]) -> u64 {
    let (per_call, bytes_per_step) = match name {
        "base64gzip" => (32, 16),
        "md5" | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" | "uuidv5" => {
            (0, 64)
        }
        _ => return 0,
    };
    per_call
        + match args {
            [.., Value::String(text)] => text.len() as u64 / bytes_per_step,
            _ => 0,
        }
}

/// An upper bound of what a function call builds, checked before calling it: the
/// arguments' weight (most functions build no more than they are given), and for the
/// functions that can build much more, what they can add.
pub(super) fn call_estimate(name: &str, args: &[Value]) -> Weight {
    let given = args
        .iter()
        .map(Weight::of)
        .fold(Weight::default(), Weight::plus);
    let longest_list = || {
        args.iter()
            .filter_map(|a| match a {
                Value::List(items) | Value::Set(items) => Some(items.len() as u64),
                _ => None,
            })
            .max()
            .unwrap_or(1)
            .max(1)
    };
    match (name, args) {
        ("format", [Value::String(spec), ..]) => given.plus(Weight {
            elements: 0,
            string_bytes: padding(spec),
        }),
        ("formatlist", [Value::String(spec), ..]) => {
            let per_item = Weight {
                elements: 1,
                string_bytes: padding(spec).saturating_add(spec.len() as u64),
            };
            given.plus(per_item.times(longest_list()))
        }
        ("replace", [Value::String(s), Value::String(find), Value::String(with), ..]) => {
            let matches = (s.len() as u64 + 1) / (find.len() as u64).max(1) + 1;
            given.plus(Weight {
                elements: 0,
                string_bytes: matches.saturating_mul(with.len() as u64),
            })
        }
        ("setproduct", _) => {
            let combinations = args
                .iter()
                .map(|a| match a {
                    Value::List(items) | Value::Set(items) => items.len() as u64,
                    _ => 1,
                })
                .fold(1u64, u64::saturating_mul);
            given.plus(Weight {
                elements: combinations.saturating_mul(args.len() as u64 + 1),
                string_bytes: 0,
            })
        }
        _ => given,
    }
}

/// The most a format specification's widths and precisions can add (`%0999999999d`).
fn padding(spec: &str) -> u64 {
    let mut total: u64 = 0;
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        let mut number: u64 = 0;
        while let Some(&next) = chars.peek() {
            match next {
                '0'..='9' => {
                    number = number
                        .saturating_mul(10)
                        .saturating_add(u64::from(next as u8 - b'0'));
                }
                '-' | '+' | ' ' | '#' | '.' | '[' | ']' => {
                    total = total.saturating_add(number);
                    number = 0;
                }
                _ => break,
            }
            chars.next();
        }
        total = total.saturating_add(number);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_widths_count_before_formatting() {
        assert_eq!(padding("%0999999999d"), 999_999_999);
        assert_eq!(padding("%-10.3f and %5s %%"), 18);
        let estimate = call_estimate(
            "format",
            &[Value::String("%0999999999d".into()), Value::Null],
        );
        assert!(estimate.string_bytes > Limits::default().max_string_bytes);
    }

    #[test]
    fn a_budget_runs_out_once_and_is_reported_once() {
        let budget = Budget::new(Limits {
            max_steps: 2,
            ..Limits::default()
        });
        assert_eq!(budget.step(), Ok(()));
        assert_eq!(budget.step(), Ok(()));
        assert_eq!(budget.step(), Err(BudgetKind::Steps));
        assert_eq!(budget.take_unreported(), Some(BudgetKind::Steps));
        assert_eq!(budget.take_unreported(), None);
    }
}
