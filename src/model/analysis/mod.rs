//! Reasoning shared by rules: CIDR sets and containment, route lookup, port ranges,
//! NACL evaluation, which VPCs a connection joins.

pub mod nacl;
pub mod ports;
pub mod sg;
