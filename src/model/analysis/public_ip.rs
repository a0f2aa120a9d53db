//! Whether an instance or a network interface has a public IPv4 address: AWS assigns one at
//! launch to a new primary interface when the instance asks for it
//! (`associate_public_ip_address`) or, left unset, when its subnet maps public addresses on
//! launch, never to an interface created beforehand; an Elastic IP association gives one
//! to an instance or interface. An internet gateway translates only such addresses.

use crate::model::{
    ElasticIpTarget, Field, Instance, InstanceId, Network, NetworkInterfaceId, Origin,
};
use std::collections::HashSet;

/// Why an instance gets no public IPv4 address at launch, and the setting that decides it.
pub struct NoLaunchIpv4<'n> {
    pub why: String,
    pub setting: &'n Field<bool>,
    /// The resource the setting belongs to (the instance, or its subnet).
    pub owner: &'n Origin,
}

/// What AWS assigns an instance's primary interface at launch.
pub enum LaunchIpv4<'n> {
    Public,
    Private(NoLaunchIpv4<'n>),
}

/// Whether an endpoint has a public IPv4 address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicIpv4 {
    Yes,
    /// It has none, and why.
    No(String),
    Unknown,
}

/// What AWS assigns `instance` at launch; `None` when the code does not say.
pub fn launch_ipv4<'n>(network: &'n Network, instance: &'n Instance) -> Option<LaunchIpv4<'n>> {
    if instance.primary_interface_precreated.copied()? {
        return Some(LaunchIpv4::Private(NoLaunchIpv4 {
            why: "its primary interface is a network interface created beforehand (AWS \
                  assigns a public IPv4 address only to a new one)"
                .to_string(),
            setting: &instance.primary_interface_precreated,
            owner: &instance.origin,
        }));
    }
    let launch = match &instance.associate_public_ip {
        Some(field) => (!field.copied()?).then(|| NoLaunchIpv4 {
            why: "it asks for none".to_string(),
            setting: field,
            owner: &instance.origin,
        }),
        None => {
            let subnet = &network.subnets[instance.subnet.copied()?];
            let map = &subnet.map_public_ip_on_launch;
            (!map.copied()?).then(|| NoLaunchIpv4 {
                why: format!(
                    "it does not ask for one and its subnet {} does not map public IPv4 \
                     addresses on launch",
                    subnet.origin.address
                ),
                setting: map,
                owner: &subnet.origin,
            })
        }
    };
    Some(launch.map_or(LaunchIpv4::Public, LaunchIpv4::Private))
}

/// The Elastic IP associations of a network, indexed.
pub struct ElasticIps {
    /// `None` when an association's target (or the instance of a target interface) is
    /// unknown: it may be any instance's or interface's.
    known: Option<Associated>,
}

struct Associated {
    /// Instances with an Elastic IP, directly or through one of their interfaces.
    instances: HashSet<InstanceId>,
    interfaces: HashSet<NetworkInterfaceId>,
}

impl ElasticIps {
    pub fn new(network: &Network) -> Self {
        ElasticIps {
            known: associated(network),
        }
    }

    /// Whether an Elastic IP is associated with the instance (directly, or through one of
    /// its interfaces); `None` when that is not known.
    pub fn instance_has_one(&self, id: InstanceId) -> Option<bool> {
        Some(self.known.as_ref()?.instances.contains(&id))
    }

    /// Whether `instance` has a public IPv4 address.
    pub fn instance(&self, network: &Network, id: InstanceId) -> PublicIpv4 {
        let instance = &network.instances[id];
        let elastic = self.instance_has_one(id);
        if elastic == Some(true) {
            return PublicIpv4::Yes;
        }
        match (launch_ipv4(network, instance), elastic) {
            (Some(LaunchIpv4::Public), _) => PublicIpv4::Yes,
            (Some(LaunchIpv4::Private(no)), Some(false)) => PublicIpv4::No(format!(
                "{} gets no public IPv4 address at launch ({}) and no Elastic IP is \
                 associated with it",
                instance.origin.address, no.why
            )),
            _ => PublicIpv4::Unknown,
        }
    }

