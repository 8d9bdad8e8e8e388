//! `scholia serve`: the authoring loop.
//!
//! 1. Refuse a `--root` that is not a site's folder, before anything listens.
//! 2. Build the site in memory (the same pipeline as `build`, without the write), and
//!    after each edit only what the edit touches ([`crate::incremental`]). A panic in the
//!    pipeline is caught and shown as an internal error; the last good site stays up and
//!    watching goes on.
//! 3. Serve it on loopback with axum over a bounded accept loop ([`listen`]): pages
//!    from memory, so nothing outside the built site can be reached (no file system
//!    paths, no `..`, no symlinks); only to the host names the server was bound to
//!    (DNS rebinding); GET and HEAD only, without a body; `/slug` redirects to `/slug/`.
//! 4. Watch the site's folders, not single files (an editor's save by rename replaces
//!    the file): the root for `site.yaml`, `content/` and `templates/` recursively,
//!    also once they are created. Each quiet burst of changes rebuilds; a good build
//!    replaces the site and tells the open pages to reload (server-sent events); a
//!    failed one keeps the last good site and shows the diagnostics in the terminal
//!    and over the page.
//! 5. Stop on the first Ctrl-C: the reload streams end and the connections close.
//!
//! The reload script is injected into pages only as they are served, never into
//! `public/`. Entry point: [`serve`].

mod listen;

use std::any::Any;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::{broadcast, watch};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use crate::diagnostics::Diagnostic;
use crate::incremental::Incremental;
use crate::{Failure, Options, diagnostics};

pub use listen::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES};

/// What is served now.
struct Served {
    /// The last good build: path (without leading `/`) → bytes.
    files: HashMap<String, Arc<[u8]>>,
    /// The diagnostics of the last build, if it failed (plain text).
    errors: Option<String>,
    /// Whether that failure is scholia's own (a panic), not the site's.
    internal: bool,
    /// Counts good builds and failures, so a page can tell whether it is current.
    version: u64,
}

#[derive(Clone)]
struct AppState {
    served: Arc<RwLock<Served>>,
    changes: broadcast::Sender<u64>,
    /// Turns true on Ctrl-C: the reload streams end then, or they would hold the
    /// server open forever.
    stop: watch::Receiver<bool>,
    hosts: Arc<Hosts>,
}

const LIVE_JS: &str = include_str!("serve/live.js");
const LIVE_CSS: &str = include_str!("serve/live.css");
/// How long a burst of file events must be quiet before a rebuild.
const DEBOUNCE: Duration = Duration::from_millis(30);
/// How long to wait for more once an event ends a write (a file closed after writing, or
/// renamed into place): the editor is done, and what else its save does follows at once.
const SETTLE: Duration = Duration::from_millis(5);

