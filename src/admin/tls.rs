//! `hub-kiosk staff tls`: makes the key and a certificate signing request for the trust's
//! certificate authority, or a self-signed certificate for a trial (the mechanics in
//! `web::certificate`), and says what to do next.

use std::path::PathBuf;

use clap::Args;

use crate::service::Failure;

#[derive(Debug, Args)]
pub struct TlsArgs {
    /// A name staff use to reach it (host name or IP address); repeat for more. Default: this
    /// machine's host name and <host>.local.
    #[arg(long = "name")]
    pub names: Vec<String>,
    /// Folder for key.pem and request.csr (or cert.pem).
    #[arg(long, default_value = "/etc/hub-kiosk/tls")]
    pub out: PathBuf,
    /// A self-signed certificate (browsers warn until each device trusts it): for a trial.
    #[arg(long)]
    pub self_signed: bool,
    /// Days the self-signed certificate is valid.
    #[arg(long, default_value_t = 825)]
    pub days: u32,
    /// Replace a key already in the folder.
    #[arg(long)]
    pub force: bool,
}

/// `hub-kiosk staff tls`: the key and the request (or self-signed certificate), then the steps.
pub fn run(args: TlsArgs) -> Result<(), Failure> {
    use crate::web::certificate::{Request, default_names, make};
    let names = if args.names.is_empty() {
        default_names()
    } else {
        args.names
    };
    let req = Request {
        names: names.clone(),
        self_signed: args.self_signed,
        days: args.days,
        force: args.force,
    };
    let w = make(&args.out, &req).map_err(Failure::usage)?;
    let (key, other) = (w.key.display(), w.other.display());
    println!(
        "wrote {key} (the private key: keep it on this machine) for {}",
        names.join(", ")
    );
    if args.self_signed {
        println!(
            "wrote {other}, self-signed for {} days. Name both in the configuration:\n  \
             tls = {{ certificate = \"{other}\", key = \"{key}\" }}\n\
             then `sudo systemd-tmpfiles --create hub-kiosk.conf` (the key readable by the service \
             only) and `sudo systemctl restart hub-kiosk`. Browsers warn until each staff device \
             trusts {other}; use a certificate from the trust's CA for real use.",
            args.days
        );
    } else {
        println!(
            "wrote {other}: send it to the trust's certificate authority. Save the certificate \
             they send back (PEM, with any intermediate certificates after it) beside the key and \
             name both in the configuration:\n  \
             tls = {{ certificate = \"{}\", key = \"{key}\" }}\n\
             then `sudo systemd-tmpfiles --create hub-kiosk.conf` and restart the service.",
            args.out.join(crate::web::certificate::CERT_FILE).display()
        );
    }
    Ok(())
}
