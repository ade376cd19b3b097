//! One module per subcommand: argument types and the function that runs it.

pub mod db;
pub mod gen;
pub mod import;
pub mod parse;
pub mod serve;
pub mod target;
pub mod user;
