//! `scholia serve`: see src/serve.rs.

use std::net::IpAddr;

use super::{INTERNAL, SUCCESS};
use crate::cli::SiteArgs;

pub fn run(args: &SiteArgs, bind: IpAddr, port: u16, open: bool) -> u8 {
    match crate::serve::serve(&args.root, bind, port, open, args.options()) {
        Ok(()) => SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            INTERNAL
        }
    }
}
