//! HCL native syntax: a parser into a compact tree, with the byte range of each part.
//!
//! Written for evaluation, not for editing: comments and layout are dropped, templates come
//! out with HCL's whitespace rules already applied (strip markers, `<<-` indentation), and
//! each string is one allocation. It accepts what Terraform's parser accepts, including
//! what hcl-edit 0.10 rejected (line breaks inside object `for` expressions, repeated
//! object keys, empty heredocs).

mod parser;
mod template;

pub use parser::{parse_body, parse_expr, parse_template};

/// A byte range of the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        TextRange {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// Why a text is not valid HCL: a message and the byte offset it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct Body {
    pub structures: Vec<Structure>,
}

#[derive(Debug)]
pub enum Structure {
    Attribute(Attribute),
    Block(Block),
}

#[derive(Debug)]
pub struct Ident {
    pub name: Box<str>,
    pub range: TextRange,
}

#[derive(Debug)]
pub struct Attribute {
    pub key: Ident,
    pub value: Expression,
}

#[derive(Debug)]
pub struct Block {
    pub ident: Ident,
    /// Quoted or bare labels, each with its range (quotes included).
    pub labels: Vec<Ident>,
    pub body: Body,
    /// From the block type to the closing brace.
    pub range: TextRange,
}

#[derive(Debug)]
pub struct Expression {
    pub kind: ExprKind,
    pub range: TextRange,
}

// Every argument, list item and operand is an `Expression`: its kind is a tag and two
// words at most (variable-length parts are boxed slices, not `Vec`s).
const _: () = assert!(std::mem::size_of::<Expression>() == 32);
const _: () = assert!(std::mem::size_of::<TraversalOperator>() == 32);

#[derive(Debug)]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// The number as written (`-` included for a negated literal).
    Number(Box<str>),
    /// A quoted string without interpolation or directive.
    String(Box<str>),
    Array(Box<[Expression]>),
    Object(Box<[ObjectItem]>),
    /// A quoted string with interpolations or directives.
    Template(Template),
    Heredoc(Template),
    Parenthesis(Box<Expression>),
    Variable(Box<str>),
    Conditional(Box<Conditional>),
    FuncCall(Box<FuncCall>),
    Traversal(Box<Traversal>),
    Unary(UnaryOperator, Box<Expression>),
    Binary(Box<BinaryOp>),
    For(Box<ForExpr>),
}

#[derive(Debug)]
pub struct ObjectItem {
    pub key: ObjectKey,
    pub value: Expression,
}

#[derive(Debug)]
pub enum ObjectKey {
    /// A bare name: the key is the name itself.
    Ident(Ident),
    Expression(Expression),
}

#[derive(Debug)]
pub struct Conditional {
    pub cond: Expression,
    pub true_expr: Expression,
    pub false_expr: Expression,
}

#[derive(Debug)]
pub struct FuncCall {
    /// `provider::aws::arn_parse` is `["provider", "aws"]` and `arn_parse`.
    pub namespace: Vec<Box<str>>,
    pub name: Box<str>,
    pub args: Box<[Expression]>,
    /// `f(xs...)`: the final argument's elements are the arguments.
    pub expand_final: bool,
}

impl FuncCall {
    /// The built-in function `name`, written bare or as `core::name`.
    pub fn is_builtin(&self, name: &str) -> bool {
        *self.name == *name
            && self.namespace.iter().all(|n| &**n == "core")
            && self.namespace.len() <= 1
    }
}

#[derive(Debug)]
pub struct Traversal {
    pub expr: Expression,
    pub operators: Box<[TraversalOperator]>,
}

#[derive(Debug)]
pub enum TraversalOperator {
    GetAttr(Box<str>),
    Index(Expression),
    /// `.0`
    LegacyIndex(u64),
    /// `.*`: applies the `GetAttr`s that follow.
    AttrSplat,
    /// `[*]`: applies every operator that follows.
    FullSplat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOperator {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOperator {
    Eq,
    NotEq,
    LessEq,
    GreaterEq,
    Less,
    Greater,
    Plus,
    Minus,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

#[derive(Debug)]
pub struct BinaryOp {
    pub lhs: Expression,
    pub operator: BinaryOperator,
    pub rhs: Expression,
    /// Binary operators on the longest path down from here, parentheses and unary operators
    /// included: bounded so that evaluating and dropping the tree cannot overflow the stack.
    pub depth: u16,
}

#[derive(Debug)]
pub struct ForExpr {
    pub key_var: Option<Box<str>>,
    pub value_var: Box<str>,
    pub collection: Expression,
    /// Present for an object `for` expression (`{ for ... : key => value }`).
    pub key_expr: Option<Expression>,
    pub value_expr: Expression,
    pub cond: Option<Expression>,
    /// `...` after the value: values of a repeated key are grouped into lists.
    pub grouping: bool,
}

/// A template's parts, with Terraform's whitespace rules applied to its literals.
#[derive(Debug, Default)]
pub struct Template {
    pub elements: Box<[Element]>,
}

impl Template {
    /// The one interpolation a template consists of (`"${x}"`): its value is not converted
    /// to a string.
    pub fn single_interpolation(&self) -> Option<&Expression> {
        match &self.elements[..] {
            [Element::Interpolation(expr)] => Some(expr),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub enum Element {
    Literal(Box<str>),
    Interpolation(Expression),
    If(Box<IfDirective>),
    For(Box<ForDirective>),
}

#[derive(Debug)]
pub struct IfDirective {
    pub cond: Expression,
    pub then_template: Template,
    pub else_template: Option<Template>,
}

#[derive(Debug)]
pub struct ForDirective {
    pub key_var: Option<Box<str>>,
    pub value_var: Box<str>,
    pub collection: Expression,
    pub template: Template,
}
#[cfg(test)]
mod differential;
#[cfg(test)]
mod tests;
