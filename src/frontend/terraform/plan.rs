//! `terraform show -json` plans: the resources of `planned_values` (root and child
//! modules), values unknown until apply marked from `resource_changes[].change.after_unknown`
//! and turned into references where the plan's `configuration` names a single resource
//! attribute. Spans come from the `.tf` configuration beside the plan when it is there.

use super::json::{self, JsonExpr};
use super::{config, load_root_module, Options};
use crate::frontend::{Diagnostic, Lang, Ref, Resource, Severity, Unit, Val, V};
use crate::source::{FileId, SourceMap, Span};
use serde_json::{Map, Value as Json};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// Deepest module nesting followed in a plan.
const MAX_MODULE_DEPTH: usize = 32;

pub(super) fn load(path: &Path, text: Arc<str>, sources: &SourceMap) -> Unit {
    let file = sources.add(path.to_path_buf(), text.clone());
    let mut unit = Unit {
        lang: Lang::TerraformPlan,
        path: path.to_path_buf(),
        files: vec![file],
        resources: Vec::new(),
        diagnostics: Vec::new(),
        suppressions: Vec::new(),
        provenance: Vec::new(),
        exports: Vec::new(),
        failures: Vec::new(),
        imports: Vec::new(),
    };
    let plan: Json = match serde_json::from_str(&text) {
        Ok(plan) => plan,
        Err(e) => {
            let source = sources.get(file);
            let offset = source
                .line_start(e.line() as u32)
                .map(|start| start as usize + e.column().saturating_sub(1))
                .unwrap_or(0);
            unit.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                message: format!("invalid plan JSON: {e}"),
                span: Span::new(file, offset, offset),
                gap: None,
            });
            return unit;
        }
    };
    let beside = path
        .parent()
        .map(|_| crate::source::parent_dir(path))
        .filter(|dir| config::module_files(dir).is_ok_and(|files| !files.is_empty()));
    let configured = beside.map(|dir| load_root_module(dir, &Options::default(), sources));
    let spans = Spans::new(configured.as_ref());
    // Without the configuration, findings point at the resource's object in the plan.
    let plan_spans = match &configured {
        Some(_) => HashMap::new(),
        None => planned_value_spans(&text, file),
    };
    if let Some(configured) = &configured {
        unit.files.extend(configured.files.iter().copied());
        unit.suppressions
            .extend(configured.suppressions.iter().cloned());
    }
    let changes: HashMap<&str, &Json> = plan
        .get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.get("address")?.as_str()?, c.get("change")?)))
        .collect();
    let mut planned = Vec::new();
    if let Some(root) = plan.pointer("/planned_values/root_module") {
        collect_planned(root, 0, &mut planned);
    }
    let addresses: HashSet<&str> = planned
        .iter()
        .filter_map(|r| r.get("address")?.as_str())
        .collect();
    let base = Reader {
        configuration: plan.pointer("/configuration/root_module"),
        providers: plan.pointer("/configuration/provider_config"),
        addresses: &addresses,
        instance: None,
    };
    for resource in &planned {
        if resource.get("mode").and_then(Json::as_str) != Some("managed") {
            continue;
        }
        let (Some(address), Some(kind)) = (
            resource.get("address").and_then(Json::as_str),
            resource.get("type").and_then(Json::as_str),
        ) else {
            continue;
        };
        let config_resource = spans.resource(address);
        let in_plan = plan_spans.get(address);
        let span = config_resource.map_or_else(
            || in_plan.map_or(Span::file_start(file), |s| s.0),
            |r| r.span,
        );
        let name_span = config_resource.map_or_else(
            || in_plan.map_or(Span::file_start(file), |s| s.1),
            |r| r.name_span,
        );
        let unknown = changes.get(address).and_then(|c| c.get("after_unknown"));
        let module = module_address(address);
        let reader = Reader {
            instance: resource.get("index"),
            ..base
        };
        let config = reader.resource_config(&module, address);
        let expressions = config.and_then(|c| c.get("expressions"));
        let values = resource
            .get("values")
            .cloned()
            .unwrap_or(Json::Object(Map::new()));
        let attrs = reader.attributes(
            &values,
            unknown,
            expressions,
            &module,
            config_resource.map(|r| &r.attrs),
            span,
        );
        let region = config
            .and_then(|c| c.get("provider_config_key"))
            .and_then(Json::as_str)
            .and_then(|key| reader.region(key))
            .or_else(|| config_resource.and_then(|r| r.region.clone()));
        unit.resources.push(Resource {
            kind: kind.into(),
            address: address.to_string(),
            span,
            name_span,
            attrs,
            region,
            called_from: Default::default(),
        });
    }
    unit
}

