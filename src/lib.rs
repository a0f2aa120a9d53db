//! vpclint: a static analyzer for AWS networks described in Terraform and CloudFormation.
//!
//! Data flows one way: [`discover`] → [`frontend`] → [`model`] → [`rules`] → [`report`].

pub mod alloc;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod discover;
pub mod engine;
pub mod exercise;
pub mod frontend;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
