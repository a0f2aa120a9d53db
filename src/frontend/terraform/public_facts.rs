//! Data sources whose values are public facts about a region rather than state of an
//! account: `aws_region`, `aws_partition`, and `aws_availability_zones` where every account
//! sees the same zone names.

use super::value::{Map, Value};
use std::collections::BTreeMap;

/// The data sources evaluated here; every other data source stays unknown.
pub(super) fn is_known(kind: &str) -> bool {
    matches!(
        kind,
        "aws_region" | "aws_partition" | "aws_availability_zones"
    )
}

/// Standard Availability Zones (zone letters) of the Regions where every AWS account sees
/// the same zone names: the Regions introduced after November 2012, whose zones AWS maps
/// to names uniformly, and three older ones whose accounts all see the same set of names
/// although each maps them to different zones (a name is all Terraform returns). Left out
/// on purpose: us-east-1, us-west-1, ap-northeast-1, ap-southeast-1, sa-east-1,
/// us-gov-west-1 and cn-north-1, where accounts see different sets of names (us-west-1
/// accounts see two of three, older ap-northeast-1 accounts see 1b). Local Zones and
/// Wavelength Zones are not listed: an account sees them only after opting in.
/// Source: AWS Regions and Availability Zones, "AWS Availability Zones" and "AZ IDs".
const STANDARD_ZONES: &[(&str, &str)] = &[
    ("af-south-1", "abc"),
    ("ap-east-1", "abc"),
    ("ap-northeast-2", "abcd"),
    ("ap-northeast-3", "abc"),
    ("ap-south-1", "abc"),
    ("ap-south-2", "abc"),
    ("ap-southeast-2", "abc"),
    ("ap-southeast-3", "abc"),
    ("ap-southeast-4", "abc"),
    ("ap-southeast-5", "abc"),
    ("ap-southeast-7", "abc"),
    ("ca-central-1", "abd"),
    ("ca-west-1", "abc"),
    ("cn-northwest-1", "abc"),
    ("eu-central-1", "abc"),
    ("eu-central-2", "abc"),
    ("eu-north-1", "abc"),
    ("eu-south-1", "abc"),
    ("eu-south-2", "abc"),
    ("eu-west-1", "abc"),
    ("eu-west-2", "abc"),
    ("eu-west-3", "abc"),
    ("il-central-1", "abc"),
    ("me-central-1", "abc"),
    ("me-south-1", "abc"),
    ("mx-central-1", "abc"),
    ("us-east-2", "abc"),
    ("us-gov-east-1", "abc"),
    ("us-west-2", "abcd"),
];

/// The partition a Region belongs to, with its DNS suffix and reverse DNS prefix.
fn partition(region: &str) -> (&'static str, &'static str, &'static str) {
    let prefixes: &[(&str, (&str, &str, &str))] = &[
        ("cn-", ("aws-cn", "amazonaws.com.cn", "cn.com.amazonaws")),
        ("us-gov-", ("aws-us-gov", "amazonaws.com", "com.amazonaws")),
        ("us-isob-", ("aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s")),
        (
            "us-isof-",
            ("aws-iso-f", "csp.hci.ic.gov", "gov.ic.hci.csp"),
        ),
        ("us-iso-", ("aws-iso", "c2s.ic.gov", "gov.ic.c2s")),
        (
            "eu-isoe-",
            ("aws-iso-e", "cloud.adc-e.uk", "uk.adc-e.cloud"),
        ),
    ];
    prefixes
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or(("aws", "amazonaws.com", "com.amazonaws"), |(_, p)| *p)
}

/// What a data source evaluates to: its attributes (unknown where they depend on the
/// account); for values vpclint assumed, a note saying where they came from; when the
/// region is unknown, the gap that leaves everything region-specific unknown.
pub(super) struct Evaluated {
    pub attributes: Map,
    pub note: Option<String>,
    pub gap: Option<String>,
}

