//! Registering a module's endpoints, so that what the server does around a route follows from
//! the registration itself rather than from lists kept elsewhere:
//!
//! - every path answers the methods no handler serves with a 405 whose `Allow` names the
//!   methods its handlers do (from their `#[utoipa::path]`), so the two cannot disagree
//!   (`not_served`, reading the `RouteTable`). Where the templates of two paths match one URI
//!   (`/nominations/{id}/comments` and `/nominations/{id}/{action}`), the methods of both are
//!   served there, and `Allow` names them all;
//! - a POST is registered as keyed (`service`: it honours `Idempotency-Key`), as an upload
//!   (`upload`: keyed, and its body is a file), or as unkeyed (`unkeyed`: its answer is a
//!   credential, or replaying it would tie the caller to a fingerprint). The idempotency guard
//!   and the OpenAPI document read that from the `RouteTable`.
//!
//! Which scope a client's token needs is declared by the handler's extractor instead
//! (`auth::AuthUser` requires `read`; `auth::OwnScopeUser` leaves the check to the handler).

use actix_web::dev::HttpServiceFactory;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::path::HttpMethod;
use utoipa_actix_web::OpenApiFactory;

use crate::error::{ApiError, Arg, ErrorCode};

/// How a POST treats `Idempotency-Key`, and what its body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostKind {
    /// Honours the key; a JSON body (or none).
    Keyed,
    /// Honours the key; the body is a file (the upload size limit, and a signed-in caller).
    Upload,
    /// Ignores the key: sign-in, refresh and logout and the OAuth token endpoint (replaying a
    /// token response would hand out credentials again), and ballots (a stored key would tie
    /// the member to a fingerprint of their choice).
    Unkeyed,
}

/// Every served route, in the order registered: each template once, and each handler's methods
/// and, for a POST, its kind. Made once per process (`routes::table`) before the workers start,
/// and shared by them. (In actix's `ResourceDef` a template with a path parameter compiles to a
/// regular expression of some 32 KB of heap. Each worker kept its own templates, POST table and
/// a 405 route per path as `ResourceDef`s: two thirds (8.1 of 12.3 MB) of what a worker held,
/// docs/benchmarks.md 2026-12-17. `Template` matches the same paths without one.)
///
/// Read by the answer to a request no handler takes (`not_served`), the idempotency guard (the
/// POST a path reaches), the request log and metrics (`route_of`) and the OpenAPI document
/// (which POSTs are keyed).
#[derive(Default)]
pub struct RouteTable {
    templates: Vec<Template>,
    handlers: Vec<Handler>,
}

/// A route template (`/api/v1/people/{id}`), matched as actix matches it: a parameter takes one
/// segment that is not empty (actix's default `[^/]+`), any other segment must be equal. Every
/// parameter here is a whole segment with that default; `new` refuses any other, and a tail
/// (`*`).
struct Template {
    pattern: String,
    /// Each segment between slashes: its text, or `None` for a parameter.
    segments: Vec<Option<String>>,
}

impl Template {
    fn new(pattern: String) -> Self {
        let segments = pattern
            .split('/')
            .map(|segment| {
                let parameter =
                    segment.starts_with('{') && segment.ends_with('}') && !segment[1..].contains(['{', ':']);
                assert!(
                    parameter || !segment.contains(['{', '}']),
                    "route {pattern}: a parameter must be a whole segment, with no pattern of its own"
                );
                assert!(!segment.ends_with('*'), "route {pattern}: a tail is not matched here");
                (!parameter).then(|| segment.to_owned())
            })
            .collect();
        Template { pattern, segments }
    }

    /// Whether `path` (as the router reads it, percent-escapes decoded) is one of this template's.
    fn is_match(&self, path: &str) -> bool {
        let mut parts = path.split('/');
        self.segments.iter().all(|segment| match (segment, parts.next()) {
            (_, None) => false,
            (None, Some(part)) => !part.is_empty(),
            (Some(text), Some(part)) => text == part,
        }) && parts.next().is_none()
    }
}

