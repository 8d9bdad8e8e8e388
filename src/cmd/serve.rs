//! `scholia serve`: see src/serve.rs.

use std::net::IpAddr;

use super::{SUCCESS, report_failure};
use crate::cli::SiteArgs;

pub fn run(args: &SiteArgs, bind: IpAddr, port: u16, open: bool) -> u8 {
    match crate::serve::serve(&args.root, bind, port, open, args.options()) {
        Ok(()) => SUCCESS,
        Err(failure) => report_failure(&failure, args.format),
    }
}
