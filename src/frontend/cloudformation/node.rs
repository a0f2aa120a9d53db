//! The one syntax tree both parsers (YAML and JSON) build: plain data with byte spans.
//! YAML short-form tags are rewritten to their long form here (`!Ref X` is the map
//! `{Ref: X}`), so evaluation sees a single shape.

use crate::source::Span;

/// Collections nested deeper than this are a parse error (no template needs it, and it
/// bounds every recursive walk over the tree).
pub(super) const MAX_DEPTH: usize = 100;

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Entry {
    /// From the key to the end of the value.
    pub fn span(&self) -> Span {
        Span {
            file: self.key_span.file,
            start: self.key_span.start,
            end: self.value.span.end.max(self.key_span.end),
        }
    }
}

/// A parse error with its position.
#[derive(Debug, Clone)]
pub(super) struct SyntaxError {
    pub message: String,
    pub span: Span,
}

impl Node {
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The function name and argument when this node is an intrinsic function call
    /// (a mapping with the single key `Ref`, `Condition` or `Fn::*`).
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        match self.as_map()? {
            [entry] if is_function_key(&entry.key) => Some((&entry.key, &entry.value)),
            _ => None,
        }
    }
}

fn is_function_key(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::") || is_rain_directive(key)
}

/// `Rain::Embed`, `Rain::Module`, `Rain::S3`...: directives of the Rain packager (`rain pkg`),
/// resolved before the template reaches CloudFormation.
pub(super) fn is_rain_directive(key: &str) -> bool {
    key.starts_with("Rain::")
}

/// Every `Fn::` function CloudFormation knows, including those of the `Rules` section and
/// the `AWS::LanguageExtensions` transform; any other `Fn::` key is a template error.
const FUNCTIONS: &[&str] = &[
    "Fn::And",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::Contains",
    "Fn::EachMemberEquals",
    "Fn::EachMemberIn",
    "Fn::Equals",
    "Fn::FindInMap",
    "Fn::GetAZs",
    "Fn::GetAtt",
    "Fn::GetStackOutput",
    "Fn::If",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Length",
    "Fn::Not",
    "Fn::Or",
    "Fn::RefAll",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::ValueOf",
    "Fn::ValueOfAll",
];

/// Whether a mapping key that names a function names one that exists.
pub(super) fn is_known_function(key: &str) -> bool {
    FUNCTIONS.contains(&key) || key.starts_with("Fn::ForEach::")
}

/// The long form of a YAML short-form tag (`!Ref` → `Ref`, `!Sub` → `Fn::Sub`), or `None`
/// when CloudFormation has no such function.
pub(super) fn long_form(tag: &str) -> Option<String> {
    match tag {
        "Ref" => Some("Ref".to_string()),
        "Condition" => Some("Condition".to_string()),
        _ if is_rain_directive(tag) => Some(tag.to_string()),
        _ => {
            let long = format!("Fn::{tag}");
            is_known_function(&long).then_some(long)
        }
    }
}

/// The first entry whose key repeats an earlier one. CloudFormation rejects duplicate keys
/// in both formats.
pub(super) fn find_duplicate(entries: &[Entry]) -> Option<&Entry> {
    if entries.len() < 2 {
        return None;
    }
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    entries.iter().find(|e| !seen.insert(e.key.as_str()))
}

/// Error for a repeated key, pointing at the repetition.
pub(super) fn duplicate_error(entry: &Entry) -> SyntaxError {
    SyntaxError {
        message: format!("duplicate key \"{}\"", entry.key),
        span: entry.key_span,
    }
}