/// A registered handler: its template (an index into `templates`), its methods, and its kind
/// when it serves POST.
struct Handler {
    template: usize,
    methods: Vec<HttpMethod>,
    post: Option<PostKind>,
}

impl RouteTable {
    /// Declares a handler under a full path pattern (`Routes` does, as it registers).
    pub fn add(&mut self, pattern: impl Into<String>, methods: &[HttpMethod], kind: PostKind) {
        let pattern = pattern.into();
        let template = match self.templates.iter().position(|t| t.pattern == pattern) {
            Some(known) => known,
            None => {
                self.templates.push(Template::new(pattern));
                self.templates.len() - 1
            }
        };
        let post = methods.contains(&HttpMethod::Post).then_some(kind);
        self.handlers.push(Handler { template, methods: methods.to_vec(), post });
    }

    /// The first template registered that matches `path`.
    pub fn template_of(&self, path: &str) -> Option<&str> {
        self.templates.iter().find(|t| t.is_match(path)).map(|t| t.pattern.as_str())
    }

    /// The kind of the POST a request path reaches, as the router would pick it (the first
    /// registered that matches); `None` when no POST is served there (the answer is a 404 or
    /// a 405, and there is nothing to key).
    pub fn kind_of_path(&self, path: &str) -> Option<PostKind> {
        self.handlers.iter().find(|h| h.post.is_some() && self.templates[h.template].is_match(path))?.post
    }

    /// The kind of the POST registered under this exact pattern (an OpenAPI path).
    pub fn kind_of_pattern(&self, pattern: &str) -> Option<PostKind> {
        self.handlers.iter().find(|h| h.post.is_some() && self.templates[h.template].pattern == pattern)?.post
    }

    /// The methods some handler serves at `path`: those of every template that matches it.
    fn methods_at(&self, path: &str) -> Vec<HttpMethod> {
        let matches: Vec<bool> = self.templates.iter().map(|t| t.is_match(path)).collect();
        self.handlers.iter().filter(|h| matches[h.template]).flat_map(|h| h.methods.iter().cloned()).collect()
    }
}

/// The answer to a request no handler takes (the application's default service, which the
/// route groups inherit): 405 with `Allow` when some handler serves its path with another
/// method, else 404. Also 404 when a handler serves the path with this very method, which the
/// router would then have reached: a 405 must not name the method it refuses.
pub async fn not_served(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let served = match req.app_data::<web::Data<RouteTable>>() {
        // The path as the router matches it (percent-escapes decoded).
        Some(table) => table.methods_at(req.match_info().as_str()),
        None => Vec::new(),
    };
    let allowed = allow(&served);
    if allowed.is_empty() || allowed.split(", ").any(|method| method == req.method().as_str()) {
        return Err(ApiError::new(ErrorCode::RouteNotFound, format!("no resource at {}", req.path()))
            .localized("route_not_found-path", [("path", Arg::text(req.path()))]));
    }
    Ok(method_not_allowed(&req, &allowed))
}

/// One handler's registration, kept until its group is built.
type Registration = Box<dyn FnOnce(&mut web::ServiceConfig)>;

/// What the handlers of the OpenAPI document add to it: their paths (under the scope's prefix)
/// and the schemas they refer to.
#[derive(Default)]
pub struct DocumentParts {
    pub paths: utoipa::openapi::path::Paths,
    pub schemas: Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>,
}

impl DocumentParts {
    /// Adds a handler's paths, each under `prefix`, and its schemas.
    pub fn add(&mut self, prefix: &str, handler: &impl OpenApiFactory) {
        let mut paths = handler.paths();
        paths.paths = std::mem::take(&mut paths.paths)
            .into_iter()
            .map(|(path, item)| (format!("{prefix}{path}"), item))
            .collect();
        self.paths.merge(paths);
        handler.schemas(&mut self.schemas);
    }
}

