//! The checked-in OpenAPI document, held against every exchange of the suite.
//!
//! `helpers::TestApp` passes each request it sends and each answer it gets through
//! [`Contract::check`]: the operation is found by method and path template, and then
//! - the answer's status must be documented for that operation, its media type listed, a JSON
//!   body must validate against the schema (JSON Schema 2020-12, as OpenAPI 3.1 uses), and every
//!   header a client reads (`ETag`, `Location`, `Retry-After`, …) must be declared;
//! - a request the document does not allow (an undocumented query parameter, a body or parameter
//!   outside its schema, an unlisted media type) must not succeed, and a request the document
//!   allows must not be refused as malformed (400) for a reason the document does not state.
//!
//! Any breach fails the test that made the call. Every (operation, status) seen is appended to
//! `target/tmp/openapi-coverage/*.tsv`; `.ci/coverage` prints the table of what the suite exercised.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use jsonschema::Validator;
use serde_json::{json, Value};

/// Headers a client reads from an answer: each must be declared where it appears.
const CLIENT_HEADERS: &[&str] = &[
    "etag",
    "location",
    "retry-after",
    "idempotent-replayed",
    "content-disposition",
    "x-request-id",
    "www-authenticate",
    "content-language",
];

/// The reasons for a 400 that no schema can state (`ApiError::bad_query_because`): the value has
/// the documented shape but breaks a rule between values or against stored data. Any other 400
/// to a request the document allows means the document is missing a rule the server enforces.
const UNSTATABLE_400_CODES: &[&str] =
    &["invalid_cursor", "conflicting_parameters", "unknown_reference", "wrong_kind", "out_of_range"];

pub struct Contract {
    doc: Value,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
    seen: Mutex<HashSet<String>>,
    /// Off for the checker's own tests, whose operations are not the API's.
    records_coverage: bool,
    /// `THIDUA_CONTRACT_SURVEY` set: list every breach of the run on stderr instead of failing
    /// the test (for fixing the document); never for the checker's own tests.
    survey: bool,
}

struct Operation {
    method: String,
    template: String,
    segments: Vec<String>,
    /// JSON pointer of the operation object in the document.
    pointer: String,
}

/// What the suite sent: method, path and query as sent, headers and body.
pub struct Exchange<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: &'a str,
    pub request_headers: &'a HeaderMap,
    pub request_body: &'a [u8],
    pub status: StatusCode,
    pub response_headers: &'a HeaderMap,
    pub response_body: &'a [u8],
}

pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json");
        Contract {
            records_coverage: true,
            survey: std::env::var_os("THIDUA_CONTRACT_SURVEY").is_some(),
            ..Contract::new(serde_json::from_str(&text).expect("openapi/openapi.json is JSON"))
        }
    })
}

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// `type/subtype` without parameters, lower-cased.
fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// The documented media type matching `actual` (exact, `type/*` or `*/*`).
fn media_entry<'a>(content: &'a serde_json::Map<String, Value>, actual: &str) -> Option<(&'a String, &'a Value)> {
    content.iter().find(|(k, _)| k.as_str() == actual).or_else(|| {
        content.iter().find(|(k, _)| {
            k.as_str() == "*/*" || k.strip_suffix("/*").is_some_and(|major| actual.split('/').next() == Some(major))
        })
    })
}