    /// Whether a network interface created on its own has a public IPv4 address: only
    /// through an Elastic IP (AWS assigns one at launch only to an interface the instance
    /// creates).
    pub fn interface(&self, network: &Network, id: NetworkInterfaceId) -> PublicIpv4 {
        let Some(known) = &self.known else {
            return PublicIpv4::Unknown;
        };
        if known.interfaces.contains(&id) {
            return PublicIpv4::Yes;
        }
        let eni = &network.network_interfaces[id];
        // An Elastic IP of the instance it is attached to may be on this interface.
        let instance = eni.attached_instance.as_ref().map(Field::copied);
        match instance {
            Some(None) => return PublicIpv4::Unknown,
            Some(Some(instance)) if known.instances.contains(&instance) => {
                return PublicIpv4::Unknown
            }
            _ => {}
        }
        PublicIpv4::No(format!(
            "{} is a network interface created on its own, which AWS gives no public IPv4 \
             address, and no Elastic IP is associated with it",
            eni.origin.address
        ))
    }
}

fn associated(network: &Network) -> Option<Associated> {
    let mut instances = HashSet::new();
    let mut interfaces = HashSet::new();
    for association in network.elastic_ip_associations.values() {
        match association.target.copied()? {
            ElasticIpTarget::Instance(id) => {
                instances.insert(id);
            }
            ElasticIpTarget::NetworkInterface(eni) => {
                interfaces.insert(eni);
                let attached = network.network_interfaces[eni].attached_instance.as_ref();
                if let Some(field) = attached {
                    instances.insert(field.copied()?);
                }
            }
        }
    }
    Some(Associated {
        instances,
        interfaces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::ElasticIpAssociation;

    fn estate(map_public: bool) -> NetworkBuilder {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        b.network.subnets[subnet].map_public_ip_on_launch = b.known(map_public);
        b.instance("aws_instance.web", subnet);
        b
    }

    #[test]
    fn the_subnet_decides_when_the_instance_does_not_ask() {
        let network = estate(true).finish();
        assert_eq!(
            ElasticIps::new(&network).instance(&network, InstanceId::new(0)),
            PublicIpv4::Yes
        );
        let network = estate(false).finish();
        let PublicIpv4::No(why) = ElasticIps::new(&network).instance(&network, InstanceId::new(0))
        else {
            panic!("expected no public address");
        };
        assert!(
            why.contains("its subnet aws_subnet.a does not map"),
            "{why}"
        );
    }

    #[test]
    fn the_instance_setting_wins_over_the_subnet() {
        let mut b = estate(true);
        let field = b.known(false);
        b.network.instances[InstanceId::new(0)].associate_public_ip = Some(field);
        let network = b.finish();
        assert!(matches!(
            ElasticIps::new(&network).instance(&network, InstanceId::new(0)),
            PublicIpv4::No(why) if why.contains("it asks for none")
        ));
    }

    #[test]
    fn an_elastic_ip_gives_one_and_an_unknown_one_makes_it_unknown() {
        let mut b = estate(false);
        let origin = b.origin("aws_eip.web");
        let target = b.known(ElasticIpTarget::Instance(InstanceId::new(0)));
        b.network
            .elastic_ip_associations
            .push(ElasticIpAssociation { origin, target });
        let network = b.finish();
        assert_eq!(
            ElasticIps::new(&network).instance(&network, InstanceId::new(0)),
            PublicIpv4::Yes
        );
        let mut b = estate(false);
        let origin = b.origin("aws_eip_association.x");
        let target = b.unknown();
        b.network
            .elastic_ip_associations
            .push(ElasticIpAssociation { origin, target });
        let network = b.finish();
        assert_eq!(
            ElasticIps::new(&network).instance(&network, InstanceId::new(0)),
            PublicIpv4::Unknown
        );
    }

    #[test]
    fn an_unknown_subnet_setting_is_unknown() {
        let mut b = estate(false);
        b.network.subnets[crate::model::SubnetId::new(0)]
            .map_public_ip_on_launch
            .value = None;
        let network = b.finish();
        assert_eq!(
            ElasticIps::new(&network).instance(&network, InstanceId::new(0)),
            PublicIpv4::Unknown
        );
    }
}