/// The API's registrations, as one of three: the routes a worker serves, grouped by the first
/// segment of their path (`people` for `/people/{id}/disciplines`), in the order registered,
/// each group's in its own order; the table of them (`RouteTable`, made once); or the parts of
/// the OpenAPI document. A worker builds neither the table nor the document (each is made once
/// and shared): each worker building its own document held about 25 MB, and its own templates,
/// POST table and 405 routes about 8 MB.
///
/// Why the groups: actix's router tries a scope's routes one after another, and a route with a
/// path parameter is tried with a regular expression. In one flat scope of some 350 routes, a
/// request for `/people` ran the expressions of every route registered before it — about 8 %
/// of a create's CPU in a profile (docs/benchmarks.md). Each group becomes a scope of its own
/// behind a guard on the first segment, so a request is matched against its own group only.
/// Routes of different groups cannot match the same path, so the first that matches is the
/// one it always was.
pub enum RouteGroups {
    Serving(Vec<(String, Vec<Registration>)>),
    Listing(RouteTable),
    Documenting(DocumentParts),
}

impl RouteGroups {
    pub fn serving() -> Self {
        RouteGroups::Serving(Vec::new())
    }

    pub fn listing() -> Self {
        RouteGroups::Listing(RouteTable::default())
    }

    pub fn documenting() -> Self {
        RouteGroups::Documenting(DocumentParts::default())
    }

    /// The groups, each a scope under `prefix` guarded by its first segment (none unless
    /// serving). A request no route of its group takes goes on to the application's default
    /// service (`not_served`).
    pub fn into_served(self, prefix: &'static str) -> Vec<actix_web::Scope> {
        let RouteGroups::Serving(groups) = self else { return Vec::new() };
        groups
            .into_iter()
            .map(move |(segment, registrations)| {
                web::scope("").guard(FirstSegment { prefix, segment }).configure(|cfg| {
                    for register in registrations {
                        register(cfg);
                    }
                })
            })
            .collect()
    }

    /// The table (empty unless listing).
    pub fn into_table(self) -> RouteTable {
        match self {
            RouteGroups::Listing(table) => table,
            _ => RouteTable::default(),
        }
    }

    /// The document's parts (empty unless documenting).
    pub fn into_document(self) -> DocumentParts {
        match self {
            RouteGroups::Documenting(parts) => parts,
            _ => DocumentParts::default(),
        }
    }
}

/// The route template a request was answered for (`/api/v1/people/{id}`): as routed, or, when
/// the answer came before routing or from `not_served`, the first registered that matches its
/// path. (actix's `match_pattern` does not find a route once routes sit in guarded scopes: its
/// search stops at the first scope whose prefix matches, and every group's prefix is empty.)
pub fn route_of(req: &HttpRequest) -> Option<String> {
    // The path as the router matches it (percent-escapes decoded), as the idempotency guard reads it.
    req.match_pattern()
        .or_else(|| req.app_data::<web::Data<RouteTable>>()?.template_of(req.match_info().as_str()).map(str::to_owned))
}

/// `people` for `/people/{id}`; empty for `/`.
fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or_default()
}

/// Admits the requests whose path, after `prefix`, starts with `segment`. The router matches
/// a path with its percent-escapes decoded (all but `%25`, `%2F` and `%2B`), so the guard
/// decodes the segment too before comparing; an escape that does not decode to the segment's
/// text is simply another segment.
///
/// A request meets every group's guard until one admits it (some 40 of them), so a miss must
/// be cheap: most groups are told apart by the segment's first byte, read without scanning the
/// path (+3-4 % on a get-by-id; most of what routing still costs is actix's own prefix match of
/// each group before its guard, docs/benchmarks.md 2026-12-16).
struct FirstSegment {
    prefix: &'static str,
    segment: String,
}