fn collect_planned<'a>(module: &'a Json, depth: usize, out: &mut Vec<&'a Json>) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    if let Some(resources) = module.get("resources").and_then(Json::as_array) {
        out.extend(resources);
    }
    if let Some(children) = module.get("child_modules").and_then(Json::as_array) {
        for child in children {
            collect_planned(child, depth + 1, out);
        }
    }
}

/// `module.a["x"].module.b` from `module.a["x"].module.b.aws_vpc.v[0]` (empty at the root).
fn module_address(address: &str) -> String {
    let mut end = 0;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let Some(name_end) = segment_end(after) else {
            break;
        };
        let consumed = address.len() - rest.len() + "module.".len() + name_end;
        end = consumed;
        rest = address
            .get(consumed..)
            .unwrap_or("")
            .trim_start_matches('.');
    }
    address.get(..end).unwrap_or("").to_string()
}

/// The end of `name` or `name[key]` at the start of `text` (keys may hold dots).
fn segment_end(text: &str) -> Option<usize> {
    let name_end = text.find(['.', '[']).unwrap_or(text.len());
    if text.get(name_end..name_end + 1) != Some("[") {
        return Some(name_end);
    }
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(name_end + 1) {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            ']' if !in_string => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Call names of a module address: `module.a["x"].module.b` → `["a", "b"]`.
fn call_path(module: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = module;
    while let Some(after) = rest.strip_prefix("module.") {
        let Some(end) = segment_end(after) else {
            break;
        };
        let segment = after.get(..end).unwrap_or("");
        names.push(segment.split('[').next().unwrap_or("").to_string());
        rest = after.get(end..).unwrap_or("").trim_start_matches('.');
    }
    names
}

/// Resources of the configuration beside the plan, by address and by address without
/// the last instance key (when the configuration's count could not be evaluated).
struct Spans<'u> {
    by_address: HashMap<&'u str, &'u Resource>,
}

impl<'u> Spans<'u> {
    fn new(unit: Option<&'u Unit>) -> Self {
        let by_address = unit
            .map(|u| {
                u.resources
                    .iter()
                    .map(|r| (r.address.as_str(), r))
                    .collect()
            })
            .unwrap_or_default();
        Spans { by_address }
    }

    fn resource(&self, address: &str) -> Option<&'u Resource> {
        if let Some(found) = self.by_address.get(address) {
            return Some(found);
        }
        // The same block, another instance: `aws_subnet.a[3]` → any `aws_subnet.a[..]`.
        let base = address
            .strip_suffix(']')
            .and_then(|a| a.rfind('[').map(|i| &address[..i]))?;
        self.by_address
            .iter()
            .find(|(a, _)| a.starts_with(base) && a.get(base.len()..base.len() + 1) == Some("["))
            .map(|(_, r)| *r)
    }
}

#[derive(Clone, Copy)]
struct Reader<'p> {
    configuration: Option<&'p Json>,
    providers: Option<&'p Json>,
    addresses: &'p HashSet<&'p str>,
    /// The `index` (count) or key (for_each) of the resource being read.
    instance: Option<&'p Json>,
}