/// Evaluates a known data source from its arguments and the region of its provider (or
/// why that is unknown). `zones` holds the Availability Zones configured in `vpclint.toml`
/// by region.
pub(super) fn evaluate(
    kind: &str,
    args: &Map,
    provider_region: Result<&str, &str>,
    zones: &BTreeMap<String, Vec<String>>,
) -> Evaluated {
    let unknown = |reason: &str| Value::Unknown(reason.to_string());
    // `region` (provider 6) or `name` (provider 5) selects another Region; empty, it is
    // the provider's (the zero value of an optional argument).
    let given_region = ["region", "name"].iter().find_map(|name| {
        args.get(name).filter(|v| match v {
            Value::Null => false,
            Value::String(region) => !region.is_empty(),
            _ => true,
        })
    });
    let region = match given_region {
        Some(Value::String(region)) => Ok(region.as_str()),
        Some(_) => Err("the region argument is unknown".to_string()),
        None => provider_region.map_err(str::to_string),
    };
    let mut attributes = args.clone();
    // Left null, they are computed: the provider's region, not null.
    for computed in ["region", "name"] {
        if matches!(attributes.get(computed), Some(Value::Null))
            || matches!(attributes.get(computed), Some(Value::String(s)) if s.is_empty())
        {
            attributes.remove(computed);
        }
    }
    let region = match region {
        Ok(region) => region,
        Err(reason) => {
            // The attributes not set here are unknown (the data source's own).
            let gap = match kind {
                "aws_availability_zones" => format!("Availability Zone names unknown: {reason}"),
                _ => format!("region unknown: {reason}"),
            };
            return Evaluated {
                attributes,
                note: None,
                gap: Some(gap),
            };
        }
    };
    let (partition, dns_suffix, reverse_dns_prefix) = partition(region);
    let string = |s: &str| Value::String(s.to_string());
    let mut note = None;
    match kind {
        "aws_region" => {
            attributes.insert("name".into(), string(region));
            attributes.insert("region".into(), string(region));
            attributes.insert("id".into(), string(region));
            attributes.insert(
                "endpoint".into(),
                string(&format!("ec2.{region}.{dns_suffix}")),
            );
            attributes.insert("description".into(), unknown("region description"));
        }
        "aws_partition" => {
            attributes.insert("partition".into(), string(partition));
            attributes.insert("id".into(), string(partition));
            attributes.insert("dns_suffix".into(), string(dns_suffix));
            attributes.insert("reverse_dns_prefix".into(), string(reverse_dns_prefix));
        }
        _ => {
            attributes.insert("id".into(), string(region));
            attributes.insert(
                "zone_ids".into(),
                unknown("zone IDs of an account's Availability Zones"),
            );
            attributes.insert(
                "group_names".into(),
                unknown("zone group names of an account's Availability Zones"),
            );
            let names = match zone_names(region, args, zones) {
                Ok((names, source)) => {
                    note = Some(format!("assumed: {source}: {}", names.join(", ")));
                    Value::List(names.iter().map(|n| string(n)).collect())
                }
                Err(reason) => {
                    note = Some(format!("Availability Zone names unknown: {reason}"));
                    unknown(&reason)
                }
            };
            attributes.insert("names".into(), names);
        }
    }
    Evaluated {
        attributes,
        note,
        gap: None,
    }
}

/// The zone names `aws_availability_zones` returns in `region` for these arguments, with
/// where they came from; an error says why they cannot be known.
fn zone_names(
    region: &str,
    args: &Map,
    configured: &BTreeMap<String, Vec<String>>,
) -> Result<(Vec<String>, String), String> {
    let (mut names, source) = match configured.get(region) {
        Some(names) => (
            names.clone(),
            format!("vpclint.toml [terraform.availability_zones] for {region}"),
        ),
        None => match STANDARD_ZONES.iter().find(|(r, _)| *r == region) {
            Some((_, letters)) => (
                letters.chars().map(|c| format!("{region}{c}")).collect(),
                format!("vpclint's AZ table for {region}"),
            ),
            None => {
                return Err(format!(
                    "vpclint's AZ table has no {region} (accounts there may see different zone names); list yours in vpclint.toml [terraform.availability_zones]"
                ))
            }
        },
    };
    let strings = |value: &Value| -> Result<Vec<String>, String> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::List(items) | Value::Set(items) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err("a filter value is unknown".to_string()),
                })
                .collect(),
            _ => Err("an argument is unknown".to_string()),
        }
    };
    let mut standard_only = false;
    if let Some(filters) = args.get("filter") {
        let Value::List(filters) = filters else {
            return Err("the filter blocks are unknown".into());
        };
        for filter in filters {
            let (Some(Value::String(name)), Some(values)) =
                (field(filter, "name"), field(filter, "values"))
            else {
                return Err("a filter is unknown".into());
            };
            let values = strings(values)?;
            let has = |v: &str| values.iter().any(|x| x == v);
            match name.as_str() {
                "opt-in-status" if has("opt-in-not-required") => standard_only = true,
                "zone-type" if has("availability-zone") => standard_only = true,
                "zone-name" => names.retain(|n| has(n)),
                "region-name" if has(region) => {}
                "state" if has("available") => {}
                _ => return Err(format!("filter {name} depends on the account")),
            }
        }
    }
    match args.get("all_availability_zones") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) if standard_only => {}
        Some(Value::Bool(true)) => {
            return Err(
                "all_availability_zones includes the Local and Wavelength Zones of the account"
                    .into(),
            )
        }
        Some(_) => return Err("all_availability_zones is unknown".into()),
    }
    match args.get("state") {
        None | Some(Value::Null) => {}
        Some(Value::String(state)) if state == "available" => {}
        Some(_) => return Err("zones in a state other than available".into()),
    }
    if let Some(ids) = args.get("exclude_zone_ids") {
        if !strings(ids)?.is_empty() {
            return Err("exclude_zone_ids: zone IDs map to names per account".into());
        }
    }
    if let Some(excluded) = args.get("exclude_names") {
        let excluded = strings(excluded)?;
        names.retain(|n| !excluded.contains(n));
    }
    names.sort();
    Ok((names, source))
}

