# A hub VPC peered with two spokes, and an egress NAT instance in the hub.
# vpclint finds two mistakes here: the spokes are not reachable from each other
# through the hub (peering is not transitive), and the NAT instance still has
# source/destination checking on, so the VPC drops what it forwards.

provider "aws" {
  region = "eu-west-1"
}

variable "spokes" {
  type = map(string)
  default = {
    orders   = "10.1.0.0/16"
    payments = "10.2.0.0/16"
  }
}

resource "aws_vpc" "hub" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "hub_public" {
  vpc_id            = aws_vpc.hub.id
  cidr_block        = cidrsubnet(aws_vpc.hub.cidr_block, 8, 0)
  availability_zone = "eu-west-1a"
}

resource "aws_vpc" "spoke" {
  for_each   = var.spokes
  cidr_block = each.value
}

resource "aws_subnet" "spoke" {
  for_each          = aws_vpc.spoke
  vpc_id            = each.value.id
  cidr_block        = cidrsubnet(each.value.cidr_block, 8, 1)
  availability_zone = "eu-west-1a"
}

resource "aws_vpc_peering_connection" "hub_to_spoke" {
  for_each    = aws_vpc.spoke
  vpc_id      = aws_vpc.hub.id
  peer_vpc_id = each.value.id
  auto_accept = true
}

resource "aws_route_table" "spoke" {
  for_each = aws_vpc.spoke
  vpc_id   = each.value.id
}

resource "aws_route_table_association" "spoke" {
  for_each       = aws_subnet.spoke
  subnet_id      = each.value.id
  route_table_id = aws_route_table.spoke[each.key].id
}

# Each spoke reaches the hub over its peering connection (fine)...
resource "aws_route" "spoke_to_hub" {
  for_each                  = aws_vpc.spoke
  route_table_id            = aws_route_table.spoke[each.key].id
  destination_cidr_block    = aws_vpc.hub.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.hub_to_spoke[each.key].id
}

# ...but "orders" also tries to reach "payments" through the hub: dropped.
resource "aws_route" "orders_to_payments" {
  route_table_id            = aws_route_table.spoke["orders"].id
  destination_cidr_block    = var.spokes["payments"]
  vpc_peering_connection_id = aws_vpc_peering_connection.hub_to_spoke["orders"].id
}

resource "aws_instance" "nat" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.hub_public.id
}

resource "aws_route_table" "hub_private" {
  vpc_id = aws_vpc.hub.id
}

# The hub routes back to each spoke...
resource "aws_route" "hub_to_spoke" {
  for_each                  = aws_vpc.spoke
  route_table_id            = aws_route_table.hub_private.id
  destination_cidr_block    = each.value.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.hub_to_spoke[each.key].id
}

# ...and sends everything else to the NAT instance.
resource "aws_route" "hub_egress" {
  route_table_id         = aws_route_table.hub_private.id
  destination_cidr_block = "0.0.0.0/0"
  network_interface_id   = aws_instance.nat.primary_network_interface_id
}
