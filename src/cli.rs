//! Command-line interface.

use crate::model::dump;
use crate::pipeline;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "vpclint",
    version,
    about = "Static analyzer for AWS networks in Terraform and CloudFormation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint Terraform modules, plans and CloudFormation templates.
    Lint {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
    /// Print the evaluated network model.
    Model {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = ModelFormat::Text)]
        format: ModelFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ModelFormat {
    Json,
    Text,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Lint { paths } => {
            let _analysis = pipeline::analyze(&paths, &pipeline::Options::default());
            0
        }
        Command::Model { paths, format } => {
            let analysis = pipeline::analyze(&paths, &pipeline::Options::default());
            match format {
                ModelFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&dump::to_json(
                        &analysis.network,
                        &analysis.sources
                    ))
                    .unwrap_or_default()
                ),
                ModelFormat::Text => {
                    print!("{}", dump::to_text(&analysis.network, &analysis.sources))
                }
            }
            0
        }
    }
}
