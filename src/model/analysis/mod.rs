//! Reasoning shared by rules: CIDR sets and containment, route lookup, port ranges,
//! NACL evaluation, which VPCs a connection joins.

pub mod cidr;
pub mod peering;
pub mod routing;
pub mod source_order;