impl Reader<'_> {
    /// The configuration module for a module address.
    fn module_config(&self, module: &str) -> Option<&Json> {
        let mut config = self.configuration?;
        for name in call_path(module) {
            config = config.get("module_calls")?.get(&name)?.get("module")?;
        }
        Some(config)
    }

    fn resource_config(&self, module: &str, address: &str) -> Option<&Json> {
        let relative = address
            .strip_prefix(module)
            .unwrap_or(address)
            .trim_start_matches('.');
        let relative = match relative.find('[') {
            Some(i) => relative.get(..i).unwrap_or(relative),
            None => relative,
        };
        self.module_config(module)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(Json::as_str) == Some(relative))
    }

    fn region(&self, key: &str) -> Option<String> {
        let providers = self.providers?;
        let provider = providers
            .get(key)
            .or_else(|| providers.get(key.rsplit(':').next().unwrap_or(key)))?;
        provider
            .pointer("/expressions/region/constant_value")
            .and_then(Json::as_str)
            .map(str::to_string)
    }

    /// The resource attribute a value unknown until apply comes from, when its
    /// expression references exactly one (`aws_vpc.a.id`).
    fn reference(&self, expression: Option<&Json>, module: &str, depth: usize) -> Option<Ref> {
        let references: Vec<&str> = expression?
            .get("references")?
            .as_array()?
            .iter()
            .filter_map(Json::as_str)
            .collect();
        // `count.index` / `each.key` are the resource's own, not its caller's.
        let own_key = if depth == 0 {
            self.own_key(&references)
        } else {
            None
        };
        let mut found: Option<Ref> = None;
        for reference in references {
            let candidate = if let Some(var) = reference.strip_prefix("var.") {
                // A module input: follow it to the caller's argument.
                let calls = call_path(module);
                let parent = parent_module(module);
                let call = calls.last()?;
                let argument = self
                    .module_config(&parent)?
                    .get("module_calls")?
                    .get(call)?
                    .get("expressions")?
                    .get(var.split(['.', '[']).next().unwrap_or(var));
                if depth > MAX_MODULE_DEPTH {
                    return None;
                }
                self.reference(argument, &parent, depth + 1)
            } else if let Some((placeholder, key)) = &own_key {
                let own = Self::own_instance(reference, placeholder, key);
                self.resource_reference(own.as_deref().unwrap_or(reference), module)
            } else {
                self.resource_reference(reference, module)
            };
            match (candidate, &found) {
                (Some(c), None) => found = Some(c),
                (Some(c), Some(f)) if &c != f => return None,
                _ => {}
            }
        }
        found
    }

    /// The reading resource's own instance key (`[1]`, `["a"]`) when `references` use
    /// it (`count.index`, `each.key`), with the placeholder it stands for.
    fn own_key(&self, references: &[&str]) -> Option<(&'static str, String)> {
        let (placeholder, key) = match self.instance? {
            Json::Number(n) => ("count.index", format!("[{n}]")),
            key @ Json::String(_) => ("each.key", format!("[{key}]")),
            _ => return None,
        };
        let indexed = format!("[{placeholder}]");
        references
            .iter()
            .any(|r| *r == placeholder || r.contains(&indexed))
            .then_some((placeholder, key))
    }

    /// A reference indexed by the reading resource's own key as the instance it names:
    /// `aws_subnet.a[count.index].id` → `aws_subnet.a[1].id`. Terraform lists such an
    /// index expression as the bare `aws_subnet.a` (beside `count.index`); as the value is
    /// unknown until apply, the attribute referenced is taken to be the `id`.
    fn own_instance(reference: &str, placeholder: &str, key: &str) -> Option<String> {
        let indexed = format!("[{placeholder}]");
        if reference.contains(&indexed) {
            return Some(reference.replace(&indexed, key));
        }
        let bare = reference.split('.').count() == 2 && !reference.contains('[');
        bare.then(|| format!("{reference}{key}.id"))
    }

    /// `aws_vpc.a.id` or `aws_subnet.b[0].id` in `module` as a Ref, if that instance exists.
    fn resource_reference(&self, reference: &str, module: &str) -> Option<Ref> {
        let root = reference.split('.').next()?;
        if [
            "var",
            "local",
            "count",
            "each",
            "data",
            "module",
            "path",
            "self",
            "terraform",
        ]
        .contains(&root)
        {
            return None;
        }
        let mut parts = reference.splitn(3, '.');
        let (kind, name, attribute) = (parts.next()?, parts.next()?, parts.next()?);
        if attribute.starts_with('[') {
            return None;
        }
        let attribute = attribute.split(['.', '[']).next()?;
        let local = format!("{kind}.{name}");
        let address = if module.is_empty() {
            local
        } else {
            format!("{module}.{local}")
        };
        self.addresses.contains(address.as_str()).then(|| Ref {
            address: address.into(),
            attribute: attribute.to_string(),
        })
    }

    /// A planned `values` object with unknown values marked.
    fn attributes(
        &self,
        values: &Json,
        unknown: Option<&Json>,
        expressions: Option<&Json>,
        module: &str,
        config: Option<&Val>,
        span: Span,
    ) -> Val {
        let mut entries = Vec::new();
        let empty = Map::new();
        // A nested block given as one expression (`route = [...]` style): its references
        // stand for every attribute inside.
        let block_level = expressions
            .filter(|e| e.get("references").is_some() || e.get("constant_value").is_some());
        let expression_of =
            |key: &str| block_level.or_else(|| expressions.and_then(|e| e.get(key)));
        let object = values.as_object().unwrap_or(&empty);
        for (key, value) in object {
            let element_span = config.and_then(|c| c.get(key)).map_or(span, |v| v.span);
            let nested_unknown = unknown.and_then(|u| u.get(key));
            let expression = expression_of(key);
            entries.push((
                key.clone(),
                self.value(
                    value,
                    nested_unknown,
                    expression,
                    module,
                    config.and_then(|c| c.get(key)),
                    element_span,
                ),
            ));
        }
        // Configured attributes unknown until apply are absent from `values`.
        if let Some(Json::Object(unknown)) = unknown {
            for (key, flag) in unknown {
                if object.contains_key(key) || flag != &Json::Bool(true) {
                    continue;
                }
                let configured = config.and_then(|c| c.get(key));
                let expression = expression_of(key);
                if configured.is_none() && expression.is_none() {
                    continue;
                }
                let element_span = configured.map_or(span, |v| v.span);
                let v = match self.reference(expression, module, 0) {
                    Some(r) => V::reference(r),
                    None => V::Unknown("known after apply".into()),
                };
                entries.push((key.clone(), Val::new(element_span, v)));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Val::new(span, V::Map(entries))
    }

    fn value(
        &self,
        value: &Json,
        unknown: Option<&Json>,
        expression: Option<&Json>,
        module: &str,
        config: Option<&Val>,
        span: Span,
    ) -> Val {
        if unknown == Some(&Json::Bool(true)) {
            let v = match self.reference(expression, module, 0) {
                Some(r) => V::reference(r),
                None => V::Unknown("known after apply".into()),
            };
            return Val::new(span, v);
        }
        let v = match value {
            Json::Null => V::Null,
            Json::Bool(b) => V::Bool(*b),
            Json::Number(n) => V::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => V::String(s.clone()),
            Json::Array(items) => V::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let config_item = config.and_then(|c| c.as_list()).and_then(|l| l.get(i));
                        let item_span = config_item.map_or(span, |c| c.span);
                        let item_unknown = unknown.and_then(|u| u.get(i));
                        if item.is_object() {
                            // A nested block: expressions per block, or one for all.
                            let item_expression = match expression {
                                Some(Json::Array(blocks)) => blocks.get(i),
                                other => other,
                            };
                            self.attributes(
                                item,
                                item_unknown,
                                item_expression,
                                module,
                                config_item,
                                item_span,
                            )
                        } else {
                            self.value(item, item_unknown, None, module, config_item, item_span)
                        }
                    })
                    .collect(),
            ),
            Json::Object(_) => {
                return self.attributes(value, unknown, None, module, config, span);
            }
        };
        Val::new(span, v)
    }
}

