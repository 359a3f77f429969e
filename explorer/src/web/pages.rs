//! The pages, as HTML from `maud` templates: one layout, one function per
//! page, nothing loaded from elsewhere (styles inline, charts as SVG).

use maud::{html, Markup, PreEscaped, DOCTYPE};
use triad_job::audit::{Conclusion, Report};

use super::{
    chain::{Live, ModelChain},
    chart,
};
use crate::read::{ModelRow, Overview, TaskDetail, TaskFilter, TaskSummary, WorkerDetail};

const STYLE: &str = "
body{font-family:system-ui,sans-serif;margin:0;color:#1a202c;background:#f7fafc}
header{background:#1a365d;color:white;padding:10px 24px;display:flex;gap:24px;align-items:center}
header a{color:white;text-decoration:none;font-weight:600}
main{padding:16px 24px;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 16px;background:white}
td,th{border:1px solid #e2e8f0;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top}
th{background:#edf2f7}
code{font-size:12px}
.passed{color:#276749}.failed{color:#c53030;font-weight:700}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:white;font-weight:700}
.badge.Passed{background:#2f855a}.badge.Failed{background:#c53030}.badge.NothingRan,.badge.NotSettled{background:#718096}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:white;border:1px solid #e2e8f0;padding:8px 14px;min-width:150px}
.card b{display:block;font-size:20px}
";

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · Triad explorer" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a href="/" { "Triad explorer" }
                    a href="/tasks" { "Tasks" }
                    a href="/models" { "Models" }
                    form action="/search" method="get" {
                        input type="search" name="q" placeholder="task id, account or model hash" size="48";
                        " "
                        button type="submit" { "Search" }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

/// Planks, given as decimal text, as tokens.
fn tokens(planks: &str) -> String {
    planks.parse::<u128>().map(triad_job::audit::tokens).unwrap_or_else(|_| planks.to_string())
}

fn short(s: &str) -> String {
    if s.len() > 16 {
        format!("{}…", &s[..12])
    } else {
        s.to_string()
    }
}

fn account(who: &str) -> Markup {
    html! { a class="worker" href={ "/worker/" (who) } title=(who) { code { (short(who)) } } }
}

fn task_rows(tasks: &[TaskSummary]) -> Markup {
    html! {
        table {
            tr { th { "task" } th { "model" } th { "mode" } th { "client" } th { "submitted" } th { "attempts" } th { "outcome" } th { "escrow" } th { "refunded" } }
            @for t in tasks {
                tr {
                    td { a href={ "/task/" (t.id) } { "#" (t.id) } }
                    td { a href={ "/model/" (t.model) } { (t.model) } }
                    td { (t.mode) }
                    td { a href={ "/tasks?client=" (t.client) } { code { (short(&t.client)) } } }
                    td { "#" (t.submitted_at) }
                    td { (t.attempts) }
                    td { (t.resolution.as_deref().unwrap_or(&t.phase)) }
                    td { (tokens(&t.escrow)) }
                    td { (tokens(&t.refunded)) }
                }
            }
        }
    }
}

/// `/`: the chain at a glance.
pub fn overview(o: &Overview, live: Result<&Live, String>) -> Markup {
    let per_hour: Vec<(String, u64)> = o.per_hour.iter().map(|(h, n)| (format!("{:02}:00", h % 24), *n)).collect();
    let count = |r: &str| o.tasks.iter().find(|(k, _)| k == r).map_or(0, |(_, n)| *n);
    layout(
        "Overview",
        html! {
            div class="cards" {
                @match live {
                    Ok(l) => {
                        div class="card" { "best block" b { "#" (l.best) } }
                        div class="card" { "finalized" b { "#" (l.finalized) } }
                        div class="card" { "finality lag" b { (l.best.saturating_sub(l.finalized)) " blocks" } }
                    },
                    Err(e) => { div class="card failed" { "node unreachable" b { (e) } } },
                }
                div class="card" { "indexed" b id="indexed" { "#" (o.indexed) } }
                div class="card" { "accepted" b { (count("Accepted")) } }
                div class="card" { "rejected" b { (count("Rejected")) } }
                div class="card" { "refunded" b { (count("Unassigned") + count("Cancelled") + count("Inconclusive")) } }
                div class="card" { "open" b { (count("Open")) } }
                div class="card" { "rejected attempts" b { (o.rejected_attempts) } }
                div class="card" { "escrow held" b { (tokens(&o.escrow_held)) } }
                div class="card" { "slashed in all" b { (tokens(&o.slashed)) } }
            }
            h2 { "Tasks by outcome" }
            table {
                tr { th { "outcome" } th { "tasks" } }
                @for (r, n) in &o.tasks { tr { td { a href={ "/tasks?resolution=" (r) } { (r) } } td { (n) } } }
            }
            h2 { "Tasks per hour (chain time, UTC)" }
            (PreEscaped(chart::bars("tasks submitted per hour", &per_hour)))
            h2 { "Latest tasks" }
            (task_rows(&o.latest))
        },
    )
}

/// `/tasks`.
pub fn tasks(tasks: &[TaskSummary], f: &TaskFilter, limit: u32, offset: u32) -> Markup {
    let mut about = Vec::new();
    if let Some(c) = &f.client {
        about.push(format!("client {c}"));
    }
    if let Some(m) = f.model {
        about.push(format!("model {m}"));
    }
    if let Some(w) = &f.worker {
        about.push(format!("worker {w}"));
    }
    if let Some(r) = &f.resolution {
        about.push(format!("outcome {r}"));
    }
    let title = if about.is_empty() { "Tasks".to_string() } else { format!("Tasks of {}", about.join(", ")) };
    let mut older = format!("?offset={}&limit={limit}", offset + limit);
    for (key, value) in [
        ("client", f.client.clone()),
        ("model", f.model.map(|m| m.to_string())),
        ("worker", f.worker.clone()),
        ("resolution", f.resolution.clone()),
    ] {
        if let Some(v) = value {
            older += &format!("&{key}={v}");
        }
    }
    layout(
        &title,
        html! {
            (task_rows(tasks))
            @if tasks.len() as u32 == limit {
                a href=(older) { "older →" }
            }
        },
    )
}

const SEATS: [&str; 4] = ["executor", "verifier 1", "verifier 2", "verifier 3"];

fn audit_section(report: Result<&Report, &String>) -> Markup {
    html! {
        section id="audit" {
            h2 { "Audit, re-derived from chain data" }
            @match report {
                Ok(r) => {
                    p { "conclusion: " span id="conclusion" class={ "badge " (format!("{:?}", r.conclusion)) } {
                        (match r.conclusion {
                            Conclusion::Passed => "PASSED",
                            Conclusion::Failed => "FAILED",
                            Conclusion::NothingRan => "NOTHING RAN",
                            Conclusion::NotSettled => "NOT SETTLED",
                        })
                    } }
                    table {
                        tr { th { "attempt" } th { "check" } th { "result" } th { "evidence" } }
                        @for c in &r.checks {
                            tr class={ "check " (if c.passed { "passed" } else { "failed" }) } {
                                td { (c.attempt.map(|a| a.to_string()).unwrap_or_default()) }
                                td { (format!("{:?}", c.kind)) }
                                td class=(if c.passed { "passed" } else { "failed" }) { (if c.passed { "passed" } else { "FAILED" }) }
                                td { (c.evidence) }
                            }
                        }
                    }
                    @if !r.notes.is_empty() {
                        ul { @for n in &r.notes { li { @if let Some(a) = n.attempt { "attempt " (a) ": " } (n.text) } } }
                    }
                },
                Err(e) => { p class="failed" { "audit unavailable: " (e) } },
            }
        }
    }
}

/// `/task/{id}`.
pub fn task(t: &TaskDetail, report: Result<&Report, &String>) -> Markup {
    let s = &t.summary;
    layout(
        &format!("Task #{}", s.id),
        html! {
            table id="task" {
                tr { th { "model" } td { a href={ "/model/" (s.model) } { (s.model) } } }
                tr { th { "client" } td { a href={ "/tasks?client=" (s.client) } { code { (s.client) } } } }
                tr { th { "mode" } td { (s.mode) } }
                tr { th { "submitted" } td { "#" (s.submitted_at) ", deadline #" (t.deadline) } }
                tr { th { "state" } td { (s.phase) @if let Some(r) = &s.resolution { ": " b { (r) } } @if let Some(d) = s.done_at { " at #" (d) } } }
                tr { th { "escrow" } td { (tokens(&s.escrow)) ", executor's price " (tokens(&t.price)) } }
                tr { th { "refunded" } td { (tokens(&s.refunded)) } }
                tr { th { "input" } td { (t.input) } }
                @if let Some(h) = &t.output_hash { tr { th { "output" } td { "blake3 " code { (h) } } } }
                @if t.pruned { tr { th { "pruned" } td { "the chain no longer keeps this task's state" } } }
            }
            (audit_section(report))
            @for a in &t.attempts {
                h2 { "Attempt " (a.n + 1) " (drawn at #" (a.assigned_at) ")" }
                table {
                    @if let Some(v) = &a.verdict { tr { th { "verdict" } td { code { (v.to_string()) } } } }
                    @if let Some(k) = &a.key { tr { th { "attempt key" } td { code { (k) } } } }
                    @if let Some(p) = &a.posted { tr { th { "posted" } td { code { (p) } } } }
                    @if let Some(p) = &a.proof { tr { th { "Groth16 proof" } td { code { (short(p)) } " (" (p.len() / 2) " bytes)" } } }
                    @if let Some(x) = &a.attested { tr { th { "attestation" } td { (x) } } }
                }
                table class="seats" {
                    tr { th { "seat" } th { "worker" } th { "commitment" } th { "fingerprint" } th { "vote" } th { "paid" } th { "bounty" } th { "slashed" } }
                    @for seat in &a.seats {
                        tr {
                            td { (SEATS.get(seat.seat as usize).copied().unwrap_or("seat")) }
                            td { (account(&seat.who)) }
                            td { code { (seat.commitment.as_deref().map(short).unwrap_or_else(|| "-".into())) } }
                            td { code { (seat.fingerprint.as_deref().map(short).unwrap_or_else(|| "-".into())) } }
                            td { (seat.vote.as_deref().unwrap_or("-")) }
                            td { (tokens(&seat.paid)) }
                            td { (tokens(&seat.bounty)) }
                            td class=(if seat.slashed != "0" { "failed" } else { "" }) { (tokens(&seat.slashed)) }
                        }
                    }
                }
            }
            h2 { "Payments" }
            table id="payments" {
                tr { th { "block" } th { "to" } th { "kind" } th { "amount" } }
                @for p in &t.payments { tr { td { "#" (p.block) } td { (account(&p.who)) } td { (p.kind) } td { (tokens(&p.amount)) } } }
            }
            @if !t.slashes.is_empty() {
                h2 { "Slashes" }
                table {
                    tr { th { "block" } th { "worker" } th { "reason" } th { "amount" } }
                    @for x in &t.slashes { tr { td { "#" (x.block) } td { (account(&x.who)) } td { (x.reason) } td { (tokens(&x.amount)) } } }
                }
            }
            h2 { "Reveals" }
            table {
                tr { th { "block" } th { "extrinsic" } th { "by" } th { "kind" } }
                @for r in &t.reveals { tr { td { "#" (r.block) } td { (r.extrinsic) } td { (account(&r.who)) } td { (r.kind) } } }
            }
            h2 { "Events" }
            table {
                tr { th { "block" } th { "event" } th { "fields" } }
                @for e in &t.events { tr { td { "#" (e.block) "-" (e.idx) } td { (e.pallet) "." (e.name) } td { code { (e.fields.to_string()) } } } }
            }
        },
    )
}

/// The reputation-over-time chart of a worker, one series per model.
pub fn reputation_chart(w: &WorkerDetail) -> String {
    let mut models: Vec<u64> = w.reputation.iter().map(|r| r.model).collect();
    models.sort_unstable();
    models.dedup();
    let series: Vec<chart::Series> = models
        .iter()
        .map(|m| chart::Series {
            name: format!("model {m}"),
            points: w.reputation.iter().filter(|r| r.model == *m).map(|r| (r.block as f64, r.score as f64 / 1e9)).collect(),
        })
        .collect();
    chart::steps("reputation score by block", &series, Some((0.0, 1.0)), |y| format!("{y:.2}"))
}

/// `/worker/{who}`.
pub fn worker(w: &WorkerDetail) -> Markup {
    let stake = chart::steps(
        "stake by block (tokens)",
        &[chart::Series {
            name: "stake".into(),
            points: w.stakes.iter().map(|(b, s, _)| (*b as f64, s.parse::<f64>().unwrap_or(0.0) / 1e12)).collect(),
        }],
        None,
        |y| format!("{y:.1}"),
    );
    let mut standing: Vec<(u64, &crate::read::ReputationPoint, u64)> = Vec::new();
    for r in &w.reputation {
        match standing.iter_mut().find(|(m, _, _)| *m == r.model) {
            Some(s) => {
                s.1 = r;
                s.2 += 1;
            },
            None => standing.push((r.model, r, 1)),
        }
    }
    layout(
        &format!("Worker {}", short(&w.who)),
        html! {
            table id="worker" {
                tr { th { "account" } td { code { (w.who) } } }
                tr { th { "status" } td { (w.status) } }
                tr { th { "stake" } td { (tokens(&w.stake)) } }
                tr { th { "roles" } td { (w.roles) } }
                tr { th { "models" } td { @for m in w.models.split(',').filter(|m| !m.is_empty()) { a href={ "/model/" (m) } { (m) } " " } } }
                tr { th { "registered" } td { "#" (w.registered_at) } }
                @if let Some(a) = &w.attestation { tr { th { "attestation" } td { (a) } } }
            }
            h2 { "Standing per model" }
            table {
                tr { th { "model" } th { "score" } th { "α" } th { "β" } th { "outcomes recorded" } th { "last" } }
                @for (m, r, n) in &standing {
                    tr { td { a href={ "/model/" (m) } { (m) } } td { (format!("{:.4}", r.score as f64 / 1e9)) } td { (r.alpha) } td { (r.beta) } td { (n) } td { (r.outcome) " at #" (r.block) } }
                }
            }
            h2 { "Reputation over time" }
            (PreEscaped(reputation_chart(w)))
            h2 { "Stake over time" }
            (PreEscaped(stake))
            h2 { "Seats" }
            table {
                tr { th { "task" } th { "attempt" } th { "seat" } th { "vote" } th { "paid" } th { "slashed" } th { "task outcome" } }
                @for s in &w.seats {
                    tr {
                        td { a href={ "/task/" (s.task) } { "#" (s.task) } }
                        td { (s.attempt + 1) }
                        td { (SEATS.get(s.seat as usize).copied().unwrap_or("seat")) }
                        td { (s.vote.as_deref().unwrap_or("-")) }
                        td { (tokens(&s.paid)) }
                        td class=(if s.slashed != "0" { "failed" } else { "" }) { (tokens(&s.slashed)) }
                        td { (s.resolution.as_deref().unwrap_or("open")) }
                    }
                }
            }
            @if !w.slashes.is_empty() {
                h2 { "Slashes" }
                table {
                    tr { th { "block" } th { "task" } th { "reason" } th { "amount" } }
                    @for x in &w.slashes { tr { td { "#" (x.block) } td { a href={ "/task/" (x.task) } { "#" (x.task) } } td { (x.reason) } td { (tokens(&x.amount)) } } }
                }
            }
        },
    )
}

/// `/model/{id}`.
pub fn model(m: &ModelRow, chain: Result<Option<&ModelChain>, &String>) -> Markup {
    layout(
        &format!("Model {} · {} {}", m.id, m.name, m.version),
        html! {
            table id="model" {
                tr { th { "ONNX hash" } td { code { (m.onnx_hash) } " (" (m.onnx_size) " bytes)" } }
                tr { th { "owner" } td { code { (m.owner) } } }
                tr { th { "state" } td { (m.state) } }
                tr { th { "price floor" } td { (tokens(&m.price_floor)) } }
                tr { th { "modes" } td { (m.modes) } }
                tr { th { "registered" } td { "#" (m.registered_at) } }
                tr { th { "tasks" } td { a href={ "/tasks?model=" (m.id) } { (m.tasks) } } }
            }
            @match chain {
                Ok(Some(c)) => {
                    h2 { "Schema" }
                    table {
                        @for i in &c.inputs { tr { th { "input" } td { code { (i) } } } }
                        @for o in &c.outputs { tr { th { "output" } td { code { (o) } } } }
                    }
                    h2 { "Verification" }
                    table {
                        tr { th { "LSH parameters" } td { code { (c.lsh) } } }
                        @for check in &c.checks { tr { th { "output check" } td { code { (check) } } } }
                        tr { th { "Groth16 vk hash" } td { code { (c.vk_hash.as_deref().unwrap_or("none")) } } }
                        @if let Some((ms, statuses)) = &c.tee {
                            @for mm in ms { tr { th { "allowed measurement" } td { code { (mm) } } } }
                            tr { th { "allowed TCB statuses" } td { (statuses) } }
                        }
                    }
                    h2 { "Calibration set" }
                    table {
                        tr { th { "case" } th { "input bytes" } th { "expected fingerprint" } }
                        @for (i, (size, fp)) in c.calibration.iter().enumerate() { tr { td { (i) } td { (size) } td { code { (fp) } } } }
                    }
                },
                Ok(None) => { p { "the chain's registry no longer has this model" } },
                Err(e) => { p class="failed" { "registry unavailable: " (e) } },
            }
        },
    )
}

/// `/models`.
pub fn models(ms: &[ModelRow]) -> Markup {
    layout(
        "Models",
        html! {
            table {
                tr { th { "id" } th { "name" } th { "ONNX hash" } th { "modes" } th { "state" } th { "tasks" } }
                @for m in ms {
                    tr {
                        td { a href={ "/model/" (m.id) } { (m.id) } }
                        td { (m.name) " " (m.version) }
                        td { code { (short(&m.onnx_hash)) } }
                        td { (m.modes) }
                        td { (m.state) }
                        td { (m.tasks) }
                    }
                }
            }
        },
    )
}

/// A search that found nothing.
pub fn not_found(q: &str) -> Markup {
    layout(
        "Not found",
        html! { p { "Nothing indexed matches " code { (q) } ": try a task id, an account (SS58) or a model's ONNX hash (hex)." } },
    )
}