/// A path segment as its parameter's value (`+` is a literal plus in a path, unlike in a form).
fn percent_decode(s: &str) -> String {
    let protected = s.replace('+', "%2B");
    url::form_urlencoded::parse(format!("v={protected}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl Contract {
    fn new(doc: Value) -> Contract {
        let mut operations = Vec::new();
        for (template, item) in doc["paths"].as_object().expect("paths") {
            for (method, _) in item.as_object().expect("path item") {
                if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch" | "head" | "options") {
                    continue;
                }
                operations.push(Operation {
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                    segments: template.split('/').map(str::to_string).collect(),
                    pointer: format!("/paths/{}/{method}", pointer_escape(template)),
                });
            }
        }
        Contract {
            doc,
            operations,
            validators: Mutex::default(),
            seen: Mutex::default(),
            records_coverage: false,
            survey: false,
        }
    }

    /// The operation for `method path`: among templates that match, the one with the most literal
    /// segments (`/units/by-code` before `/units/{id}`). HEAD is answered by the GET operation.
    fn find(&self, method: &str, path: &str) -> Option<(&Operation, HashMap<String, String>)> {
        let method =
            if method == "HEAD" && !self.operations.iter().any(|o| o.method == "HEAD") { "GET" } else { method };
        let parts: Vec<&str> = path.split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method == method && op.segments.len() == parts.len())
            .filter_map(|op| {
                let mut params = HashMap::new();
                let mut literals = 0;
                for (template, actual) in op.segments.iter().zip(&parts) {
                    if let Some(name) = template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                        if actual.is_empty() {
                            return None;
                        }
                        params.insert(name.to_string(), percent_decode(actual));
                    } else if template == actual || *template == percent_decode(actual) {
                        // The router matches a literal segment with its percent-escapes decoded.
                        literals += 1;
                    } else {
                        return None;
                    }
                }
                Some((literals, op, params))
            })
            .max_by_key(|(literals, _, _)| *literals)
            .map(|(_, op, params)| (op, params))
    }

    fn path_templates_for(&self, path: &str) -> bool {
        self.operations.iter().any(|op| {
            let parts: Vec<&str> = path.split('/').collect();
            op.segments.len() == parts.len()
                && op.segments.iter().zip(&parts).all(|(t, a)| t.starts_with('{') || t == a)
        })
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => self.doc.pointer(pointer).unwrap_or_else(|| panic!("dangling $ref #{pointer}")),
            None => value,
        }
    }

    /// A validator for the schema at `pointer`, its `$ref`s resolved against the document.
    fn validator(&self, pointer: &str) -> Arc<Validator> {
        if let Some(v) = self.validators.lock().unwrap().get(pointer) {
            return v.clone();
        }
        let schema = self.doc.pointer(pointer).unwrap_or_else(|| panic!("no schema at {pointer}")).clone();
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.doc["components"],
            "allOf": [schema],
        });
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}"));
        let validator = Arc::new(validator);
        self.validators.lock().unwrap().insert(pointer.to_string(), validator.clone());
        validator
    }

    fn schema_errors(&self, pointer: &str, instance: &Value) -> Vec<String> {
        let validator = self.validator(pointer);
        validator.iter_errors(instance).take(5).map(|e| format!("{} at '{}'", e, e.instance_path())).collect()
    }

    /// A parameter's text as the JSON value its schema describes (query and path values are text).
    fn coerce(&self, schema: &Value, text: &str) -> Value {
        let schema = self.resolve(schema);
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if types.contains(&"integer") {
            if let Ok(n) = text.parse::<i64>() {
                return json!(n);
            }
        }
        if types.contains(&"number") {
            if let Ok(n) = text.parse::<f64>() {
                return json!(n);
            }
        }
        if types.contains(&"boolean") && (text == "true" || text == "false") {
            return json!(text == "true");
        }
        if types.contains(&"array") {
            return Value::Array(text.split(',').map(|item| self.coerce(&schema["items"], item)).collect());
        }
        json!(text)
    }

    /// Where the request leaves the document; empty when the document allows it.
    fn request_breaches(&self, op: &Operation, path_params: &HashMap<String, String>, ex: &Exchange) -> Vec<String> {
        let mut breaches = Vec::new();
        let op_value = self.doc.pointer(&op.pointer).unwrap();
        let params: Vec<(usize, &Value)> = op_value["parameters"]
            .as_array()
            .map(|ps| ps.iter().map(|p| self.resolve(p)).enumerate().collect())
            .unwrap_or_default();
        let query: Vec<(String, String)> = url::form_urlencoded::parse(ex.query.as_bytes()).into_owned().collect();
        for (index, param) in &params {
            let name = param["name"].as_str().unwrap_or_default();
            let required = param["required"].as_bool().unwrap_or(false);
            let value: Option<String> = match param["in"].as_str() {
                Some("path") => path_params.get(name).cloned(),
                Some("query") => query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
                Some("header") => ex.request_headers.get(name).map(|v| v.to_str().unwrap_or("\u{FFFD}").to_string()),
                _ => None,
            };
            match value {
                None if required => breaches.push(format!("required {} parameter `{name}` is missing", param["in"])),
                None => {}
                Some(text) => {
                    let pointer = format!("{}/parameters/{index}/schema", op.pointer);
                    if self.doc.pointer(&pointer).is_some() {
                        let value = self.coerce(&param["schema"], &text);
                        for e in self.schema_errors(&pointer, &value) {
                            breaches.push(format!("parameter `{name}` = {text:?}: {e}"));
                        }
                    }
                }
            }
        }
        for (key, _) in &query {
            if !params.iter().any(|(_, p)| p["in"] == "query" && p["name"] == key.as_str()) {
                breaches.push(format!("query parameter `{key}` is not documented"));
            }
        }
        let body = &op_value["requestBody"];
        let body = self.resolve(body);
        if ex.request_body.is_empty() {
            if body["required"].as_bool().unwrap_or(false) {
                breaches.push("the request body is required".into());
            }
            return breaches;
        }
        let Some(content) = body["content"].as_object() else {
            breaches.push("the operation takes no request body".into());
            return breaches;
        };
        let media =
            ex.request_headers.get("content-type").and_then(|v| v.to_str().ok()).map(essence).unwrap_or_default();
        let Some((key, _)) = media_entry(content, &media) else {
            breaches
                .push(format!("request media type {media:?} is not among {:?}", content.keys().collect::<Vec<_>>()));
            return breaches;
        };
        let pointer = format!("{}/requestBody/content/{}/schema", op.pointer, pointer_escape(key));
        let value = if is_json(&media) {
            match serde_json::from_slice::<Value>(ex.request_body) {
                Ok(value) => Some(value),
                Err(e) => {
                    breaches.push(format!("request body is not JSON: {e}"));
                    None
                }
            }
        } else if media == "application/x-www-form-urlencoded" {
            // A form is an object of text fields.
            let fields: serde_json::Map<String, Value> = url::form_urlencoded::parse(ex.request_body)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            Some(Value::Object(fields))
        } else {
            None // A file: its media type is what the document can say of it.
        };
        if let (Some(value), Some(_)) = (value, self.doc.pointer(&pointer)) {
            breaches.extend(self.schema_errors(&pointer, &value).into_iter().map(|e| format!("request body: {e}")));
        }
        breaches
    }

    /// Where the answer leaves the document; empty when it conforms.
    fn response_breaches(&self, op: &Operation, ex: &Exchange) -> Vec<String> {
        let mut breaches = Vec::new();
        let op_value = self.doc.pointer(&op.pointer).unwrap();
        let status = ex.status.as_str();
        let class = format!("{}XX", &status[..1]);
        let Some((status_key, response)) = [status, class.as_str(), "default"]
            .into_iter()
            .find_map(|k| op_value["responses"].get(k).map(|r| (k.to_string(), self.resolve(r))))
        else {
            return vec![format!("status {status} is not documented")];
        };
        let response_pointer = match op_value["responses"][&status_key].get("$ref").and_then(Value::as_str) {
            Some(r) => r.trim_start_matches('#').to_string(),
            None => format!("{}/responses/{}", op.pointer, status_key),
        };
        let declared: HashSet<String> = response["headers"]
            .as_object()
            .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default();
        for name in CLIENT_HEADERS {
            if ex.response_headers.contains_key(*name) && !declared.contains(*name) {
                breaches.push(format!("header `{name}` is sent but not declared"));
            }
        }
        if let Some(headers) = response["headers"].as_object() {
            for (name, header) in headers {
                let header = self.resolve(header);
                if header["required"].as_bool().unwrap_or(false) && !ex.response_headers.contains_key(name.as_str()) {
                    breaches.push(format!("declared required header `{name}` is missing"));
                }
            }
        }
        let media = ex.response_headers.get("content-type").and_then(|v| v.to_str().ok()).map(essence);
        let content = response["content"].as_object();
        if ex.response_body.is_empty() {
            let may_be_empty = ex.method == Method::HEAD || content.is_none_or(serde_json::Map::is_empty);
            if !may_be_empty {
                breaches.push(format!(
                    "empty body where {:?} is documented",
                    content.map(|c| c.keys().collect::<Vec<_>>())
                ));
            }
            return breaches;
        }
        let Some(content) = content.filter(|c| !c.is_empty()) else {
            breaches.push("a body is sent where none is documented".into());
            return breaches;
        };
        let media = media.unwrap_or_default();
        let Some((key, _)) = media_entry(content, &media) else {
            breaches.push(format!("media type {media:?} is not among {:?}", content.keys().collect::<Vec<_>>()));
            return breaches;
        };
        if is_json(&media) {
            match serde_json::from_slice::<Value>(ex.response_body) {
                Ok(value) => {
                    let pointer = format!("{response_pointer}/content/{}/schema", pointer_escape(key));
                    if self.doc.pointer(&pointer).is_some() {
                        breaches.extend(self.schema_errors(&pointer, &value).into_iter().map(|e| format!("body: {e}")));
                    } else {
                        breaches.push(format!("{key} has no schema"));
                    }
                }
                Err(e) => breaches.push(format!("body is not JSON: {e}")),
            }
        }
        breaches
    }

    /// Checks one exchange; panics with every breach, naming the operation.
    pub fn check(&self, ex: &Exchange) {
        if ex.method == Method::OPTIONS && ex.request_headers.contains_key("access-control-request-method") {
            return; // A CORS preflight: the browser's business, not the API's.
        }
        if !ex.path.starts_with("/api/") && !self.path_templates_for(ex.path) {
            return; // Swagger UI, the document itself: not part of the API.
        }
        let Some((op, path_params)) = self.find(ex.method.as_str(), ex.path) else {
            // No such operation: the answer must be a problem (404 or 405), nothing else.
            let problem = ex.response_headers.get("content-type").and_then(|v| v.to_str().ok()).map(essence);
            assert!(
                matches!(ex.status.as_u16(), 400 | 404 | 405 | 413 | 414 | 431)
                    && problem.as_deref() == Some("application/problem+json"),
                "{} {} is no documented operation, yet answered {} {:?}",
                ex.method,
                ex.path,
                ex.status,
                problem
            );
            let value: Value = serde_json::from_slice(ex.response_body).expect("problem body");
            let errors = self.schema_errors("/components/schemas/Problem", &value);
            assert!(errors.is_empty(), "{} {}: the problem breaks the Problem schema: {errors:?}", ex.method, ex.path);
            self.record(ex.method.as_str(), "(undocumented)", ex.status);
            return;
        };
        self.record(&op.method, &op.template, ex.status);
        let mut breaches: Vec<String> = self.response_breaches(op, ex);
        let request = self.request_breaches(op, &path_params, ex);
        if ex.status.is_success() && !request.is_empty() {
            breaches.push(format!("the request breaks the document yet succeeded: {request:?}"));
        }
        if ex.status == StatusCode::BAD_REQUEST && request.is_empty() {
            let body = serde_json::from_slice::<Value>(ex.response_body).unwrap_or_default();
            let mut reasons: Vec<&str> = body["errors"]
                .as_array()
                .map(|e| e.iter().filter_map(|e| e["code"].as_str()).collect())
                .unwrap_or_default();
            // RFC 6749 §5.2 errors of the token endpoint: a repeated parameter or two ways of
            // authenticating (`invalid_request`), a scope beyond the client's (`invalid_scope`).
            if let Some(oauth) = body["error"].as_str().filter(|e| matches!(*e, "invalid_request" | "invalid_scope")) {
                reasons.push(if oauth == "invalid_scope" { "unknown_reference" } else { "conflicting_parameters" });
            }
            if reasons.is_empty() || !reasons.iter().all(|c| UNSTATABLE_400_CODES.contains(c)) {
                breaches.push(format!(
                    "a request the document allows was refused as malformed: the document does not state the rule; body {body}"
                ));
            }
        }
        if ex.status == StatusCode::UNPROCESSABLE_ENTITY && request.is_empty() {
            breaches.extend(self.unstated_requirements(op, ex));
        }
        if !breaches.is_empty() && self.survey {
            // Survey mode, for fixing the document: list every breach and carry on.
            for b in &breaches {
                eprintln!("CONTRACT\t{} {}\t{}\t{b}", op.method, op.template, ex.status.as_u16());
            }
            return;
        }
        assert!(
            breaches.is_empty(),
            "contract breach: {} {}{} ({} {}) answered {}:\n  - {}",
            ex.method,
            ex.path,
            if ex.query.is_empty() { String::new() } else { format!("?{}", ex.query) },
            op.method,
            op.template,
            ex.status,
            breaches.join("\n  - ")
        );
    }

    /// A 422 saying a field is `required` although the request's schema lets it be left out:
    /// the document hides a requirement (unless the description states when it applies).
    fn unstated_requirements(&self, op: &Operation, ex: &Exchange) -> Vec<String> {
        let body: Value = serde_json::from_slice(ex.response_body).unwrap_or_default();
        let sent: Value = serde_json::from_slice(ex.request_body).unwrap_or_default();
        let Some(schema) = self.doc.pointer(&format!("{}/requestBody/content/application~1json/schema", op.pointer))
        else {
            return Vec::new();
        };
        let schema = self.resolve(schema);
        let required: Vec<&str> =
            schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["code"] == "required")
            .filter_map(|e| e["field"].as_str())
            .filter(|field| schema["properties"].get(*field).is_some() && !required.contains(field))
            .filter(|field| sent.get(*field).is_none_or(Value::is_null))
            .filter(|field| {
                // A conditional requirement is stated in the property's description ("Required …").
                let property = self.resolve(&schema["properties"][*field]);
                !property["description"].as_str().is_some_and(|d| d.contains("Required") || d.contains("required"))
            })
            .map(|field| format!("`{field}` was refused as required, but the schema lets it be left out and says nothing of when it is required"))
            .collect()
    }

    fn record(&self, method: &str, template: &str, status: StatusCode) {
        let line = format!("{method}\t{template}\t{}\n", status.as_u16());
        if !self.records_coverage || !self.seen.lock().unwrap().insert(line.clone()) {
            return;
        }
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-coverage");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{}.tsv", std::process::id()));
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(file) {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

/// The checker itself: each kind of breach it exists to catch, caught.
#[cfg(test)]
mod checks {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn contract() -> Contract {
        Contract::new(json!({
            "openapi": "3.1.0",
            "paths": {"/api/v1/things/{id}": {"get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
                ],
                "responses": {
                    "200": {"description": "ok", "headers": {"ETag": {"schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "400": {"description": "bad", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                }
            }}},
            "components": {"schemas": {
                "Thing": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["draft"]}}},
                "Problem": {"type": "object", "required": ["status"], "properties": {"status": {"type": "integer"}}}
            }}
        }))
    }

    const ID: &str = "0190c0de-0000-7000-8000-000000000001";

    /// The breaches found in one GET exchange, or `None` when it conforms.
    fn breach(query: &str, status: u16, headers: &[(&str, &str)], content_type: &str, body: Value) -> Option<String> {
        let mut response_headers = HeaderMap::new();
        response_headers.insert(HeaderName::from_static("content-type"), HeaderValue::from_str(content_type).unwrap());
        for (name, value) in headers {
            response_headers
                .insert(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        }
        let body = body.to_string();
        let path = format!("/api/v1/things/{ID}");
        let exchange = Exchange {
            method: &Method::GET,
            path: &path,
            query,
            request_headers: &HeaderMap::new(),
            request_body: b"",
            status: StatusCode::from_u16(status).unwrap(),
            response_headers: &response_headers,
            response_body: body.as_bytes(),
        };
        let contract = contract();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| contract.check(&exchange)))
            .err()
            .map(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
    }

    #[test]
    fn a_conforming_exchange_passes() {
        assert_eq!(breach("limit=5", 200, &[("etag", "\"1\"")], "application/json", json!({"status": "draft"})), None);
    }

    #[test]
    fn a_body_outside_its_schema_is_a_breach() {
        let found = breach("", 200, &[], "application/json", json!({"status": "Draft"})).expect("a breach");
        assert!(found.contains("body:") && found.contains("Draft"), "{found}");
    }

    #[test]
    fn an_undocumented_status_or_media_type_is_a_breach() {
        assert!(breach("", 500, &[], "application/problem+json", json!({"status": 500}))
            .unwrap()
            .contains("status 500 is not documented"));
        assert!(breach("", 200, &[], "text/html", json!({"status": "draft"}))
            .unwrap()
            .contains("media type \"text/html\""));
    }

    #[test]
    fn an_undeclared_client_header_is_a_breach() {
        let found =
            breach("", 200, &[("location", "/x")], "application/json", json!({"status": "draft"})).expect("a breach");
        assert!(found.contains("header `location` is sent but not declared"), "{found}");
    }

    #[test]
    fn a_request_the_document_forbids_must_not_succeed() {
        let found = breach("limit=500", 200, &[], "application/json", json!({"status": "draft"})).expect("a breach");
        assert!(found.contains("breaks the document yet succeeded") && found.contains("limit"), "{found}");
        let found = breach("colour=red", 200, &[], "application/json", json!({"status": "draft"})).expect("a breach");
        assert!(found.contains("`colour` is not documented"), "{found}");
        assert_eq!(
            breach("limit=500", 400, &[], "application/problem+json", json!({"status": 400})),
            None,
            "refused: as documented"
        );
    }

    #[test]
    fn a_request_the_document_allows_must_not_be_refused_for_an_unstated_rule() {
        let problem = |code: &str| json!({"status": 400, "errors": [{"field": "limit", "code": code}]});
        let found = breach("limit=5", 400, &[], "application/problem+json", problem("invalid")).expect("a breach");
        assert!(found.contains("does not state the rule"), "{found}");
        assert_eq!(breach("limit=5", 400, &[], "application/problem+json", problem("invalid_cursor")), None);
    }
}
