//! An instance launched from a launch template. Where the template is in the unit, its
//! network settings merge into the instance's as EC2 merges them: the instance's own
//! arguments win, and a template with network interfaces leaves no room for an
//! instance-level subnet or security groups (EC2 rejects the launch). Elsewhere, what the
//! template may set is unknown, and said so.

use super::*;

/// What an instance's own arguments and interface specs say about its primary interface.
pub(super) struct Placement {
    pub subnet: Option<Field<SubnetId>>,
    pub groups: Vec<Field<SecurityGroupId>>,
    pub public_ip: Option<Field<bool>>,
    pub precreated: Field<bool>,
    /// The pre-created network interface at device 0, if one is named.
    pub primary_interface: Option<Field<NetworkInterfaceId>>,
}

impl<'a> UnitLowering<'a> {
    /// Merges the launch template `spec` names into `placement`, the instance's own.
    pub(super) fn merge_launch_template(
        &mut self,
        id: InstanceId,
        res: &'a Resource,
        spec: &'a Val,
        names: &InstanceNames,
        has_own_interfaces: bool,
        placement: &mut Placement,
    ) {
        let names_t = &names.template;
        let template = match self.launch_template(spec, names_t) {
            Ok(template) => template,
            Err(why) => {
                return self.unknown_template(res, spec, &why, has_own_interfaces, placement)
            }
        };
        let interfaces = self.elements(self.template_field(template, names_t, names_t.interfaces));
        if interfaces.is_empty() || has_own_interfaces {
            if placement.groups.is_empty() && !has_own_interfaces {
                let groups = self.template_field(template, names_t, names_t.security_groups);
                placement.groups = self.links(groups);
                let by_name = self.template_field(template, names_t, names_t.group_names.list);
                let by_name = self.groups_by_name(id, res, by_name, &names_t.group_names);
                placement.groups.extend(by_name);
            }
            return;
        }
        let conflicts: Vec<(&str, &Val)> =
            [names.subnet, names.security_groups, names.group_names.list]
                .into_iter()
                .filter_map(|name| Some((name, attr(res, name)?)))
                .filter(|(_, val)| self.is_set(val))
                .collect();
        if conflicts.is_empty() {
            self.merge_interfaces(
                id,
                interfaces,
                &names_t.interface,
                names.eni_subnet,
                placement,
            );
            return;
        }
        for (name, val) in conflicts {
            let what = if name == names.subnet {
                "subnet ID"
            } else {
                "security groups"
            };
            self.diagnostics.push(Diagnostic::error(
                val.span,
                format!(
                    "{}: launch template {} sets network interfaces, so EC2 rejects the launch \
                     with an instance-level {name} (InvalidParameterCombination: network \
                     interfaces and an instance-level {what} may not be specified on the same \
                     request); set it on the template's interface instead",
                    res.address, template.address
                ),
            ));
        }
        // The instance is never launched: nothing is known of where it would be.
        placement.subnet = Some(Field::unknown(spec.span));
        placement.groups = vec![Field::unknown(spec.span)];
        placement.public_ip = Some(Field::unknown(spec.span));
    }

    /// The launch template resource `spec` names in this unit, in the version its code
    /// describes; otherwise what it names, and why vpclint cannot read it.
    fn launch_template(
        &self,
        spec: &'a Val,
        names: &LaunchTemplateNames,
    ) -> Result<&'a Resource, String> {
        let Some(named) = get(spec, names.by_id).or_else(|| get(spec, names.by_name)) else {
            return Err("named by neither id nor name".into());
        };
        let template = match named.as_ref() {
            Some(r) => self
                .local_index(r)
                .and_then(|i| self.resources.get(i))
                .filter(|t| &*t.kind == names.kind)
                .ok_or_else(|| {
                    format!(
                        "{}.{}, which is not in the configuration",
                        r.address, r.attribute
                    )
                }),
            None => match self.text(named) {
                Parsed::Known(name) => self
                    .resources
                    .iter()
                    .find(|t| {
                        &*t.kind == names.kind
                            && attr(t, names.name).is_some_and(
                                |v| matches!(self.text(v), Parsed::Known(n) if n == name),
                            )
                    })
                    .ok_or_else(|| format!("\"{name}\", which is not in the configuration")),
                _ => Err("named by a value vpclint does not know".into()),
            },
        }?;
        let Some(version) = get(spec, names.version) else {
            return Ok(template);
        };
        let describes_code = match version.as_ref() {
            Some(r) => {
                *r.address == *template.address && names.code_versions.contains(&&*r.attribute)
            }
            None => matches!(self.text(version), Parsed::Known("$Latest" | "$Default")),
        };
        if describes_code {
            return Ok(template);
        }
        let shown = match self.text(version) {
            Parsed::Known(v) => Some(v.to_string()),
            Parsed::Invalid(v) => Some(v),
            Parsed::Unknown => None,
        };
        Err(match shown {
            Some(v) => format!(
                "{} in version {v}, which may differ from the version in the configuration",
                template.address
            ),
            None => format!("{} in a version vpclint does not know", template.address),
        })
    }

    /// A field of the template's launch settings.
    fn template_field(
        &self,
        template: &'a Resource,
        names: &LaunchTemplateNames,
        field: &str,
    ) -> Option<&'a Val> {
        match names.data {
            Some(data) => get(self.follow(attr(template, data)?), field),
            None => attr(template, field),
        }
    }

    /// A template vpclint cannot read: what it may set is unknown, and what the instance
    /// leaves to it is a gap.
    fn unknown_template(
        &mut self,
        res: &'a Resource,
        spec: &'a Val,
        why: &str,
        has_own_interfaces: bool,
        placement: &mut Placement,
    ) {
        if placement.public_ip.is_none() {
            placement.public_ip = Some(Field::unknown(spec.span));
        }
        if has_own_interfaces {
            return;
        }
        let mut left_to_template = Vec::new();
        if placement.subnet.is_none() {
            placement.subnet = Some(Field::unknown(spec.span));
            left_to_template.push("subnet");
        }
        if placement.groups.is_empty() {
            placement.groups = vec![Field::unknown(spec.span)];
            left_to_template.push("security groups");
        }
        if left_to_template.is_empty() {
            return;
        }
        self.diagnostics.push(Diagnostic::gap(
            spec.span,
            GapCause::UnknownDataSource,
            format!(
                "{}: its {} {} from launch template {why}: unknown, so the checks of this \
                 instance's placement and traffic skip it",
                res.address,
                left_to_template.join(" and "),
                if left_to_template == ["subnet"] {
                    "comes"
                } else {
                    "come"
                }
            ),
        ));
    }

    /// Whether a value is certainly given: not null, not an empty list, not unknown.
    fn is_set(&self, val: &'a Val) -> bool {
        match &self.follow(val).v {
            V::Null | V::Unknown(_) => false,
            V::List(items) => items.iter().any(|item| !item.is_null()),
            _ => true,
        }
    }
}
