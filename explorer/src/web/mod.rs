//! The web server: pages for people and a JSON API for scripts, both from
//! the index, with each task's audit re-derived from the node.
//!
//! | Page | API | What |
//! |---|---|---|
//! | `/` | `/api/overview` | blocks, finality lag, tasks per hour, outcomes, escrow held, slashed |
//! | `/tasks` | `/api/tasks` | tasks, filtered by client, model, worker or resolution |
//! | `/task/{id}` | `/api/tasks/{id}` | attempts, seats, reveals, payments, slashes, and the audit |
//! | `/worker/{account}` | `/api/workers/{account}` | stake, standing per model, reputation over time, seats |
//! | `/model/{id}` | `/api/models/{id}` | hash, schema, parameters, vk hash, calibration set, TEE policy |
//! | `/models` | `/api/models` | every model |
//! | `/search?q=` | | a task id, an account or a model's ONNX hash |
//!
//! `/openapi.json` documents the API.

mod chain;
mod chart;
mod pages;

use std::sync::Arc;

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use sqlx::AnyPool;
use triad_client::Client;

pub use chain::{audit_task, check_index};

use crate::{read, ExplorerError};

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    pool: AnyPool,
    client: Arc<Client>,
}

/// The routes of the pages and the API.
pub fn router(pool: AnyPool, client: Arc<Client>) -> Router {
    Router::new()
        .route("/", get(overview_page))
        .route("/tasks", get(tasks_page))
        .route("/task/{id}", get(task_page))
        .route("/worker/{who}", get(worker_page))
        .route("/worker/{who}/reputation.svg", get(reputation_svg))
        .route("/model/{id}", get(model_page))
        .route("/models", get(models_page))
        .route("/search", get(search))
        .route("/api/overview", get(overview_api))
        .route("/api/tasks", get(tasks_api))
        .route("/api/tasks/{id}", get(task_api))
        .route("/api/workers/{who}", get(worker_api))
        .route("/api/models", get(models_api))
        .route("/api/models/{id}", get(model_api))
        .route("/openapi.json", get(openapi))
        .with_state(App { pool, client })
}

/// An error as a page or a JSON body, with its status.
pub struct WebError(StatusCode, String);

impl From<ExplorerError> for WebError {
    fn from(e: ExplorerError) -> Self {
        WebError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

fn not_found(what: String) -> WebError {
    WebError(StatusCode::NOT_FOUND, what)
}

type Page = Result<Html<String>, WebError>;

async fn overview_page(State(app): State<App>) -> Page {
    let o = read::overview(&app.pool).await?;
    let live = chain::live(&app.client).await;
    Ok(Html(pages::overview(&o, live.as_ref().map_err(|e| e.to_string())).into_string()))
}

async fn overview_api(State(app): State<App>) -> Result<Json<serde_json::Value>, WebError> {
    let o = read::overview(&app.pool).await?;
    let live = chain::live(&app.client).await.ok();
    Ok(Json(serde_json::json!({ "index": o, "live": live })))
}

/// A page of a list.
#[derive(Deserialize)]
struct Paging {
    #[serde(default = "default_limit")]
    limit: u32,
    #[serde(default)]
    offset: u32,
}

fn default_limit() -> u32 {
    50
}

async fn tasks_page(State(app): State<App>, Query(filter): Query<read::TaskFilter>, Query(paging): Query<Paging>) -> Page {
    let tasks = read::tasks_page(&app.pool, &filter, paging.limit, paging.offset).await?;
    Ok(Html(pages::tasks(&tasks, &filter, paging.limit, paging.offset).into_string()))
}

async fn tasks_api(
    State(app): State<App>,
    Query(filter): Query<read::TaskFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Vec<read::TaskSummary>>, WebError> {
    Ok(Json(read::tasks_page(&app.pool, &filter, paging.limit, paging.offset).await?))
}

async fn task_page(State(app): State<App>, Path(id): Path<u64>) -> Page {
    let task = read::task(&app.pool, id).await?.ok_or_else(|| not_found(format!("task {id} is not indexed")))?;
    let report = audit_task(&app.client, &task).await.map_err(|e| e.to_string());
    Ok(Html(pages::task(&task, report.as_ref()).into_string()))
}

async fn task_api(State(app): State<App>, Path(id): Path<u64>) -> Result<Json<serde_json::Value>, WebError> {
    let task = read::task(&app.pool, id).await?.ok_or_else(|| not_found(format!("task {id} is not indexed")))?;
    let audit = match audit_task(&app.client, &task).await {
        Ok(report) => serde_json::to_value(report).unwrap_or_default(),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    };
    Ok(Json(serde_json::json!({ "task": task, "audit": audit })))
}

async fn worker_page(State(app): State<App>, Path(who): Path<String>) -> Page {
    let w = read::worker(&app.pool, &who).await?.ok_or_else(|| not_found(format!("{who} is no indexed worker")))?;
    Ok(Html(pages::worker(&w).into_string()))
}

async fn reputation_svg(State(app): State<App>, Path(who): Path<String>) -> Result<Response, WebError> {
    let w = read::worker(&app.pool, &who).await?.ok_or_else(|| not_found(format!("{who} is no indexed worker")))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], pages::reputation_chart(&w)).into_response())
}

