//! Calibration harness for `triad-verifier` (a bench binary; `scripts/calibrate.sh`
//! prepares the models and runs it).
//!
//! For every model it runs real ONNX Runtime inference under the reference
//! settings (1 thread, all graph optimizations) and under eight other
//! thread/optimization settings, and adds bounded relative noise of up to
//! 1e-6, 1e-5 and 2e-5 per element (the largest honest difference measured
//! across hosts) to emulate other hardware. Those are the **honest** outputs:
//! any pair that disagrees is a false reject. It then builds **wrong**
//! outputs: another input, the model with perturbed weights, another model,
//! random and shuffled outputs, zeroed, half-zeroed, scaled and truncated
//! outputs, the top-1 class flipped by a shift just beyond the noise, one
//! element moved by ten times the noise, and the null-space edit of the
//! `collide` attack (outputs over 512 elements: the strongest elements
//! erased, each one's contribution moved to a partner in its sketch bucket
//! so that, under a known key, the fingerprint does not move). Any that passes is a false accept. A wrong output within the
//! noise of the right one is not a wrong answer; those are counted apart.
//!
//! Every attempt is fingerprinted under its own key, as on chain. Two
//! verdicts are tallied side by side: the fingerprints alone (`LSH`), and
//! the protocol (`LSH + check`): a verifier endorses the executor when their
//! fingerprints agree and its own output passes the model's default output
//! check against the executor's, and two endorsements accept. Every candidate
//! parameter set is measured on the same outputs in one run, so the tables
//! compare them side by side.

mod data;
mod stats;

use std::{collections::BTreeMap, path::PathBuf, time::Instant};

use clap::Parser;
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use stats::Rate;
use triad_inference::{Model, Optimization, Settings, TensorData};
use triad_verifier::{
    agrees, compare, default_check, distance, fingerprint, majority, null_space_edit, AttemptKey, DType, Family, Fingerprint,
    LshParams, Outcome, OutputCheck, Quantization, Tensor, Vote, CALIBRATION_KEY, SKETCH_DIM,
};

#[derive(Parser)]
struct Args {
    /// Directory with the models (see scripts/calibrate.sh).
    #[arg(long)]
    models: PathBuf,
    /// Inputs per model.
    #[arg(long, default_value_t = 24)]
    inputs: u64,
    /// Noisy copies per input and noise level.
    #[arg(long, default_value_t = 300)]
    noise_seeds: u64,
    /// Random and shuffled outputs per input.
    #[arg(long, default_value_t = 100)]
    random_seeds: u64,
}

struct Suite {
    name: &'static str,
    file: &'static str,
    other: Option<&'static str>,
    input: fn(u64) -> TensorData,
    classifier: bool,
    image: bool,
    /// Presents `[1, 1, H, W]` maps as `[H, W, 1]` images.
    single_channel_map: bool,
}

const NOISE: [f64; 3] = [1e-6, 1e-5, 2e-5];
/// Weight perturbations; `scripts/calibrate.sh` writes `<model>.w<rel>.onnx`.
const WEIGHT_NOISE: [(&str, &str); 2] = [("weights x(1+1e-2 N)", "1e-2"), ("weights x(1+1e-1 N)", "1e-1")];

fn suites() -> Vec<Suite> {
    vec![
        Suite {
            name: "mlp classifier (generated)",
            file: "mlp_classifier",
            other: Some("mlp_classifier_other"),
            input: |s| data::features(s, 64),
            classifier: true,
            image: false,
            single_channel_map: false,
        },
        Suite {
            name: "conv image filter (generated)",
            file: "conv_filter",
            other: Some("conv_filter_other"),
            input: |s| data::photo(s, 64, 64),
            classifier: false,
            image: true,
            single_channel_map: false,
        },
        Suite {
            name: "PP-OCR mobile v2 text direction (pre-trained)",
            file: "ppocr_cls",
            other: None,
            input: |s| data::text_lines(s, 48, 192, 1, 0.5, 0.5),
            classifier: true,
            image: false,
            single_channel_map: false,
        },
        Suite {
            name: "PP-OCRv4 recognition (pre-trained)",
            file: "ppocr_rec",
            other: None,
            input: |s| data::text_lines(s, 48, 192, 1, 0.5, 0.5),
            classifier: true,
            image: false,
            single_channel_map: false,
        },
        Suite {
            name: "PP-OCRv4 detection (pre-trained)",
            file: "ppocr_det",
            other: None,
            input: |s| data::text_lines(s, 96, 160, 3, 0.45, 0.226),
            classifier: false,
            image: true,
            single_channel_map: true,
        },
    ]
}

