//! [`ScanError`]: bad input to a scan. Problems met inside the root are diagnostics, not errors.

use crate::layers::network::parse_endpoints::{ParseError, MAX_LISTED_PROBLEMS};
use sovstack_inventory::Layer;
use std::io;
use std::path::{Path, PathBuf};

/// Bad input to [`crate::scan`]. Problems met inside the root are diagnostics, not errors.
///
/// A variant that wraps an I/O error gives it as its [`std::error::Error::source`] and does not
/// repeat it in its own message: the CLI prints the chain (`cannot read endpoints file x: No
/// such file or directory`), which would otherwise say the cause twice.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The root does not exist.
    #[error("root {} does not exist", .0.display())]
    RootNotFound(PathBuf),
    /// The root is not a directory.
    #[error("root {} is not a directory", .0.display())]
    RootNotDirectory(PathBuf),
    /// The root could not be opened (permissions, I/O).
    #[error("cannot open root {}", path.display())]
    RootUnreadable {
        /// The root as given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A layer id that is not one of [`Layer::ALL`].
    #[error("unknown layer `{0}` (known layers: {known})", known = Layer::ALL.map(Layer::id).join(", "))]
    UnknownLayer(String),
    /// An option asks for a layer that `--layers` leaves out, so it would have no effect.
    #[error("{flags} asks for the {} layer, which --layers {requested} leaves out: add {} to --layers, or leave --layers out", layer.id(), layer.id())]
    LayerNotRequested {
        /// The layer the option asks for.
        layer: Layer,
        /// The option's flags.
        flags: &'static str,
        /// The layers requested, as given.
        requested: String,
    },
    /// The endpoints file cannot be read.
    #[error("cannot read endpoints file {}", path.display())]
    EndpointsUnreadable {
        /// The file as given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The endpoints file is malformed. The message has one line per problem,
    /// `FILE:LINE:COLUMN: what`, up to [`MAX_LISTED_PROBLEMS`], then how many more.
    #[error("{}", render_endpoint_errors(path, errors))]
    Endpoints {
        /// The file as given.
        path: PathBuf,
        /// Every problem, in file order (never empty).
        errors: Vec<ParseError>,
    },
    /// A `--domain` is not a domain name.
    #[error("{0}")]
    Domain(String),
    /// The `network` layer was asked for with nothing to resolve.
    #[error(
        "the network layer has nothing to resolve: give --endpoints FILE (the services to \
         assess) or --domain DOMAIN (a domain's mail, DNS and web hosting)"
    )]
    NothingToResolve,
    /// The endpoints file lists no endpoint, and no `--domain` was given.
    #[error("endpoints file {} lists no endpoint: the network layer has nothing to resolve", .0.display())]
    NoEndpoints(PathBuf),
    /// A path given to `--import` does not exist.
    #[error("{} does not exist (--import takes inventory files and directories)", .0.display())]
    ImportNotFound(PathBuf),
    /// A path given to `--import`, or a directory under it, cannot be read.
    #[error("cannot read {}", path.display())]
    ImportUnreadable {
        /// The path.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The paths given to `--import` hold no file.
    #[error("no file to import under {0}")]
    ImportNothing(String),
    /// The network layer needs the data directory and none was given or it cannot be loaded.
    #[error("network data: {0}")]
    NetworkData(String),
    /// The cable layer's options are missing or malformed (no origin, a bad code, nothing to
    /// route to).
    #[error("{0}")]
    Cable(String),
    /// The `suppliers` layer was asked for without `--declared`.
    #[error("the suppliers layer needs the declared suppliers: give --declared FILE")]
    NothingDeclared,
    /// The declared-suppliers file cannot be read.
    #[error("cannot read declared suppliers file {}", path.display())]
    DeclaredUnreadable {
        /// The file as given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The declared-suppliers file is malformed. The message has one line per problem,
    /// `FILE:LINE:COLUMN: what`, up to [`MAX_LISTED_PROBLEMS`], then how many more.
    #[error("{}", render_endpoint_errors(path, errors))]
    Declared {
        /// The file as given.
        path: PathBuf,
        /// Every problem, in file order (never empty).
        errors: Vec<ParseError>,
    },
}

fn render_endpoint_errors(path: &Path, errors: &[ParseError]) -> String {
    let mut lines: Vec<String> = errors
        .iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(|e| format!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message))
        .collect();
    if let Some(more) = errors
        .len()
        .checked_sub(MAX_LISTED_PROBLEMS)
        .filter(|&n| n > 0)
    {
        lines.push(format!(
            "and {more} more problem{} in {}",
            if more == 1 { "" } else { "s" },
            path.display()
        ));
    }
    lines.join("\n")
}
