//! One module per subcommand: argument types and the function that runs it.

pub mod parse;
pub mod target;
