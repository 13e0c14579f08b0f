//! A fault-injecting HTTP/1.1 server in front of the real central service, written on raw TCP so
//! it can misbehave the ways networks do: answer 500 or 429, hang past the client's timeout,
//! cut the connection halfway through the request or the answer. Each request takes the next
//! fault from a script; when the script is empty requests pass through untouched.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Forward to the central service and relay its answer.
    Pass,
    /// Answer this status (with `Retry-After` when given) without forwarding.
    Status(u16, Option<&'static str>),
    /// Run the hang hook, hold the request past the client's timeout until a later request has
    /// been forwarded (or `max` passed), then forward it anyway: a delayed, stale request.
    Hang { max: Duration },
    /// Read half the request body, then close the connection.
    CutRequest,
    /// Forward, then send the answer's head and half its body, then close.
    CutResponse,
}

/// What the proxy saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub at: Instant,
    pub fault: Fault,
    pub buckets: usize,
}

type Hook = Box<dyn Fn(&[u8]) + Send + Sync>;

pub struct Proxy {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Hung requests forwarded after the newer ones.
    pub late_forwards: Arc<AtomicUsize>,
}

struct Shared {
    upstream: String,
    script: Mutex<VecDeque<Fault>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    forwarded: Notify,
    late_forwards: Arc<AtomicUsize>,
    on_hang: Hook,
    http: reqwest::Client,
}

impl Proxy {
    /// Starts the proxy in front of `upstream` on the current runtime.
    pub async fn start(upstream: &str, script: Vec<Fault>, on_hang: Hook) -> Proxy {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let late_forwards = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            upstream: upstream.to_owned(),
            script: Mutex::new(script.into()),
            seen: seen.clone(),
            forwarded: Notify::new(),
            late_forwards: late_forwards.clone(),
            on_hang,
            http: reqwest::Client::new(),
        });
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(handle(shared.clone(), sock));
            }
        });
        Proxy {
            url,
            seen,
            late_forwards,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads the request head and returns it with the bytes of the body read so far.
async fn read_head(sock: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            return Some((head, buf[end + 4..].to_vec()));
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

async fn handle(s: Arc<Shared>, mut sock: TcpStream) {
    let Some((head, mut body)) = read_head(&mut sock).await else {
        return;
    };
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let fault = s.script.lock().unwrap().pop_front().unwrap_or(Fault::Pass);
    let want = if fault == Fault::CutRequest {
        length / 2
    } else {
        length
    };
    let mut chunk = [0u8; 8192];
    while body.len() < want {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let buckets = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["buckets"].as_array().map(Vec::len))
        .unwrap_or(0);
    s.seen.lock().unwrap().push(Seen {
        at: Instant::now(),
        fault: fault.clone(),
        buckets,
    });
    let auth = header(&head, "authorization").unwrap_or("").to_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    match fault {
        Fault::CutRequest => {
            let _ = sock.shutdown().await;
        }
        Fault::Status(code, retry_after) => {
            let body = br#"{"error":"injected fault"}"#;
            let extra = retry_after.map_or(String::new(), |r| format!("Retry-After: {r}\r\n"));
            let head = format!(
                "HTTP/1.1 {code} Injected\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body).await;
            let _ = sock.shutdown().await;
        }
        Fault::Pass | Fault::CutResponse => {
            let Some((status, answer)) = forward(&s, &path, &auth, body).await else {
                return;
            };
            s.forwarded.notify_waiters();
            let cut = fault == Fault::CutResponse;
            let sent = if cut { answer.len() / 2 } else { answer.len() };
            let head = format!(
                "HTTP/1.1 {status} Relayed\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                answer.len() + if cut { 100 } else { 0 }
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(&answer[..sent]).await;
            let _ = sock.shutdown().await;
        }
        Fault::Hang { max } => {
            (s.on_hang)(&body);
            let later = s.forwarded.notified();
            let _ = tokio::time::timeout(max, later).await;
            if forward(&s, &path, &auth, body).await.is_some() {
                s.late_forwards.fetch_add(1, Ordering::SeqCst);
            }
            let _ = sock.shutdown().await;
        }
    }
}

async fn forward(s: &Shared, path: &str, auth: &str, body: Vec<u8>) -> Option<(u16, Vec<u8>)> {
    let r = s
        .http
        .put(format!("{}{path}", s.upstream))
        .header("authorization", auth)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .ok()?;
    let status = r.status().as_u16();
    Some((status, r.bytes().await.ok()?.to_vec()))
}
