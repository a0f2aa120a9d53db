//! The rule catalog. One file per rule; each implements [`Rule`] over the model only.
//! Rule documentation lives in `rules/<name>.md` at the repository root and is embedded
//! in the binary through [`RuleMeta::doc`].

mod asymmetric_inspection_route;
mod backup_vpn_more_specific;
mod dns_attributes_required;
mod duplicate_route;
mod egress_only_igw_ipv4;
mod interface_endpoint_sg_no_https;
mod internet_facing_lb_private_subnet;
mod invalid_cidr;
mod lb_single_az;
mod local_route_conflict;
mod nacl_missing_return_traffic;
mod nacl_rule_shadowed;
mod nat_gateway_no_internet_route;
mod nat_gateway_single_az;
mod no_internet_route;
mod overlapping_subnets;
mod peering_cidr_overlap;
mod peering_missing_return_route;
mod public_subnet_instance_no_public_ip;
mod quota_exceeded;
mod route_target_wrong_vpc;
mod sg_redundant_return_rule;
mod sg_reference_unsupported;
mod sg_world_open_admin;
mod source_dest_check_enabled;
mod static_route_shadows_propagated;
mod subnet_outside_vpc;
mod tgw_appliance_mode_disabled;
mod tgw_attachment_missing_az;
mod tgw_missing_return_route;
mod transit_cidr_overlap;
mod transitive_peering;
mod vpc_resolver_unreachable;
mod vpn_static_route_on_bgp_connection;

use crate::model::{CallChain, Network, Origin};
use crate::source::Span;

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable public ID (`transitive-peering`).
    pub name: &'static str,
    pub level: Level,
    /// One line, shown by `vpclint rules` and as SARIF `shortDescription`.
    pub summary: &'static str,
    /// The Markdown document `rules/<name>.md`.
    pub doc: &'static str,
}

/// A span with the text that labels it in a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The resource address (or logical ID) this span belongs to.
    pub address: String,
    /// The module calls that resource is created through, outermost first (empty when
    /// unknown or in a root module).
    pub called_from: CallChain,
}

impl Label {
    pub fn new(span: Span, address: impl Into<String>, message: impl Into<String>) -> Self {
        Label {
            span,
            message: message.into(),
            address: address.into(),
            called_from: CallChain::default(),
        }
    }

    /// A label on a span of the entity `origin` describes: its address and the module
    /// calls it is created through.
    pub fn of(span: Span, origin: &Origin, message: impl Into<String>) -> Self {
        Label {
            called_from: origin.called_from.clone(),
            ..Label::new(span, &origin.address, message)
        }
    }
}

/// One problem found by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    /// States the concrete values: `route 10.2.0.0/16 -> pcx ab: 10.2.0.0/16 is outside vpc b (10.1.0.0/16)`.
    pub message: String,
    /// The attribute that is wrong.
    pub primary: Label,
    /// The other things involved (the peering connection, the other VPC's block).
    pub related: Vec<Label>,
    /// How to fix it.
    pub help: String,
}

impl Finding {
    /// Adds the module calls the primary resource is created through as related
    /// locations, outermost (the root's call) first.
    pub fn add_call_sites(&mut self) {
        for site in self.primary.called_from.iter() {
            let label = Label::new(
                site.span,
                &site.address,
                format!("{} called here", site.address),
            );
            if !self.related.contains(&label) {
                self.related.push(label);
            }
        }
    }
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    /// Findings at `meta().level`; the engine applies level overrides and suppressions.
    fn check(&self, network: &Network) -> Vec<Finding>;
}

/// Metadata of `parse-error`: its findings come from the frontends' diagnostics, not from
/// the model, but it is listed, documented and configurable like every rule.
pub static PARSE_ERROR: RuleMeta = RuleMeta {
    name: "parse-error",
    level: Level::Error,
    summary: "A file that cannot be read or parsed.",
    doc: include_str!("../../rules/parse-error.md"),
};

/// Metadata of `unused-suppression`: the engine reports an in-source suppression that
/// suppressed nothing (DESIGN.md: "unused suppressions are reported as notes").
pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    name: "unused-suppression",
    level: Level::Note,
    summary: "An in-source vpclint:ignore that suppresses no finding.",
    doc: include_str!("../../rules/unused-suppression.md"),
};

/// Metadata of `incomplete-analysis`: with `--strict`, the engine turns each place a unit
/// could not evaluate (module not installed, unknown `count`/`for_each`, ...) into a finding.
pub static INCOMPLETE_ANALYSIS: RuleMeta = RuleMeta {
    name: "incomplete-analysis",
    level: Level::Note,
    summary: "With --strict: a part of the code that could not be evaluated, so was not checked.",
    doc: include_str!("../../rules/incomplete-analysis.md"),
};

/// Every rule that checks the model, in catalog order.
pub fn registry() -> Vec<&'static dyn Rule> {
    vec![
        &invalid_cidr::InvalidCidr,
        &subnet_outside_vpc::SubnetOutsideVpc,
        &overlapping_subnets::OverlappingSubnets,
        &peering_cidr_overlap::PeeringCidrOverlap,
        &transit_cidr_overlap::TransitCidrOverlap,
        &transitive_peering::TransitivePeering,
        &route_target_wrong_vpc::RouteTargetWrongVpc,
        &duplicate_route::DuplicateRoute,
        &local_route_conflict::LocalRouteConflict,
        &peering_missing_return_route::PeeringMissingReturnRoute,
        &egress_only_igw_ipv4::EgressOnlyIgwIpv4,
        &nat_gateway_no_internet_route::NatGatewayNoInternetRoute,
        &internet_facing_lb_private_subnet::InternetFacingLbPrivateSubnet,
        &nat_gateway_single_az::NatGatewaySingleAz,
        &static_route_shadows_propagated::StaticRouteShadowsPropagated,
        &backup_vpn_more_specific::BackupVpnMoreSpecific,
        &sg_redundant_return_rule::SgRedundantReturnRule,
        &nacl_missing_return_traffic::NaclMissingReturnTraffic,
        &nacl_rule_shadowed::NaclRuleShadowed,
        &sg_reference_unsupported::SgReferenceUnsupported,
        &sg_world_open_admin::SgWorldOpenAdmin,
        &source_dest_check_enabled::SourceDestCheckEnabled,
        &dns_attributes_required::DnsAttributesRequired,
        &vpc_resolver_unreachable::VpcResolverUnreachable,
        &lb_single_az::LbSingleAz,
        &vpn_static_route_on_bgp_connection::VpnStaticRouteOnBgpConnection,
        &tgw_attachment_missing_az::TgwAttachmentMissingAz,
        &tgw_appliance_mode_disabled::TgwApplianceModeDisabled,
        &tgw_missing_return_route::TgwMissingReturnRoute,
        &asymmetric_inspection_route::AsymmetricInspectionRoute,
        &interface_endpoint_sg_no_https::InterfaceEndpointSgNoHttps,
        &public_subnet_instance_no_public_ip::PublicSubnetInstanceNoPublicIp,
        &quota_exceeded::QuotaExceeded,
    ]
}

/// Metadata of every rule, the engine's own (`parse-error`, `unused-suppression`,
/// `incomplete-analysis`) included, sorted by name.
pub fn catalog() -> Vec<&'static RuleMeta> {
    let mut all: Vec<&'static RuleMeta> = registry().iter().map(|r| r.meta()).collect();
    all.push(&PARSE_ERROR);
    all.push(&UNUSED_SUPPRESSION);
    all.push(&INCOMPLETE_ANALYSIS);
    all.sort_by_key(|m| m.name);
    all
}
