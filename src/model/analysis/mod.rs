//! Reasoning shared by rules: CIDR sets and containment, route lookup, port ranges,
//! NACL evaluation, which VPCs a connection joins.