fn field<'v>(object: &'v Value, name: &str) -> Option<&'v Value> {
    match object {
        Value::Map(entries) => entries.get(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_REGION: &str = "provider \"aws\" (main.tf:1) sets no region";

    /// The reason the region is unknown is the gap's, as the caller gives it.
    #[test]
    fn an_unknown_region_is_noted_with_its_reason() {
        for kind in ["aws_region", "aws_partition", "aws_availability_zones"] {
            let evaluated = evaluate(kind, &Map::new(), Err(NO_REGION), &BTreeMap::new());
            assert!(
                evaluated
                    .gap
                    .as_deref()
                    .is_some_and(|n| n.ends_with(NO_REGION)),
                "{kind}: {:?}",
                evaluated.gap
            );
        }
    }

    fn names(region: Option<&str>, args: &[(&str, Value)]) -> Option<Value> {
        let args = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        evaluate(
            "aws_availability_zones",
            &args,
            region.ok_or(NO_REGION),
            &BTreeMap::new(),
        )
        .attributes
        .remove("names")
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::String(s.to_string())).collect())
    }

    fn known(items: &[&str]) -> Option<Value> {
        Some(list(items))
    }

    fn is_unknown(names: Option<Value>) -> bool {
        matches!(names, Some(Value::Unknown(_)))
    }

    /// `region = null` (as a module passes an unset region on) is computed: unknown when
    /// the provider's region is, never null.
    #[test]
    fn an_empty_region_is_the_providers() {
        let empty = Map::from_entries(vec![("region".to_string(), Value::String(String::new()))]);
        let zones = evaluate(
            "aws_availability_zones",
            &empty,
            Ok("eu-west-1"),
            &BTreeMap::new(),
        );
        assert_eq!(
            zones.attributes.get("region"),
            None,
            "computed from the provider's region"
        );
        assert!(matches!(
            zones.attributes.get("names"),
            Some(Value::List(_))
        ));
    }

    #[test]
    fn a_region_or_name_left_null_is_the_providers() {
        let null = |key: &str| Map::from_entries(vec![(key.to_string(), Value::Null)]);
        let region = evaluate(
            "aws_region",
            &null("region"),
            Err(NO_REGION),
            &BTreeMap::new(),
        );
        assert_eq!(region.attributes.get("region"), None);
        let name = evaluate(
            "aws_region",
            &null("name"),
            Err(NO_REGION),
            &BTreeMap::new(),
        );
        assert_eq!(name.attributes.get("name"), None);
        let known = evaluate(
            "aws_region",
            &null("region"),
            Ok("eu-west-1"),
            &BTreeMap::new(),
        );
        assert_eq!(
            known.attributes.get("region"),
            Some(&Value::String("eu-west-1".to_string()))
        );
    }

    #[test]
    fn zones_come_from_the_table_only_where_accounts_agree() {
        assert_eq!(
            names(Some("eu-west-1"), &[]),
            known(&["eu-west-1a", "eu-west-1b", "eu-west-1c"])
        );
        assert!(is_unknown(names(Some("us-west-1"), &[])));
        assert!(is_unknown(names(Some("us-east-1"), &[])));
        // No region: the data source sets no names (its attributes are unknown).
        assert_eq!(names(None, &[]), None);
        assert_eq!(
            names(
                Some("ca-central-1"),
                &[("exclude_names", list(&["ca-central-1a"]))]
            ),
            known(&["ca-central-1b", "ca-central-1d"])
        );
        assert!(is_unknown(names(
            Some("eu-west-1"),
            &[("exclude_zone_ids", list(&["euw1-az1"]))]
        )));
        assert!(is_unknown(names(
            Some("eu-west-1"),
            &[("all_availability_zones", Value::Bool(true))]
        )));
        let configured = BTreeMap::from([(
            "us-west-1".to_string(),
            vec!["us-west-1c".to_string(), "us-west-1b".to_string()],
        )]);
        let from_config = evaluate(
            "aws_availability_zones",
            &Map::new(),
            Ok("us-west-1"),
            &configured,
        );
        assert_eq!(
            from_config.attributes.get("names").cloned(),
            known(&["us-west-1b", "us-west-1c"])
        );
        assert!(from_config
            .note
            .is_some_and(|n| n.contains("vpclint.toml [terraform.availability_zones]")));
    }

    #[test]
    fn partition_follows_the_region() {
        let partition_of = |region: &str| {
            evaluate("aws_partition", &Map::new(), Ok(region), &BTreeMap::new())
                .attributes
                .remove("partition")
                .unwrap()
        };
        assert_eq!(partition_of("cn-north-1"), Value::String("aws-cn".into()));
        assert_eq!(
            partition_of("us-gov-west-1"),
            Value::String("aws-us-gov".into())
        );
        assert_eq!(partition_of("eu-west-1"), Value::String("aws".into()));
    }
}
