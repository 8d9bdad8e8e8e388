//! `scholia serve`: the authoring loop.
//!
//! 1. Build the site in memory (the same pipeline as `build`, without the write).
//! 2. Serve it on loopback with axum: pages from memory, so nothing outside the built
//!    site can be reached (no file system paths, no `..`, no symlinks).
//! 3. Watch `site.yaml`, `content/` and `templates/` (notify, debounced); rebuild on
//!    change. A good build replaces the site and tells the open pages to reload
//!    (server-sent events); a failed one keeps the last good site and shows the
//!    diagnostics in the terminal and over the page.
//!
//! The reload script is injected into pages only as they are served, never into
//! `public/`. Entry point: [`serve`].

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::{Failure, Options, diagnostics};

/// What is served now.
struct Served {
    /// The last good build: path (without leading `/`) → bytes.
    files: HashMap<String, Vec<u8>>,
    /// The diagnostics of the last build, if it failed (plain text).
    errors: Option<String>,
    /// Counts good builds and failures, so a page can tell whether it is current.
    version: u64,
}

#[derive(Clone)]
struct AppState {
    served: Arc<RwLock<Served>>,
    changes: broadcast::Sender<u64>,
}

const LIVE_JS: &str = include_str!("serve/live.js");
const LIVE_CSS: &str = include_str!("serve/live.css");
/// How long a burst of file events must be quiet before a rebuild.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Builds, serves and watches the site at `root` until interrupted.
pub fn serve(
    root: &Path,
    bind: IpAddr,
    port: u16,
    open: bool,
    options: Options,
) -> Result<(), String> {
    let root = std::path::absolute(root).map_err(|e| e.to_string())?;
    let served = Arc::new(RwLock::new(Served {
        files: HashMap::new(),
        errors: None,
        version: 0,
    }));
    let (changes, _) = broadcast::channel(16);
    rebuild(&root, options, &served, &changes);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(bind, port))
            .await
            .map_err(|e| format!("cannot listen on {bind}:{port}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let url = format!("http://{address}/");
        println!("Serving {} on {url} (Ctrl-C to stop)", root.display());
        if !bind.is_loopback() {
            eprintln!("warning: listening on {bind}: other machines can reach this server");
        }
        let _watcher = watch(&root, options, Arc::clone(&served), changes.clone())?;
        if open {
            open_browser(&url);
        }
        let app = Router::new()
            .route("/__scholia/events", get(events))
            .route("/__scholia/status", get(status))
            .route(
                "/__scholia/live.js",
                get(|| asset(LIVE_JS, "text/javascript; charset=utf-8")),
            )
            .route(
                "/__scholia/live.css",
                get(|| asset(LIVE_CSS, "text/css; charset=utf-8")),
            )
            .fallback(get(page))
            .with_state(AppState { served, changes });
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    })
}

/// Rebuilds the site in memory and publishes the result.
fn rebuild(
    root: &Path,
    options: Options,
    served: &RwLock<Served>,
    changes: &broadcast::Sender<u64>,
) {
    let started = Instant::now();
    let result = crate::render_site_with(root, options);
    let elapsed = started.elapsed();
    let mut state = served.write().expect("the served site is never poisoned");
    state.version += 1;
    match result {
        Ok((files, report)) => {
            if !report.warnings.is_empty() {
                eprint!("{}", diagnostics::render_all(&report.warnings, false));
            }
            state.files = files.into_iter().map(|f| (f.path, f.contents)).collect();
            state.errors = None;
            println!(
                "built {} files in {} ms",
                state.files.len(),
                elapsed.as_millis()
            );
        }
        Err(Failure::Input(list)) => {
            let text = diagnostics::render_all(&list, false);
            eprint!("{text}");
            state.errors = Some(text);
        }
        Err(Failure::Internal(message)) => {
            eprintln!("error: {message}");
            state.errors = Some(format!("error: {message}\n"));
        }
    }
    let _ = changes.send(state.version);
}