const SEED: u64 = 0x7121_ad00;

/// The parameter sets compared side by side. The first is the crate's preset
/// (`LshParams::projection`), the one the tables call default.
fn candidates(suite: &Suite) -> Vec<(String, LshParams)> {
    let preset = LshParams::projection(SEED);
    let mk = |quantization, tolerance| LshParams { quantization, tolerance, ..preset };
    let mut c = vec![(format!("{} (default)", label(&preset)), preset)];
    for other in [
        mk(Quantization::Sign, 8),
        mk(Quantization::Sign, 64),
        mk(Quantization::Lattice { cells_log2: 3, symbol_bits: 4 }, 8),
        mk(Quantization::Lattice { cells_log2: 4, symbol_bits: 4 }, 8),
        mk(Quantization::Lattice { cells_log2: 4, symbol_bits: 4 }, 12),
        mk(Quantization::Lattice { cells_log2: 6, symbol_bits: 4 }, 16),
    ] {
        if other != preset {
            c.push((label(&other), other));
        }
    }
    if suite.image {
        let phash = LshParams::perceptual(SEED);
        c.push((format!("{} (default for images)", label(&phash)), phash));
        let wide = LshParams { bits: 256, tolerance: 32, ..phash };
        c.push((label(&wide), wide));
    }
    c
}

fn label(p: &LshParams) -> String {
    match (p.family, p.quantization) {
        (Family::Perceptual, _) => format!("phash {} bits, t={}", p.bits, p.tolerance),
        (_, Quantization::Sign) => format!("simhash {} bits, t={}", p.bits, p.tolerance),
        (_, Quantization::Lattice { cells_log2, symbol_bits }) => {
            format!("lattice {} cells/sd x {symbol_bits} bits + norm, t={}", 1u32 << cells_log2, p.tolerance)
        },
    }
}

/// Honest and wrong outcomes of one parameter set on one suite.
#[derive(Default)]
struct Tally {
    honest_real: Rate,
    honest_noise: [Rate; 3],
    max_real: u32,
    max_noise: [u32; 3],
    task_reject: Rate,
    /// case -> (pair false accepts, 3-verifier false accepts, min distance, immaterial count)
    wrong: BTreeMap<&'static str, (Rate, Rate, u32, u64)>,
    /// Under the protocol (fingerprint and output check): honest tasks
    /// rejected, wrong tasks accepted by case.
    task_reject_checked: Rate,
    wrong_checked: BTreeMap<&'static str, Rate>,
    /// Honest pairs the output check alone rejects, and the largest honest
    /// difference it saw, as a fraction of the scale.
    check_reject: Rate,
    max_check_diff: f64,
}

impl Tally {
    fn wrong_total(&self) -> (Rate, Rate, u32) {
        let mut pair = Rate::default();
        let mut three = Rate::default();
        let mut min = u32::MAX;
        for (p, t, m, _) in self.wrong.values() {
            pair.k += p.k;
            pair.n += p.n;
            three.k += t.k;
            three.n += t.n;
            min = min.min(*m);
        }
        (pair, three, min)
    }

    fn honest_total(&self) -> Rate {
        let mut r = self.honest_real;
        for n in &self.honest_noise {
            r.k += n.k;
            r.n += n.n;
        }
        r
    }
}

fn fp(params: &LshParams, key: &AttemptKey, shape: &[usize], data: &[f32]) -> Fingerprint {
    fingerprint(params, key, &Tensor::F32 { shape, data }).expect("model outputs are finite and well-shaped")
}

/// The key of the attempt that runs input `i`.
fn key_of(i: usize) -> AttemptKey {
    *blake3::hash(&(i as u64).to_le_bytes()).as_bytes()
}

