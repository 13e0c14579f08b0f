//! `web::serve`'s limits with short settings, over real sockets on 127.0.0.1: a half-sent
//! header is cut off at the header-read timeout, a silent or kept-alive idle connection at the
//! idle timeout, a streaming answer is never taken for idle, over the cap the longest idle
//! connection makes room, and stopping lets an answer in progress finish.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use hub_kiosk::web::serve::{Limits, serve};

const SHORT: Duration = Duration::from_millis(300);

fn app() -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(800)).await;
                "slow but whole"
            }),
        )
        .route(
            "/stream",
            get(|| async {
                let ticks = futures_util::stream::unfold(0u32, |n| async move {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Some((Ok::<_, std::io::Error>(format!("tick {n}\n")), n + 1))
                });
                Body::from_stream(ticks)
            }),
        )
}

/// A server with `limits`; the sender stops it.
async fn start(
    limits: Limits,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        serve(listener, None, app(), shutdown, limits)
            .await
            .unwrap();
    });
    (addr, stop, task)
}

fn limits(cap: usize) -> Limits {
    Limits {
        max_connections: cap,
        header_read_timeout: SHORT,
        idle_timeout: SHORT * 2,
        grace: Duration::from_secs(3),
    }
}

/// Blocks until the server closes `s` (or 5 s pass); how long that took.
fn closed_within(mut s: TcpStream) -> Duration {
    let started = Instant::now();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return started.elapsed(),
            Err(e) => panic!("still open after {:?}: {e}", started.elapsed()),
        }
    }
}

fn request(addr: SocketAddr, path: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_header_is_cut_off_at_the_header_timeout() {
    let mut only_headers = limits(64);
    only_headers.idle_timeout = Duration::from_secs(30);
    let (addr, _stop, _task) = start(only_headers).await;
    tokio::task::spawn_blocking(move || {
        let mut half = TcpStream::connect(addr).unwrap();
        half.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
            .unwrap();
        assert!(closed_within(half) < Duration::from_secs(3));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_kept_alive_idle_connections_are_closed_at_the_idle_timeout() {
    let mut only_idle = limits(64);
    only_idle.header_read_timeout = Duration::from_secs(30);
    let (addr, _stop, _task) = start(only_idle).await;
    tokio::task::spawn_blocking(move || {
        let silent = TcpStream::connect(addr).unwrap();
        assert!(closed_within(silent) < Duration::from_secs(3));
        let answered = request(addr, "/healthz");
        assert!(closed_within(answered) < Duration::from_secs(3));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streaming_answer_is_not_idle() {
    let (addr, _stop, _task) = start(limits(64)).await;
    tokio::task::spawn_blocking(move || {
        let mut s = request(addr, "/stream");
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let started = Instant::now();
        let mut seen = Vec::new();
        let mut buf = [0u8; 1024];
        // Three idle timeouts later the stream still flows.
        while started.elapsed() < SHORT * 6 {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "closed while streaming");
            seen.extend_from_slice(&buf[..n]);
        }
        assert!(String::from_utf8_lossy(&seen).contains("tick 5"));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_cap_the_longest_idle_connection_makes_room() {
    let mut quiet = limits(4);
    quiet.header_read_timeout = Duration::from_secs(30);
    quiet.idle_timeout = Duration::from_secs(30);
    let (addr, _stop, _task) = start(quiet).await;
    tokio::task::spawn_blocking(move || {
        let oldest = TcpStream::connect(addr).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let _others: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(50));
        let mut fresh = request(addr, "/healthz");
        let mut answer = [0u8; 15];
        fresh.read_exact(&mut answer).unwrap();
        assert_eq!(&answer, b"HTTP/1.1 200 OK");
        assert!(closed_within(oldest) < Duration::from_secs(1));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_lets_an_answer_in_progress_finish() {
    let (addr, stop, task) = start(limits(64)).await;
    let reading = tokio::task::spawn_blocking(move || {
        let mut s = request(addr, "/slow");
        let mut text = String::new();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.read_to_string(&mut text);
        text
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    let text = reading.await.unwrap();
    assert!(text.contains("slow but whole"), "{text}");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the server stops")
        .unwrap();
    assert!(TcpStream::connect(addr).is_err(), "no longer listening");
}