/// Watches the site's sources; each quiet burst of changes triggers one rebuild.
/// Reads are not changes: the rebuild's own reading of the files must not set off
/// another rebuild.
fn watch(
    root: &Path,
    options: Options,
    served: Arc<RwLock<Served>>,
    changes: broadcast::Sender<u64>,
) -> Result<notify::RecommendedWatcher, String> {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, EventKind::Access(_) | EventKind::Other)
        {
            let _ = tx.send(());
        }
    })
    .map_err(|e| e.to_string())?;
    let watched = [
        (root.join("site.yaml"), RecursiveMode::NonRecursive),
        (root.join("content"), RecursiveMode::Recursive),
        (root.join("templates"), RecursiveMode::Recursive),
    ];
    for (path, mode) in watched.iter().filter(|(p, _)| p.exists()) {
        watcher
            .watch(path, *mode)
            .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
    }
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            // An editor's save is often several events: wait for a quiet moment.
            while rx.recv_timeout(DEBOUNCE).is_ok() {}
            rebuild(&root, options, &served, &changes);
        }
    });
    Ok(watcher)
}

async fn events(State(app): State<AppState>) -> impl IntoResponse {
    let stream = BroadcastStream::new(app.changes.subscribe()).filter_map(|version| {
        version
            .ok()
            .map(|v| Ok::<_, Infallible>(Event::default().event("change").data(v.to_string())))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn status(State(app): State<AppState>) -> impl IntoResponse {
    let state = app
        .served
        .read()
        .expect("the served site is never poisoned");
    let body = serde_json::json!({ "version": state.version, "errors": state.errors });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
}

async fn asset(text: &'static str, content_type: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
}

async fn page(State(app): State<AppState>, request: Request) -> Response {
    let Some(path) = site_path(request.uri().path()) else {
        return not_found();
    };
    let state = app
        .served
        .read()
        .expect("the served site is never poisoned");
    let Some(bytes) = state.files.get(&path) else {
        return not_found();
    };
    let content_type = content_type(&path);
    let body = if path.ends_with(".html") {
        with_live_reload(&String::from_utf8_lossy(bytes)).into_bytes()
    } else {
        bytes.clone()
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "404: not part of the site\n").into_response()
}

/// Maps a request path to a file of the built site, or `None` for a path that could
/// leave it: `..` or `.` segments, encoded or not, backslashes, NUL.
fn site_path(uri_path: &str) -> Option<String> {
    let decoded = percent_decode(uri_path)?;
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s if s.contains(['\\', '\0']) => return None,
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") | Some("jsonld") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script and stylesheet to a served page, and lets its policy
/// connect back to this server for change events.
fn with_live_reload(html: &str) -> String {
    let tags = "<link rel=\"stylesheet\" href=\"/__scholia/live.css\">\
<script src=\"/__scholia/live.js\" defer></script>\n";
    let html = html.replacen(
        "Content-Security-Policy\" content=\"",
        "Content-Security-Policy\" content=\"connect-src 'self'; ",
        1,
    );
    match html.rfind("</body>") {
        Some(at) => format!("{}{tags}{}", &html[..at], &html[at..]),
        None => format!("{html}{tags}"),
    }
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(command).arg(url).spawn() {
        eprintln!("could not open a browser ({command}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_site_are_refused() {
        for path in [
            "/../etc/passwd",
            "/%2e%2e/secret",
            "/a/%2E%2E/%2e%2e/x",
            "/./index.html",
            "/a%5c..%5cb",
            "/%00",
        ] {
            assert_eq!(site_path(path), None, "{path}");
        }
    }

    #[test]
    fn folders_serve_their_index() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/reading/").as_deref(),
            Some("reading/index.html")
        );
        assert_eq!(
            site_path("/glossary.html").as_deref(),
            Some("glossary.html")
        );
        assert_eq!(site_path("/a%20b.html").as_deref(), Some("a b.html"));
    }

    #[test]
    fn the_reload_script_goes_in_before_the_body_ends() {
        let page = "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body>x</body>";
        let served = with_live_reload(page);
        assert!(served.contains("content=\"connect-src 'self'; default-src 'none'\""));
        assert!(served.ends_with("<script src=\"/__scholia/live.js\" defer></script>\n</body>"));
    }
}