impl actix_web::guard::Guard for FirstSegment {
    fn check(&self, ctx: &actix_web::guard::GuardContext<'_>) -> bool {
        let path = ctx.head().uri.path();
        // The byte after `{prefix}/`: a segment that decodes to ours starts with our first byte
        // or with an escape (or the path has another slash first, which the full check trims).
        if let Some([b'/', first, ..]) = path.as_bytes().get(self.prefix.len()..) {
            if !matches!(first, b'%' | b'/') && Some(first) != self.segment.as_bytes().first() {
                return false;
            }
        }
        let Some(rest) = path.strip_prefix(self.prefix) else {
            // An escaped prefix (`/api/%761/communes`), which the API scope admitted decoded. Lossy,
            // as the router decodes: an invalid escape further on is the handler's to refuse.
            return path.contains('%') && {
                let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
                decoded.strip_prefix(self.prefix).is_some_and(|rest| first_segment(rest) == self.segment)
            };
        };
        let raw = first_segment(rest);
        if raw == self.segment {
            return true;
        }
        raw.contains('%')
            && percent_encoding::percent_decode_str(raw).decode_utf8().is_ok_and(|decoded| decoded == self.segment)
    }
}

/// A module's registrations, under the scope `prefix` (what the request paths start with).
pub struct Routes<'a> {
    groups: &'a mut RouteGroups,
    prefix: &'static str,
}

impl<'a> Routes<'a> {
    pub fn new(groups: &'a mut RouteGroups, prefix: &'static str) -> Self {
        Routes { groups, prefix }
    }

    /// A handler; a POST among them honours `Idempotency-Key` with a JSON body.
    pub fn service<H>(&mut self, handler: H) -> &mut Self
    where
        H: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static,
    {
        self.register(handler, PostKind::Keyed)
    }

    /// A POST whose body is a file; it honours `Idempotency-Key`.
    pub fn upload<H>(&mut self, handler: H) -> &mut Self
    where
        H: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static,
    {
        self.register(handler, PostKind::Upload)
    }

    /// A POST that ignores `Idempotency-Key` (see `PostKind::Unkeyed` for which, and why).
    pub fn unkeyed<H>(&mut self, handler: H) -> &mut Self
    where
        H: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static,
    {
        self.register(handler, PostKind::Unkeyed)
    }

    fn register<H>(&mut self, handler: H, kind: PostKind) -> &mut Self
    where
        H: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static,
    {
        let path = H::path();
        match &mut self.groups {
            RouteGroups::Serving(groups) => {
                let registration: Registration = Box::new(move |cfg| {
                    cfg.service(handler);
                });
                let segment = first_segment(&path);
                match groups.iter_mut().find(|(s, _)| s == segment) {
                    Some((_, group)) => group.push(registration),
                    None => groups.push((segment.to_owned(), vec![registration])),
                }
            }
            RouteGroups::Listing(table) => table.add(format!("{}{path}", self.prefix), &H::methods(), kind),
            RouteGroups::Documenting(parts) => parts.add(self.prefix, &handler),
        }
        self
    }
}

/// The methods, in the order `Allow` lists them: GET, POST, PUT, PATCH, DELETE. (The security
/// headers middleware adds HEAD wherever GET is served.)
fn allow(methods: &[HttpMethod]) -> String {
    const ORDER: [(HttpMethod, &str); 5] = [
        (HttpMethod::Get, "GET"),
        (HttpMethod::Post, "POST"),
        (HttpMethod::Put, "PUT"),
        (HttpMethod::Patch, "PATCH"),
        (HttpMethod::Delete, "DELETE"),
    ];
    ORDER.iter().filter(|(m, _)| methods.contains(m)).map(|(_, name)| *name).collect::<Vec<_>>().join(", ")
}