/// Builds, serves and watches the site at `root` until interrupted.
pub fn serve(
    root: &Path,
    bind: IpAddr,
    port: u16,
    open: bool,
    options: Options,
) -> Result<(), Failure> {
    let root = std::path::absolute(root).map_err(|e| Failure::Internal(e.to_string()))?;
    check_root(&root).map_err(|d| Failure::Input(vec![d]))?;
    let served = Arc::new(RwLock::new(Served {
        files: HashMap::new(),
        errors: None,
        internal: false,
        version: 0,
    }));
    let (changes, _) = broadcast::channel(16);
    // Watch before the first build, so that nothing saved during it is missed.
    let sources = Sources::watch(&root).map_err(Failure::Internal)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Internal(e.to_string()))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(bind, port)))
        .map_err(|e| Failure::Internal(format!("cannot listen on {bind}:{port}: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Internal(e.to_string()))?;

    let mut incremental = Incremental::new(&root, options);
    rebuild(&mut incremental, &served, &changes);
    sources.follow(incremental, Arc::clone(&served), changes.clone());

    let url = format!("http://{address}/");
    println!("Serving {} on {url} (Ctrl-C to stop)", root.display());
    if !bind.is_loopback() {
        eprintln!("warning: listening on {bind}: other machines can reach this server");
    }
    if open {
        open_browser(&url);
    }
    let (stop_sender, stop) = watch::channel(false);
    let state = AppState {
        served,
        changes,
        stop: stop.clone(),
        hosts: Arc::new(Hosts::new(bind, address.port())),
    };
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
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state);
    runtime.block_on(async move {
        tokio::spawn(async move {
            // Without a Ctrl-C handler the default one stops the process, which is fine.
            if tokio::signal::ctrl_c().await.is_ok() {
                println!("stopping");
                let _ = stop_sender.send(true);
            }
            // Keep the sender: its going away would read as a stop.
            std::future::pending::<()>().await;
        });
        listen::run(listener, app, stop).await;
    });
    // Whatever still runs (a stream that ignored the stop) is dropped, not awaited.
    runtime.shutdown_background();
    Ok(())
}

/// A `--root` must be a site's folder: refused before anything listens, rather than
/// serving an error page about a folder that is not there.
fn check_root(root: &Path) -> Result<(), Diagnostic> {
    if !root.is_dir() {
        return Err(Diagnostic::error(
            "E0002",
            format!("there is no folder at {} to serve", root.display()),
        )
        .help("name the site's folder (the one with site.yaml) with --root, or run scholia serve inside it"));
    }
    if !root.join("site.yaml").is_file() {
        return Err(Diagnostic::error(
            "E0002",
            format!("there is no site.yaml in {}", root.display()),
        )
        .help("run scholia serve in the site's folder, or name it with --root; scholia init DIR creates a new site"));
    }
    Ok(())
}

fn read(served: &RwLock<Served>) -> RwLockReadGuard<'_, Served> {
    // A panic while the lock was held cannot leave `Served` half-written (each field
    // is assigned whole), so a poisoned lock is still good to use.
    served.read().unwrap_or_else(PoisonError::into_inner)
}

fn write(served: &RwLock<Served>) -> RwLockWriteGuard<'_, Served> {
    served.write().unwrap_or_else(PoisonError::into_inner)
}

/// Rebuilds the site in memory and publishes the result: only the files that changed
/// are replaced in what is served ([`Incremental`]). A panic in the pipeline is a bug in
/// scholia: it is caught and shown as one (this needs `panic = "unwind"`, the default),
/// the last good site stays up, and the state kept between builds is dropped, as it may
/// be half-updated; the next build starts afresh.
fn rebuild(
    incremental: &mut Incremental,
    served: &RwLock<Served>,
    changes: &broadcast::Sender<u64>,
) {
    let started = Instant::now();
    // The pages are served, and the open ones told to reload, as soon as they are ready;
    // the search index follows them (see `Incremental::rebuild_in_steps`).
    let mut told = None;
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        panic_if_asked();
        incremental.rebuild_in_steps(&mut |pages| {
            let mut state = write(served);
            for path in pages.removed {
                state.files.remove(path);
            }
            for (path, bytes) in pages.changed {
                state.files.insert(path.to_owned(), Arc::clone(bytes));
            }
            state.version += 1;
            state.internal = false;
            state.errors = None;
            let _ = changes.send(state.version);
            told = Some(started.elapsed());
        })
    }));
    let elapsed = started.elapsed();
    // The pages were told already, unless this is news to them: a failure after the
    // hand-over (a panic while the search index was made) is.
    let tell = told.is_none() || !matches!(result, Ok(Ok(_)));
    let mut state = write(served);
    if tell {
        state.version += 1;
    }
    state.internal = false;
    match result {
        Ok(Ok(rebuilt)) => {
            if !rebuilt.report.warnings.is_empty() {
                eprint!(
                    "{}",
                    diagnostics::render_all(&rebuilt.report.warnings, false)
                );
            }
            let files = incremental.files();
            if rebuilt.fresh {
                state.files.clear();
            }
            for path in &rebuilt.removed {
                state.files.remove(path);
            }
            for path in &rebuilt.changed {
                if let Some(bytes) = files.get(path) {
                    state.files.insert(path.clone(), Arc::clone(bytes));
                }
            }
            state.errors = None;
            let pages = told.map_or_else(String::new, |t| {
                format!(", the pages in {} ms", t.as_millis())
            });
            println!(
                "built {} files ({} made again, {} changed, {} removed) in {} ms{pages}",
                state.files.len(),
                rebuilt.remade,
                rebuilt.changed.len(),
                rebuilt.removed.len(),
                elapsed.as_millis()
            );
        }
        Ok(Err(Failure::Input(list))) => {
            let text = diagnostics::render_all(&list, false);
            eprint!("{text}");
            state.errors = Some(text);
        }
        Ok(Err(Failure::Internal(message))) => {
            eprintln!("error: {message}");
            state.errors = Some(format!("error: {message}\n"));
        }
        Err(payload) => {
            let text = format!(
                "error: scholia failed while building: {}\n  = help: this is a bug in scholia, \
                 not in your site: please report it with this message and the files that \
                 set it off. The last good build is still served; saving again rebuilds.\n",
                panic_message(payload.as_ref())
            );
            eprint!("{text}");
            state.errors = Some(text);
            state.internal = true;
            incremental.reset();
        }
    }
    if tell {
        let _ = changes.send(state.version);
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "a panic without a message"
    }
}