async fn worker_api(State(app): State<App>, Path(who): Path<String>) -> Result<Json<read::WorkerDetail>, WebError> {
    Ok(Json(read::worker(&app.pool, &who).await?.ok_or_else(|| not_found(format!("{who} is no indexed worker")))?))
}

async fn model_page(State(app): State<App>, Path(id): Path<u32>) -> Page {
    let m = read::model(&app.pool, id).await?.ok_or_else(|| not_found(format!("model {id} is not indexed")))?;
    let live = chain::model(&app.client, id).await.map_err(|e| e.to_string());
    Ok(Html(pages::model(&m, live.as_ref().map(Option::as_ref)).into_string()))
}

async fn model_api(State(app): State<App>, Path(id): Path<u32>) -> Result<Json<serde_json::Value>, WebError> {
    let m = read::model(&app.pool, id).await?.ok_or_else(|| not_found(format!("model {id} is not indexed")))?;
    let live = chain::model(&app.client, id).await?;
    Ok(Json(serde_json::json!({ "model": m, "registry": live })))
}

async fn models_page(State(app): State<App>) -> Page {
    Ok(Html(pages::models(&read::models(&app.pool).await?).into_string()))
}

async fn models_api(State(app): State<App>) -> Result<Json<Vec<read::ModelRow>>, WebError> {
    Ok(Json(read::models(&app.pool).await?))
}

#[derive(Deserialize)]
struct Search {
    q: String,
}

/// A task id, an account (SS58) or a model's ONNX hash (hex).
async fn search(State(app): State<App>, Query(s): Query<Search>) -> Result<Response, WebError> {
    let q = s.q.trim();
    if let Ok(id) = q.trim_start_matches('#').parse::<u64>() {
        return Ok(Redirect::to(&format!("/task/{id}")).into_response());
    }
    let hex = q.trim_start_matches("0x");
    if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        if let Some(id) = read::model_by_hash(&app.pool, hex).await? {
            return Ok(Redirect::to(&format!("/model/{id}")).into_response());
        }
    }
    if q.parse::<triad_client::AccountId32>().is_ok() {
        if read::worker(&app.pool, q).await?.is_some() {
            return Ok(Redirect::to(&format!("/worker/{q}")).into_response());
        }
        if read::is_account(&app.pool, q).await? {
            return Ok(Redirect::to(&format!("/tasks?client={q}")).into_response());
        }
    }
    Ok((StatusCode::NOT_FOUND, Html(pages::not_found(q).into_string())).into_response())
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("../../openapi.json"))
}