/// A verifier's vote: the executor's output `e` against its own `v`.
fn vote(check: &OutputCheck, shape: &[usize], e: &[f32], eshape: &[usize], v: &[f32]) -> Vote {
    match compare(check, &Tensor::F32 { shape: eshape, data: e }, &Tensor::F32 { shape, data: v }) {
        Ok(()) => Vote::Match,
        Err(_) => Vote::Mismatch,
    }
}

/// Largest elementwise difference as a fraction of the scale of `mine`.
fn max_rel_diff(mine: &[f32], other: &[f32]) -> f64 {
    let scale = mine.iter().fold(0.0f64, |s, x| s.max((*x as f64).abs())).max(f64::MIN_POSITIVE);
    mine.iter().zip(other).fold(0.0f64, |m, (a, b)| m.max((*a as f64 - *b as f64).abs())) / scale
}

type Output = (Vec<usize>, Vec<f32>);

/// Every wrong output of the list for input `i`, labelled by case.
fn wrong_outputs(
    suite: &Suite,
    refs: &[Output],
    i: usize,
    pert_outs: &[Vec<f32>],
    other_out: &Option<Output>,
    random_seeds: u64,
    rng: &mut StdRng,
) -> Vec<(&'static str, Vec<usize>, Vec<f32>)> {
    let (shape, r) = &refs[i];
    let mut wrong: Vec<(&'static str, Vec<usize>, Vec<f32>)> = Vec::new();
    for j in (i + 1)..refs.len() {
        wrong.push(("another input", refs[j].0.clone(), refs[j].1.clone()));
    }
    for ((label, _), out) in WEIGHT_NOISE.iter().zip(pert_outs) {
        wrong.push((label, shape.clone(), out.clone()));
    }
    if let Some((s, o)) = other_out {
        wrong.push(("another model", s.clone(), o.clone()));
    }
    let (lo, hi) = r.iter().fold((f32::MAX, f32::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    for _ in 0..random_seeds {
        let mut s = r.clone();
        s.shuffle(rng);
        wrong.push(("shuffled output", shape.clone(), s));
        let u = (0..r.len()).map(|_| rng.gen_range(lo..=hi.max(lo + f32::EPSILON))).collect();
        wrong.push(("random output", shape.clone(), u));
    }
    wrong.push(("all zeros", shape.clone(), vec![0.0; r.len()]));
    wrong.push(("scaled by 1.05", shape.clone(), r.iter().map(|x| x * 1.05).collect()));
    let mut half = r.clone();
    half[r.len() / 2..].iter_mut().for_each(|x| *x = 0.0);
    wrong.push(("second half zeroed", shape.clone(), half));
    // One row (or element) short: the first dimension above 1 shrinks by one.
    let mut short = shape.clone();
    let axis = short.iter().position(|d| *d > 1).expect("outputs have more than one element");
    short[axis] -= 1;
    let kept: usize = short.iter().product();
    wrong.push(("truncated by one row", short, r[..kept].to_vec()));
    let scale = r.iter().fold(0.0f32, |s, x| s.max(x.abs()));
    let noise = OutputCheck::DEFAULT_TOLERANCE_PPM as f32 * 1e-6 * scale;
    if suite.classifier {
        let row = *shape.last().unwrap();
        let (a, b) = data::top2(&r[..row]);
        let mut flipped = r.clone();
        flipped[b] = r[a] + 3.0 * noise;
        wrong.push(("top-1 flipped just beyond the noise", shape.clone(), flipped));
    }
    let mut moved = r.clone();
    let at = rng.gen_range(0..r.len());
    moved[at] += 10.0 * noise;
    wrong.push(("one element moved by 10x the noise", shape.clone(), moved));
    if r.len() > SKETCH_DIM {
        // The `collide` worker's edit: the strongest elements erased,
        // invisibly under the public calibration key.
        let mut edited = r.clone();
        null_space_edit(&LshParams::projection(SEED), &CALIBRATION_KEY, &mut edited, SKETCH_DIM / 2);
        wrong.push(("collide: null-space edit under the public key", shape.clone(), edited));
    }
    wrong
}

fn main() {
    let args = Args::parse();
    let grid: Vec<Settings> = [1, 2, 4]
        .into_iter()
        .flat_map(|t| {
            [Optimization::Disable, Optimization::Basic, Optimization::All]
                .map(move |o| Settings { intra_threads: t, optimization: o })
        })
        .collect();
    let reference = Settings { intra_threads: 1, optimization: Optimization::All };
    let mut summary: BTreeMap<String, (Rate, Rate, Rate, Rate)> = BTreeMap::new();
    let mut checked_summary: BTreeMap<String, (Rate, Rate, Rate, f64)> = BTreeMap::new();
    let mut throughput = Vec::new();

    for suite in suites() {
        let path = |f: &str| args.models.join(format!("{f}.onnx"));
        let load = |f: &str, s: Settings| Model::load(path(f), s).unwrap_or_else(|e| panic!("{}: {e}", path(f).display()));
        let mut model = load(suite.file, reference);
        println!("\n## {}\n\n{}\n", suite.name, model.describe());
        let mut variants: Vec<Model> = grid.iter().filter(|s| **s != reference).map(|s| load(suite.file, *s)).collect();
        let mut perturbed = WEIGHT_NOISE.map(|(label, rel)| (label, load(&format!("{}.w{rel}", suite.file), reference)));
        let mut other = suite.other.map(|f| load(f, reference));

        // Run every model once per input; everything below reuses these outputs.
        let view = |t: &TensorData| -> (Vec<usize>, Vec<f32>) {
            let shape = if suite.single_channel_map { vec![t.shape[2], t.shape[3], 1] } else { t.shape.clone() };
            (shape, t.as_f32().expect("float output").to_vec())
        };
        let mut refs = Vec::new();
        let mut var_outs = Vec::new();
        let mut pert_outs = Vec::new();
        let mut other_outs = Vec::new();
        let mut infer_secs = 0.0;
        // The first run allocates and plans; it is not counted as inference time.
        model.run(&[(suite.input)(999)]).expect("warm-up run");
        for i in 0..args.inputs {
            let x = [(suite.input)(1000 + i)];
            let t = Instant::now();
            let out = model.run(&x).expect("reference run");
            infer_secs += t.elapsed().as_secs_f64();
            refs.push(view(&out[0]));
            var_outs.push(variants.iter_mut().map(|m| view(&m.run(&x).unwrap()[0]).1).collect::<Vec<_>>());
            pert_outs.push(perturbed.iter_mut().map(|(_, m)| view(&m.run(&x).unwrap()[0]).1).collect::<Vec<_>>());
            other_outs.push(other.as_mut().map(|m| view(&m.run(&x).unwrap()[0])));
        }
        let infer_mean = infer_secs / args.inputs as f64;
        let out_bytes = refs[0].1.len() * 4;

        let cands = candidates(&suite);
        let mut tallies: Vec<Tally> = cands.iter().map(|_| Tally::default()).collect();
        let check_shape: Vec<i64> = refs[0].0.iter().map(|d| *d as i64).collect();
        let check = if suite.single_channel_map {
            OutputCheck::with_decision(triad_verifier::Decision::Threshold { at_micros: 300_000 })
        } else {
            default_check(DType::F32, &check_shape)
        };
        println!("output check: {check:?}\n");
        // Every disturbed output is made once and fingerprinted under every
        // candidate, so the candidates are compared on identical data.
        for i in 0..refs.len() {
            let (shape, r) = &refs[i];
            let key = key_of(i);
            let rfs: Vec<Fingerprint> = cands.iter().map(|(_, p)| fp(p, &key, shape, r)).collect();
            let mut rng = StdRng::seed_from_u64(i as u64 * 7919);

            for v in &var_outs[i] {
                for ((_, params), (t, rf)) in cands.iter().zip(tallies.iter_mut().zip(&rfs)) {
                    let d = distance(rf, &fp(params, &key, shape, v));
                    t.max_real = t.max_real.max(d);
                    t.honest_real.add(d > params.tolerance as u32);
                    t.check_reject.add(vote(&check, shape, v, shape, r) == Vote::Mismatch);
                    t.max_check_diff = t.max_check_diff.max(max_rel_diff(r, v));
                }
            }
            // Honest verifiers: the noisiest honest level, output and fingerprint.
            let mut pools: Vec<Vec<(Vec<f32>, Fingerprint)>> = cands.iter().map(|_| Vec::new()).collect();
            for (l, rel) in NOISE.iter().enumerate() {
                for _ in 0..args.noise_seeds {
                    let noisy = data::jitter(r, *rel, &mut rng);
                    let mismatch = vote(&check, shape, &noisy, shape, r) == Vote::Mismatch;
                    let diff = max_rel_diff(r, &noisy);
                    for (ci, (_, params)) in cands.iter().enumerate() {
                        let f = fp(params, &key, shape, &noisy);
                        let d = distance(&rfs[ci], &f);
                        let t = &mut tallies[ci];
                        t.max_noise[l] = t.max_noise[l].max(d);
                        t.honest_noise[l].add(d > params.tolerance as u32);
                        t.check_reject.add(mismatch);
                        t.max_check_diff = t.max_check_diff.max(diff);
                        if l == 2 && pools[ci].len() < 30 {
                            pools[ci].push((noisy.clone(), f));
                        }
                    }
                }
            }
            // A task: the executor's output `e` (and its fingerprint), three
            // honest verifiers; both verdicts.
            let decide = |params: &LshParams,
                          pool: &[(Vec<f32>, Fingerprint)],
                          k: usize,
                          eshape: &[usize],
                          e: &[f32],
                          ef: &Fingerprint| {
                let m = pool.len();
                let vs = [&pool[k % m], &pool[(k + 1) % m], &pool[(k + 2) % m]];
                let lsh = majority(Some(ef), vs.map(|(_, f)| Some((f, Vote::Match))), params).outcome;
                let votes = vs.map(|(o, _)| vote(&check, shape, e, eshape, o));
                let checked = majority(Some(ef), [0, 1, 2].map(|j| Some((&vs[j].1, votes[j]))), params).outcome;
                (lsh, checked)
            };
            for (k, v) in var_outs[i].iter().enumerate() {
                for (ci, (_, params)) in cands.iter().enumerate() {
                    let e = fp(params, &key, shape, v);
                    let (lsh, checked) = decide(params, &pools[ci], 3 * k, shape, v, &e);
                    tallies[ci].task_reject.add(lsh != Outcome::Accepted);
                    tallies[ci].task_reject_checked.add(checked != Outcome::Accepted);
                }
            }

            let noise = OutputCheck::DEFAULT_TOLERANCE_PPM as f64 * 1e-6;
            for (k, (label, wshape, w)) in
                wrong_outputs(&suite, &refs, i, &pert_outs[i], &other_outs[i], args.random_seeds, &mut rng).iter().enumerate()
            {
                // Wrong means beyond the noise: a different shape, or some
                // element further from the right one than the tolerance.
                let material = wshape != shape || max_rel_diff(r, w) > noise;
                for (ci, (_, params)) in cands.iter().enumerate() {
                    let entry = tallies[ci].wrong.entry(label).or_insert((Rate::default(), Rate::default(), u32::MAX, 0));
                    if !material {
                        entry.3 += 1;
                        continue;
                    }
                    let f = fp(params, &key, wshape, w);
                    entry.0.add(agrees(&rfs[ci], &f, params));
                    let (lsh, checked) = decide(params, &pools[ci], k, wshape, w, &f);
                    entry.1.add(lsh == Outcome::Accepted);
                    entry.2 = entry.2.min(distance(&rfs[ci], &f));
                    tallies[ci].wrong_checked.entry(label).or_default().add(checked == Outcome::Accepted);
                }
            }
        }

        println!("| parameters | honest pairs rejected | max distance: settings / 1e-6 / 1e-5 / 2e-5 | honest tasks rejected | wrong pairs accepted | min wrong distance | wrong tasks accepted (3 verifiers) |");
        println!("|---|---|---|---|---|---|---|");
        for ((label, _), t) in cands.iter().zip(&tallies) {
            let (pair, three, min) = t.wrong_total();
            let min = if min == u32::MAX { "incomparable".to_string() } else { min.to_string() };
            println!(
                "| {label} | {} | {} / {} / {} / {} | {} | {} | {} | {} |",
                t.honest_total().show(),
                t.max_real,
                t.max_noise[0],
                t.max_noise[1],
                t.max_noise[2],
                t.task_reject.show(),
                pair.show(),
                min,
                three.show()
            );
            let s = summary.entry(label.clone()).or_default();
            let h = t.honest_total();
            s.0.k += h.k;
            s.0.n += h.n;
            s.1.k += t.task_reject.k;
            s.1.n += t.task_reject.n;
            s.2.k += pair.k;
            s.2.n += pair.n;
            s.3.k += three.k;
            s.3.n += three.n;
        }
        for (ci, (label, _)) in cands.iter().enumerate().filter(|(_, (l, _))| l.contains("(default")) {
            let t = &tallies[ci];
            println!(
                "\nUnder {label} and the output check: honest pairs the check rejects {}, largest honest difference {:.2e} of the scale; honest tasks rejected {}.",
                t.check_reject.show(), t.max_check_diff, t.task_reject_checked.show()
            );
            println!("\nWrong outputs under {label}:\n");
            println!("| case | accepted (pair, LSH) | accepted (3 verifiers, LSH) | accepted (3 verifiers, LSH + check) | min distance | within the noise (not counted) |");
            println!("|---|---|---|---|---|---|");
            for (case, (p, th, m, imm)) in &t.wrong {
                let m = if *m == u32::MAX { "incomparable".to_string() } else { m.to_string() };
                let checked = t.wrong_checked.get(case).map(|r| r.show()).unwrap_or_else(|| "-".into());
                println!("| {case} | {} | {} | {checked} | {m} | {imm} |", p.show(), th.show());
            }
            let s = checked_summary.entry(label.clone()).or_default();
            s.0.k += t.check_reject.k;
            s.0.n += t.check_reject.n;
            s.1.k += t.task_reject_checked.k;
            s.1.n += t.task_reject_checked.n;
            for r in t.wrong_checked.values() {
                s.2.k += r.k;
                s.2.n += r.n;
            }
            s.3 = s.3.max(t.max_check_diff);
        }
        let default = 0;

        // Throughput of the default fingerprint on this model's output.
        let params = &cands[default].1;
        let (shape, r) = &refs[0];
        let reps = 50;
        let t = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(fp(params, &key_of(0), shape, std::hint::black_box(r)));
        }
        let fp_secs = t.elapsed().as_secs_f64() / reps as f64;
        throughput.push((suite.name, out_bytes, fp_secs, infer_mean));
    }

    println!("\n## All models\n");
    println!("| parameters | honest pairs rejected | honest tasks rejected | wrong pairs accepted | wrong tasks accepted (3 verifiers) |");
    println!("|---|---|---|---|---|");
    for (label, (h, task, pair, three)) in &summary {
        println!("| {label} | {} | {} | {} | {} |", h.show(), task.show(), pair.show(), three.show());
    }
    println!("\n## The protocol: default fingerprint and output check, all models\n");
    println!("| parameters | honest pairs the check rejects | largest honest difference (of the scale) | honest tasks rejected | wrong tasks accepted |");
    println!("|---|---|---|---|---|");
    for (label, (pairs, tasks, wrong, max)) in &checked_summary {
        println!("| {label} | {} | {max:.2e} | {} | {} |", pairs.show(), tasks.show(), wrong.show());
    }
    println!("\n## Fingerprint cost (default parameters)\n");
    println!("| model | output bytes | fingerprint | throughput | inference (1 thread) | fingerprint / inference |");
    println!("|---|---|---|---|---|---|");
    for (name, bytes, fp_secs, infer) in throughput {
        println!(
            "| {name} | {bytes} | {:.1} us | {:.0} MB/s | {:.2} ms | {:.3}% |",
            fp_secs * 1e6,
            bytes as f64 / fp_secs / 1e6,
            infer * 1e3,
            100.0 * fp_secs / infer
        );
    }
}