/// A 405 problem whose `Allow` names the methods served at the path.
fn method_not_allowed(req: &HttpRequest, allow: &str) -> HttpResponse {
    let error = ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not supported on {}; use {allow}", req.method(), req.path()),
    )
    .localized(
        "method_not_allowed-allow",
        [("method", Arg::text(req.method())), ("path", Arg::text(req.path())), ("allow", Arg::text(allow))],
    );
    let mut res = actix_web::ResponseError::error_response(&error);
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_belongs_to_the_group_of_its_first_segment() {
        assert_eq!(first_segment("/people/{id}/disciplines"), "people");
        assert_eq!(first_segment("/people"), "people");
        assert_eq!(first_segment("/{id}"), "{id}");
        assert_eq!(first_segment("/"), "");
    }

    #[test]
    fn a_group_admits_the_paths_of_its_first_segment_escaped_or_not() {
        use actix_web::guard::Guard;
        let admits = |segment: &str, path: &str| {
            let guard = FirstSegment { prefix: "/api/v1", segment: segment.into() };
            guard.check(&actix_web::test::TestRequest::with_uri(path).to_srv_request().guard_ctx())
        };
        assert!(admits("communes", "/api/v1/communes"));
        assert!(admits("communes", "/api/v1/communes/42?limit=2"));
        assert!(admits("communes", "/api/v1/%63ommunes"), "an escaped first byte");
        assert!(admits("communes", "/api/v1/comm%75nes/42"), "an escape further in");
        assert!(admits("communes", "/api/v1//communes"), "as first_segment trims slashes");
        assert!(admits("", "/api/v1"));
        assert!(admits("", "/api/v1/"));
        assert!(!admits("communes", "/api/v1/districts/42"), "another first byte");
        assert!(!admits("", "/api/v1/communes"), "another first byte than none");
        assert!(!admits("communes", "/api/v1/councils"), "the same first byte, another segment");
        assert!(!admits("council", "/api/v1/councils/1"), "a longer segment with ours as its start");
        assert!(!admits("councils", "/api/v1/council"));
        assert!(!admits("communes", "/api/v1/%64istricts"), "an escape of another segment");
        assert!(!admits("communes", "/api/v2/communes"), "another prefix");
        assert!(admits("communes", "/api/%761/communes/42"), "an escaped prefix");
        assert!(admits("communes", "/api/%761/communes/%FF"), "an invalid escape further on");
        assert!(!admits("communes", "/api/%762/communes"), "an escape of another prefix");
        assert!(!admits("communes", "/api/%761/districts"));
    }

    #[test]
    fn a_path_finds_the_first_route_template_that_matches() {
        let mut table = RouteTable::default();
        table.add("/api/v1/people/{id}/disciplines", &[HttpMethod::Get], PostKind::Keyed);
        table.add("/api/v1/people/{id}", &[HttpMethod::Get], PostKind::Keyed);
        table.add("/api/v1/people/{id}", &[HttpMethod::Patch], PostKind::Keyed);
        assert_eq!(table.templates.len(), 2, "a template is kept once");
        assert_eq!(table.template_of("/api/v1/people/x"), Some("/api/v1/people/{id}"));
        assert_eq!(table.template_of("/api/v1/people/x/disciplines"), Some("/api/v1/people/{id}/disciplines"));
        assert_eq!(table.template_of("/api/v1/nothing"), None);
    }

    #[test]
    fn the_methods_at_a_path_are_those_of_every_template_that_matches_it() {
        let mut table = RouteTable::default();
        table.add("/api/v1/nominations/{id}/comments", &[HttpMethod::Get], PostKind::Keyed);
        table.add("/api/v1/nominations/{id}", &[HttpMethod::Get], PostKind::Keyed);
        table.add("/api/v1/nominations/{id}/{action}", &[HttpMethod::Post], PostKind::Keyed);
        table.add("/api/v1/nominations/{id}", &[HttpMethod::Patch, HttpMethod::Delete], PostKind::Keyed);
        assert_eq!(allow(&table.methods_at("/api/v1/nominations/x")), "GET, PATCH, DELETE");
        assert_eq!(allow(&table.methods_at("/api/v1/nominations/x/comments")), "GET, POST");
        assert_eq!(allow(&table.methods_at("/api/v1/nominations/x/submit")), "POST");
        assert!(table.methods_at("/api/v1/nominations").is_empty());
    }

    #[test]
    fn a_template_matches_the_paths_actix_matches() {
        use actix_web::dev::ResourceDef;
        let table = crate::routes::table();
        assert!(table.templates.len() > 100);
        for template in &table.templates {
            let actix = ResourceDef::new(template.pattern.as_str());
            let fill = |with: &str| {
                template.segments.iter().map(|s| s.as_deref().unwrap_or(with)).collect::<Vec<_>>().join("/")
            };
            let fitted = fill("0193a9c2-7f1e-7c3a-9b1d-2f4e5a6b7c8d");
            let mut paths = vec![fitted.clone(), format!("{fitted}/"), format!("{fitted}/x"), format!("/x{fitted}")];
            paths.extend(["", "Đắk Lắk", "a/b", "%2F", "a\nb", " "].map(fill));
            paths.push(fitted.trim_end_matches(|c| c != '/').to_owned());
            for other in table.templates.iter().take(40) {
                paths.push(other.segments.iter().map(|s| s.as_deref().unwrap_or("x")).collect::<Vec<_>>().join("/"));
            }
            for path in &paths {
                assert_eq!(template.is_match(path), actix.is_match(path), "{} on {path:?}", template.pattern);
            }
            assert!(template.is_match(&fitted));
        }
    }

    #[test]
    #[should_panic(expected = "a parameter must be a whole segment")]
    fn a_template_refuses_a_parameter_inside_a_segment() {
        Template::new("/api/v1/files/{name}.pdf".into());
    }

    #[actix_web::test]
    async fn a_request_no_handler_took_gets_405_naming_the_methods_served_or_404() {
        use actix_web::http::{Method, StatusCode};
        let mut table = RouteTable::default();
        table.add("/api/v1/people/{id}", &[HttpMethod::Get, HttpMethod::Patch], PostKind::Keyed);
        let table = web::Data::new(table);
        let answer = |method: Method, path: &str| {
            let req = actix_web::test::TestRequest::default().method(method).uri(path).app_data(table.clone());
            not_served(req.to_http_request())
        };
        let refused = answer(Method::PUT, "/api/v1/people/x").await.unwrap();
        assert_eq!(refused.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(refused.headers().get(header::ALLOW).unwrap(), "GET, PATCH");
        let not_found = answer(Method::PUT, "/api/v1/nothing").await.unwrap_err();
        assert_eq!(not_found.code, ErrorCode::RouteNotFound);
        let served_yet_not_reached = answer(Method::GET, "/api/v1/people/x").await.unwrap_err();
        assert_eq!(served_yet_not_reached.code, ErrorCode::RouteNotFound, "a 405 never names the method it refuses");
    }

    #[test]
    fn allow_lists_methods_in_a_fixed_order() {
        assert_eq!(allow(&[HttpMethod::Post, HttpMethod::Get]), "GET, POST");
        assert_eq!(allow(&[HttpMethod::Delete, HttpMethod::Patch, HttpMethod::Get]), "GET, PATCH, DELETE");
    }

    #[test]
    fn a_path_finds_the_first_post_registered_that_matches() {
        let mut table = RouteTable::default();
        table.add("/api/v1/nominations/{id}/documents", &[HttpMethod::Get], PostKind::Keyed);
        table.add("/api/v1/nominations/{id}/{action}", &[HttpMethod::Post], PostKind::Keyed);
        table.add("/api/v1/nominations/{id}/documents", &[HttpMethod::Post], PostKind::Upload);
        table.add("/api/v1/sessions", &[HttpMethod::Post], PostKind::Unkeyed);
        assert_eq!(table.kind_of_path("/api/v1/nominations/x/documents"), Some(PostKind::Keyed), "as the router picks");
        assert_eq!(table.kind_of_path("/api/v1/nominations/x/submit"), Some(PostKind::Keyed));
        assert_eq!(table.kind_of_path("/api/v1/sessions"), Some(PostKind::Unkeyed));
        assert_eq!(table.kind_of_path("/api/v1/people"), None);
        assert_eq!(table.kind_of_pattern("/api/v1/nominations/{id}/documents"), Some(PostKind::Upload));
        assert_eq!(table.kind_of_pattern("/api/v1/nominations/{id}/{action}"), Some(PostKind::Keyed));
    }
}