fn parent_module(module: &str) -> String {
    let calls_len = call_path(module).len();
    if calls_len <= 1 {
        return String::new();
    }
    // Cut the last `.module.name[key]` segment.
    let mut end = 0;
    let mut rest = module;
    for _ in 0..calls_len - 1 {
        let Some(after) = rest.strip_prefix("module.") else {
            break;
        };
        let Some(segment) = segment_end(after) else {
            break;
        };
        end = module.len() - rest.len() + "module.".len() + segment;
        rest = module.get(end..).unwrap_or("").trim_start_matches('.');
    }
    module.get(..end).unwrap_or("").to_string()
}

/// Resource address to the span of its object in `planned_values` and of its `address`
/// value, read from the plan text (serde_json keeps no positions).
fn planned_value_spans(text: &str, file: FileId) -> HashMap<String, (Span, Span)> {
    let mut spans = HashMap::new();
    if let Ok(JsonExpr::Object(entries, _)) = json::parse(text, file) {
        if let Some((_, _, planned)) = entries.iter().find(|(key, _, _)| key == "planned_values") {
            collect_spans(planned, 0, &mut spans);
        }
    }
    spans
}

fn collect_spans(value: &JsonExpr, depth: usize, out: &mut HashMap<String, (Span, Span)>) {
    if depth > 4 * MAX_MODULE_DEPTH {
        return;
    }
    match value {
        JsonExpr::Object(entries, span) => {
            let field = |name: &str| entries.iter().find(|(key, _, _)| key == name);
            if let (Some((_, _, JsonExpr::String(address, address_span))), Some(_)) =
                (field("address"), field("mode"))
            {
                out.entry(address.clone()).or_insert((*span, *address_span));
            }
            for (key, _, child) in entries {
                if matches!(key.as_str(), "root_module" | "child_modules" | "resources") {
                    collect_spans(child, depth + 1, out);
                }
            }
        }
        JsonExpr::Array(items, _) => {
            for item in items {
                collect_spans(item, depth + 1, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_addresses_keep_keys_with_dots() {
        assert_eq!(module_address("aws_vpc.a"), "");
        assert_eq!(
            module_address("module.a[\"x.y\"].module.b.aws_route.r[0]"),
            "module.a[\"x.y\"].module.b"
        );
        assert_eq!(call_path("module.a[\"x.y\"].module.b"), vec!["a", "b"]);
        assert_eq!(
            parent_module("module.a[\"x.y\"].module.b"),
            "module.a[\"x.y\"]"
        );
        assert_eq!(parent_module("module.a"), "");
    }

    #[test]
    fn own_count_index_and_each_key_name_the_instance() {
        let addresses: HashSet<&str> = ["aws_subnet.a[1]", "aws_subnet.b[\"x\"]"].into();
        let count = Json::from(1);
        let key = Json::from("x");
        let reader = |instance| Reader {
            configuration: None,
            providers: None,
            addresses: &addresses,
            instance,
        };
        let expression = |refs: &[&str]| serde_json::json!({ "references": refs });
        let resolved = |reader: &Reader, refs: &[&str]| {
            reader
                .reference(Some(&expression(refs)), "", 0)
                .map(|r| format!("{}.{}", r.address, r.attribute))
        };
        let counted = reader(Some(&count));
        assert_eq!(
            resolved(&counted, &["aws_subnet.a", "count.index"]).as_deref(),
            Some("aws_subnet.a[1].id")
        );
        assert_eq!(
            resolved(&counted, &["aws_subnet.a[count.index].id", "aws_subnet.a"]).as_deref(),
            Some("aws_subnet.a[1].id")
        );
        // Without the placeholder, a bare resource names no instance.
        assert_eq!(resolved(&counted, &["aws_subnet.a"]), None);
        let keyed = reader(Some(&key));
        assert_eq!(
            resolved(&keyed, &["aws_subnet.b", "each.key"]).as_deref(),
            Some("aws_subnet.b[\"x\"].id")
        );
        // An index the target does not have stays unknown.
        assert_eq!(resolved(&keyed, &["aws_subnet.a", "each.key"]), None);
        assert_eq!(
            resolved(&reader(None), &["aws_subnet.a", "count.index"]),
            None
        );
    }
}
