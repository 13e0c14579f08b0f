//! TLS by default: a service on the network without TLS is refused with the line, and both
//! services serve HTTPS with what `hub-kiosk staff tls` makes — the kiosk with its self-signed
//! certificate, the central service with a certificate a certificate authority (openssl, here)
//! signed from the signing request — checked by a client that trusts only that certificate.

mod staff_support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use hub_kiosk::central::{Central, CentralConfig};
use hub_kiosk::clock::SystemClock;
use reqwest::StatusCode;
use staff_support::Kiosk;

fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn make_tls(dir: &Path, self_signed: bool) {
    let mut args = vec!["staff", "tls", "--name", "localhost", "--out"];
    args.push(dir.to_str().unwrap());
    if self_signed {
        args.push("--self-signed");
    }
    let out = hub_kiosk(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A client that trusts `root` (PEM) and nothing else, reaching `localhost` at `addr`.
fn trusting(root: &Path, addr: std::net::SocketAddr) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pem = std::fs::read(root).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
        .resolve("localhost", addr)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_serves_https_with_its_self_signed_certificate() {
    let tls = tempfile::tempdir().unwrap();
    make_tls(tls.path(), true);
    let (cert, key) = (tls.path().join("cert.pem"), tls.path().join("key.pem"));
    let k = Kiosk::start_with(|c| {
        c.staff.tls = Some(hub_kiosk::config::Tls {
            certificate: cert.clone(),
            key: key.clone(),
        });
    })
    .await;
    let addr = k.server.as_ref().unwrap().addr;
    let url = format!("https://localhost:{}/healthz", addr.port());
    let res = trusting(&cert, addr).get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // Another certificate for the same name is not this one: the client refuses the server.
    let other = tempfile::tempdir().unwrap();
    make_tls(other.path(), true);
    let e = trusting(&other.path().join("cert.pem"), addr)
        .get(&url)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    k.stop().await;
}

/// A certificate authority (openssl) signs `csr`, keeping its names; returns the CA's PEM.
fn ca_signs(dir: &Path, csr: &Path, cert: &Path) -> std::path::PathBuf {
    let (ca_key, ca_cert) = (dir.join("ca-key.pem"), dir.join("ca.pem"));
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            text(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Test Trust CA",
        "-keyout",
        ca_key.to_str().unwrap(),
        "-out",
        ca_cert.to_str().unwrap(),
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        csr.to_str().unwrap(),
        "-CA",
        ca_cert.to_str().unwrap(),
        "-CAkey",
        ca_key.to_str().unwrap(),
        "-CAcreateserial",
        "-days",
        "2",
        "-copy_extensions",
        "copy",
        "-out",
        cert.to_str().unwrap(),
    ]);
    ca_cert
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_central_serves_https_with_a_certificate_signed_from_the_request() {
    let tls = tempfile::tempdir().unwrap();
    make_tls(tls.path(), false);
    let cert = tls.path().join("cert.pem");
    let ca = ca_signs(tls.path(), &tls.path().join("request.csr"), &cert);
    let data = tempfile::tempdir().unwrap();
    let toml = format!(
        "[service]\nlisten = \"0.0.0.0:8090\"\ndata_dir = \"{}\"\n[service.tls]\ncertificate = \"{}\"\nkey = \"{}\"\n\
         [[sites]]\nid = \"walton\"\nname = \"Walton\"\n",
        data.path().display(),
        cert.display(),
        tls.path().join("key.pem").display()
    );
    let config = CentralConfig::parse(&toml, "central.toml").unwrap();
    assert!(config.warnings.is_empty());
    let central = Central::open(config, Arc::new(SystemClock::new(true))).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(hub_kiosk::central::serve(central, listener, async {
        let _ = stopped.await;
    }));
    let url = format!("https://localhost:{}/healthz", addr.port());
    let res = trusting(&ca, addr).get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let _ = stop.send(());
}

#[test]
fn both_services_refuse_plain_http_on_the_network_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = dir.path().join("kiosk.toml");
    std::fs::write(
        &kiosk,
        "[site]\nid = \"x\"\nname = \"X\"\n\n[staff]\nlisten = \"0.0.0.0:8080\"\n",
    )
    .unwrap();
    let out = hub_kiosk(&["check-config", kiosk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 6, `staff.listen`: 0.0.0.0:8080 is reachable from the network"),
        "{err}"
    );
    // The kiosk does not start on it either, nor with --listen on the network.
    let run = hub_kiosk(&["run", "--headless", "--config", kiosk.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let demo = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["run", "--headless", "--listen", "0.0.0.0:0"])
        .env("HUB_KIOSK_DEMO_DIR", dir.path().join("demo"))
        .output()
        .unwrap();
    assert_eq!(demo.status.code(), Some(2));
    assert!(
        text(&demo.stderr).contains("--listen: 0.0.0.0:0 is reachable"),
        "{}",
        text(&demo.stderr)
    );

    let central = dir.path().join("central.toml");
    std::fs::write(
        &central,
        "[service]\nlisten = \"0.0.0.0:8090\"\n[[sites]]\nid = \"walton\"\nname = \"Walton\"\n",
    )
    .unwrap();
    let out = hub_kiosk(&["central", "check-config", central.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("line 2, `service.listen`"), "{err}");
    assert!(
        err.contains("[service.tls]") && err.contains("allow_plain_http"),
        "{err}"
    );

    // The opt-out is accepted, with a warning that names its line.
    std::fs::write(
        &central,
        "[service]\nlisten = \"0.0.0.0:8090\"\nallow_plain_http = true\n[[sites]]\nid = \"walton\"\nname = \"Walton\"\n",
    )
    .unwrap();
    let out = hub_kiosk(&["central", "check-config", central.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("warning: ")
            && text(&out.stdout).contains("line 3, `service.allow_plain_http`"),
        "{}",
        text(&out.stdout)
    );
}
