//! Message parts shared by the rules that report a subnet whose route table does not send
//! `0.0.0.0/0` to an internet gateway (`nat-gateway-no-internet-route`,
//! `internet-facing-lb-private-subnet`).

use super::Label;
use crate::model::analysis::routing::{target_address, target_vpc};
use crate::model::{Network, RouteId, RouteTableId, SubnetId, Target};

/// Why a subnet has no way to the internet, ready for a finding.
pub(super) struct NoInternetRoute {
    /// ` (10.0.1.0/24)`, or empty when the subnet's block is unknown.
    pub cidr: String,
    /// The subnet's route table, and the route that sends `0.0.0.0/0` elsewhere if any.
    pub related: Vec<Label>,
    /// `has no 0.0.0.0/0 route to {gateway}`, `sends 0.0.0.0/0 to X, not to {gateway}`, or
    /// for another VPC's internet gateway `sends 0.0.0.0/0 to X, the internet gateway of vpc
    /// V, not of this subnet's VPC`.
    pub what: String,
}

/// `default` is the route table's `0.0.0.0/0` route and its target when it has one that
/// does not lead to an internet gateway; `gateway` names what was expected.
pub(super) fn explain(
    network: &Network,
    subnet: SubnetId,
    table: RouteTableId,
    default: Option<(RouteId, Target)>,
    gateway: &str,
) -> NoInternetRoute {
    let subnet = &network.subnets[subnet];
    let table = &network.route_tables[table].origin;
    let cidr = subnet
        .cidr
        .as_ref()
        .and_then(|c| c.copied())
        .map(|c| format!(" ({})", c.net))
        .unwrap_or_default();
    let mut related = vec![Label::of(
        table.name_span,
        table,
        format!("route table of {}", subnet.origin.address),
    )];
    let what = match default {
        None => format!("has no 0.0.0.0/0 route to {gateway}"),
        Some((route, target)) => {
            let route = &network.routes[route];
            let to = target_address(network, target).unwrap_or("the local route");
            related.push(Label::of(
                route.target.span,
                &route.origin,
                format!("0.0.0.0/0 goes to {to}"),
            ));
            match (target, target_vpc(network, target)) {
                // An internet gateway of another VPC: AWS refuses the route.
                (Target::InternetGateway(_), Some(vpc)) => format!(
                    "sends 0.0.0.0/0 to {to}, the internet gateway of vpc {}, not of this \
                     subnet's VPC",
                    network.vpcs[vpc].origin.address
                ),
                (Target::InternetGateway(_), None) => format!(
                    "sends 0.0.0.0/0 to {to}, an internet gateway not known to be attached to \
                     this subnet's VPC"
                ),
                _ => format!("sends 0.0.0.0/0 to {to}, not to {gateway}"),
            }
        }
    };
    NoInternetRoute {
        cidr,
        related,
        what,
    }
}