/// Debug builds only, for the tests: a rebuild panics while the file named by
/// `SCHOLIA_DEBUG_PANIC_IF_EXISTS` exists, to prove that a panic is survived. Release
/// builds compile this to nothing.
fn panic_if_asked() {
    #[cfg(debug_assertions)]
    if let Some(trigger) = std::env::var_os("SCHOLIA_DEBUG_PANIC_IF_EXISTS")
        && Path::new(&trigger).exists()
    {
        panic!(
            "asked to by SCHOLIA_DEBUG_PANIC_IF_EXISTS ({} exists)",
            Path::new(&trigger).display()
        );
    }
}

/// The watched sources of a site. Folders are watched, never single files: an editor
/// that saves by writing a temporary file and renaming it over the original replaces
/// the file, and a watch on the old file sees nothing after the first save.
struct Sources {
    watcher: notify::RecommendedWatcher,
    /// The paths of each event, and whether it ends a write.
    events: std::sync::mpsc::Receiver<(Vec<PathBuf>, bool)>,
    /// The site's folder as the watcher reports paths in it (symlinks resolved, as
    /// macOS's FSEvents does).
    root: PathBuf,
    /// `content/` and `templates/`, each with whether it is watched now.
    folders: [(PathBuf, bool); 2],
}

impl Sources {
    fn watch(root: &Path) -> Result<Self, String> {
        let root = std::fs::canonicalize(root)
            .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        let (tx, events) = std::sync::mpsc::channel();
        let config = root.join("site.yaml");
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                match event {
                    // Events were lost (the system's queue overflowed): rebuild from
                    // what is on disk now, as if site.yaml had changed.
                    Ok(event) if event.need_rescan() => {
                        let _ = tx.send((vec![config.clone()], false));
                    }
                    // A file closed after writing: the write is over.
                    Ok(event)
                        if event.kind
                            == EventKind::Access(AccessKind::Close(AccessMode::Write)) =>
                    {
                        let _ = tx.send((event.paths, true));
                    }
                    // Reads are not changes: the rebuild's own reading of the files
                    // must not set off another rebuild.
                    Ok(event) if matches!(event.kind, EventKind::Access(_) | EventKind::Other) => {}
                    Ok(event) => {
                        let renamed_into_place = matches!(
                            event.kind,
                            EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
                        );
                        let _ = tx.send((event.paths, renamed_into_place));
                    }
                    Err(e) => eprintln!("warning: watching the site: {e}"),
                }
            })
            .map_err(|e| e.to_string())?;
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let mut sources = Sources {
            watcher,
            events,
            folders: [
                (root.join("content"), false),
                (root.join("templates"), false),
            ],
            root,
        };
        sources.watch_folders();
        Ok(sources)
    }

    /// Watches `content/` and `templates/` when they are there and not yet watched.
    fn watch_folders(&mut self) {
        for (folder, watched) in &mut self.folders {
            if !*watched && folder.is_dir() {
                match self.watcher.watch(folder, RecursiveMode::Recursive) {
                    Ok(()) => *watched = true,
                    Err(e) => eprintln!("warning: cannot watch {}: {e}", folder.display()),
                }
            }
        }
    }

    /// Whether a changed path is one of the site's sources (the root also holds
    /// `public/`, `.git/` and editors' temporary files, which are not).
    fn is_source(&self, path: &Path) -> bool {
        path == self.root.join("site.yaml")
            || self
                .folders
                .iter()
                .any(|(folder, _)| path.starts_with(folder))
    }

    /// Takes note of `content/` or `templates/` itself being created, removed or
    /// replaced: its old watch (if any) is dropped, to be set again on the new folder.
    fn note_folder_change(&mut self, path: &Path) {
        for (folder, watched) in &mut self.folders {
            if path == folder.as_path() && *watched {
                let _ = self.watcher.unwatch(folder);
                *watched = false;
            }
        }
    }

    /// Runs the watch loop on its own thread: each quiet burst of changes to the
    /// sources triggers one rebuild.
    fn follow(
        mut self,
        mut incremental: Incremental,
        served: Arc<RwLock<Served>>,
        changes: broadcast::Sender<u64>,
    ) {
        std::thread::spawn(move || {
            while let Ok((paths, mut done)) = self.events.recv() {
                let mut burst = paths;
                // An editor's save is often several events: wait for a quiet moment, a
                // short one once the last event ended a write (where the system says so:
                // Linux does, macOS's FSEvents does not, and waits the whole quiet time).
                while let Ok((more, ends)) =
                    self.events
                        .recv_timeout(if done { SETTLE } else { DEBOUNCE })
                {
                    burst.extend(more);
                    done = ends;
                }
                for path in &burst {
                    self.note_folder_change(path);
                }
                self.watch_folders();
                if burst.iter().any(|p| self.is_source(p)) {
                    rebuild(&mut incremental, &served, &changes);
                }
            }
        });
    }
}

