//! Reasoning shared by rules: CIDR sets and containment, route lookup, port ranges,
//! NACL evaluation, which VPCs a connection joins, what a prefix list stands for,
//! transit gateway attachments' zones, stateful middleboxes, edge (ingress) routing, public
//! IPv4 addresses, whether replies find a way back into a VPC.

pub mod cidr;
pub mod edge;
pub mod grouped;
pub mod internet;
pub mod middlebox;
pub mod nacl;
pub mod peering;
pub mod ports;
pub mod prefix_list;
pub mod public_ip;
pub mod reach;
pub mod routing;
pub mod sg;
pub mod source_order;
pub mod transit;
pub mod way_back;