/// The `Host` values this server answers to. A page on another site can point its own
/// name at 127.0.0.1 (DNS rebinding) and then read this server as its own origin; its
/// requests still carry its name, so anything but our own names is refused.
struct Hosts {
    /// `127.0.0.1`, `localhost`, `[::1]` and the bound address, lowercase.
    names: Vec<String>,
    port: u16,
    /// Bound to every address (`0.0.0.0`, `::`): any IP address is also accepted (an
    /// address cannot be rebound; a name can).
    any_address: bool,
}

impl Hosts {
    fn new(bind: IpAddr, port: u16) -> Self {
        let bound = match bind {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        Hosts {
            names: vec![
                "127.0.0.1".to_owned(),
                "localhost".to_owned(),
                "[::1]".to_owned(),
                bound,
            ],
            port,
            any_address: bind.is_unspecified(),
        }
    }

    fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        // `name[:port]`, where a name may be an IPv6 address in brackets.
        let split = match host.strip_prefix('[') {
            Some(rest) => rest.find(']').map(|end| host.split_at(end + 2)),
            None => Some(
                host.find(':')
                    .map_or((&host[..], ""), |at| host.split_at(at)),
            ),
        };
        let Some((name, port)) = split else {
            return false;
        };
        let port = match port {
            "" => Some(80),
            p => p.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()),
        };
        if port != Some(self.port) {
            return false;
        }
        self.names.iter().any(|n| n == name)
            || (self.any_address
                && (name.parse::<Ipv4Addr>().is_ok()
                    || name
                        .strip_prefix('[')
                        .and_then(|n| n.strip_suffix(']'))
                        .is_some_and(|n| n.parse::<Ipv6Addr>().is_ok())))
    }
}

/// Runs before every handler: the right host, a method that only reads, no body.
async fn guard(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let hosts = request.headers().get_all(header::HOST);
    let mut hosts = hosts.iter();
    let host_ok = match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().is_ok_and(|h| app.hosts.allows(h)),
        _ => false,
    } && request
        .uri()
        .authority()
        .is_none_or(|a| app.hosts.allows(a.as_str()));
    if !host_ok {
        let body = format!(
            "403: scholia serve answers only to http://localhost:{port}/ and \
             http://127.0.0.1:{port}/ (or the address given to --bind). It refuses other host \
             names so that a page on another site cannot read your drafts through DNS \
             rebinding.\n",
            port = app.hosts.port
        );
        return (StatusCode::FORBIDDEN, body).into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = (
            StatusCode::METHOD_NOT_ALLOWED,
            "405: scholia serve only reads: GET and HEAD\n",
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    // A body is refused by its announcement, before any of it is read.
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
    if has_body {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "413: scholia serve takes no request body\n",
        )
            .into_response();
    }
    next.run(request).await
}

async fn events(State(app): State<AppState>) -> impl IntoResponse {
    let changes = BroadcastStream::new(app.changes.subscribe()).filter_map(|v| v.ok().map(Some));
    let stopped = WatchStream::new(app.stop)
        .filter(|stop| *stop)
        .map(|_| None);
    let stream = changes
        .merge(stopped)
        .take_while(Option::is_some)
        .filter_map(|version| {
            version
                .map(|v| Ok::<_, Infallible>(Event::default().event("change").data(v.to_string())))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn status(State(app): State<AppState>) -> impl IntoResponse {
    let state = read(&app.served);
    let body = serde_json::json!({
        "version": state.version,
        "errors": state.errors,
        "internal": state.internal,
    });
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
    let uri_path = request.uri().path();
    let Some(path) = site_path(uri_path) else {
        return not_found();
    };
    let state = read(&app.served);
    let Some(bytes) = state.files.get(&path) else {
        if !uri_path.ends_with('/') && state.files.contains_key(&format!("{path}/index.html")) {
            return to_folder(uri_path, request.uri().query());
        }
        return not_found();
    };
    let content_type = content_type(&path);
    let body = if path.ends_with(".html") {
        with_live_reload(&String::from_utf8_lossy(bytes)).into_bytes()
    } else {
        bytes.to_vec()
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

/// `/slug` → `/slug/`, as a static host would answer (the page's relative links need
/// the slash). Built from the path itself, its leading slashes collapsed, so that it
/// can never be `//other.host/`.
fn to_folder(uri_path: &str, query: Option<&str>) -> Response {
    let mut location = format!("/{}/", uri_path.trim_start_matches('/'));
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    (
        StatusCode::PERMANENT_REDIRECT,
        [
            (header::LOCATION, location),
            // A later file at this path must not be hidden by a cached redirect.
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "404: not part of the site\n").into_response()
}

/// Maps a request path to a file of the built site, or `None` for a path that could
/// leave it: `..` or `.` segments, encoded or not, backslashes, NUL.
fn site_path(uri_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .ok()?;
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
    fn only_the_bound_names_and_port_are_allowed_hosts() {
        let loopback = Hosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3000);
        for host in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
        ] {
            assert!(loopback.allows(host), "{host}");
        }
        for host in [
            "",
            "localhost",
            "localhost:3001",
            "localhost:",
            "localhost:3000:3000",
            "evil.example:3000",
            "localhost.evil.example:3000",
            "127.0.0.2:3000",
            "10.0.0.1:3000",
            "[::1]",
            "[::1:3000",
            "[::1]3000",
            "[::2]:3000",
        ] {
            assert!(!loopback.allows(host), "{host}");
        }

        let v6 = Hosts::new("::1".parse().unwrap(), 80);
        assert!(v6.allows("[::1]"));
        assert!(v6.allows("localhost"));
        assert!(!v6.allows("example.com"));

        let lan = Hosts::new("192.168.1.5".parse().unwrap(), 3000);
        assert!(lan.allows("192.168.1.5:3000"));
        assert!(!lan.allows("192.168.1.6:3000"));

        // Bound to every address: an address is fine, a name still is not.
        let every = Hosts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 3000);
        assert!(every.allows("192.168.1.6:3000"));
        assert!(every.allows("[fe80::1]:3000"));
        assert!(!every.allows("evil.example:3000"));
    }

    #[test]
    fn a_redirect_to_a_folder_never_leaves_the_site() {
        let location = |path, query| {
            to_folder(path, query).headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(location("/reading", None), "/reading/");
        assert_eq!(location("//evil.example", None), "/evil.example/");
        assert_eq!(location("/a%20b", Some("x=1")), "/a%20b/?x=1");
    }

    #[test]
    fn the_reload_script_goes_in_before_the_body_ends() {
        let page = "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body>x</body>";
        let served = with_live_reload(page);
        assert!(served.contains("content=\"connect-src 'self'; default-src 'none'\""));
        assert!(served.ends_with("<script src=\"/__scholia/live.js\" defer></script>\n</body>"));
    }
}
