//! Calibration harness for `triad-verifier` (a bench binary; `scripts/calibrate.sh`
//! prepares the models and runs it).
//!
//! For every model it runs real ONNX Runtime inference under the reference
//! settings (1 thread, all graph optimizations) and under eight other
//! thread/optimization settings, and adds relative noise of 1e-6, 1e-5 and 1e-4
//! to emulate other hardware. Those are the **honest** outputs: any pair that
//! disagrees is a false reject. It then builds **wrong** outputs: another input,
//! the model with perturbed weights, another model, random and shuffled outputs,
//! zeroed, half-zeroed, scaled and truncated outputs, and a minimal shift that changes
//! the top-1 class. Any that agrees with the reference is a false accept. A
//! wrong output closer than 1% (relative L2) to the right one, with the same
//! top-1 class, is not a meaningful wrong answer; those are counted apart.
//!
//! Every candidate parameter set is measured on the same outputs in one run,
//! so the tables compare them side by side.

mod data;
mod stats;

use std::{collections::BTreeMap, path::PathBuf, time::Instant};

use clap::Parser;
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use stats::Rate;
use triad_inference::{Model, Optimization, Settings, TensorData};
use triad_verifier::{agrees, distance, fingerprint, majority, Family, Fingerprint, LshParams, Outcome, Quantization, Tensor};

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

const NOISE: [f64; 3] = [1e-6, 1e-5, 1e-4];
const MATERIAL: f64 = 1e-2;
/// Weight perturbations; `scripts/calibrate.sh` writes `<model>.w<rel>.onnx`.
const WEIGHT_NOISE: [(&str, &str); 2] = [("weights x(1+1e-2 N)", "1e-2"), ("weights x(1+1e-1 N)", "1e-1")];

fn suites() -> Vec<Suite> {
    vec![
        Suite { name: "mlp classifier (generated)", file: "mlp_classifier", other: Some("mlp_classifier_other"),
            input: |s| data::features(s, 64), classifier: true, image: false, single_channel_map: false },
        Suite { name: "conv image filter (generated)", file: "conv_filter", other: Some("conv_filter_other"),
            input: |s| data::photo(s, 64, 64), classifier: false, image: true, single_channel_map: false },
        Suite { name: "PP-OCR mobile v2 text direction (pre-trained)", file: "ppocr_cls", other: None,
            input: |s| data::text_lines(s, 48, 192, 1, 0.5, 0.5), classifier: true, image: false, single_channel_map: false },
        Suite { name: "PP-OCRv4 recognition (pre-trained)", file: "ppocr_rec", other: None,
            input: |s| data::text_lines(s, 48, 192, 1, 0.5, 0.5), classifier: true, image: false, single_channel_map: false },
        Suite { name: "PP-OCRv4 detection (pre-trained)", file: "ppocr_det", other: None,
            input: |s| data::text_lines(s, 96, 160, 3, 0.45, 0.226), classifier: false, image: true, single_channel_map: true },
    ]
}

const SEED: u64 = 0x7121_ad00;

/// The parameter sets compared side by side. The first is the crate's preset
/// (`LshParams::projection` / `classifier`), the one the tables call default.
fn candidates(suite: &Suite) -> Vec<(String, LshParams)> {
    let preset = if suite.classifier { LshParams::classifier(SEED, 1) } else { LshParams::projection(SEED) };
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
        (_, Quantization::Lattice { cells_log2, symbol_bits }) => format!(
            "lattice {} cells/sd x {symbol_bits} bits + norm, t={}",
            1u32 << cells_log2,
            p.tolerance
        ),
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

fn fp(params: &LshParams, shape: &[usize], data: &[f32]) -> Fingerprint {
    fingerprint(params, &Tensor::F32 { shape, data }).expect("model outputs are finite and well-shaped")
}

fn top1_rows(shape: &[usize], v: &[f32]) -> Vec<usize> {
    v.chunks(*shape.last().unwrap()).map(|r| data::top2(r).0).collect()
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
    if suite.classifier {
        let row = *shape.last().unwrap();
        let (a, b) = data::top2(&r[..row]);
        let mut flipped = r.clone();
        flipped[b] = r[a] + r[a].abs().max(1e-6) * 1e-6;
        wrong.push(("top-1 flipped by a minimal shift", shape.clone(), flipped));
    }
    wrong
}

fn main() {
    let args = Args::parse();
    let grid: Vec<Settings> = [1, 2, 4]
        .into_iter()
        .flat_map(|t| [Optimization::Disable, Optimization::Basic, Optimization::All].map(move |o| Settings { intra_threads: t, optimization: o }))
        .collect();
    let reference = Settings { intra_threads: 1, optimization: Optimization::All };
    let mut summary: BTreeMap<String, (Rate, Rate, Rate, Rate)> = BTreeMap::new();
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
        // Every disturbed output is made once and fingerprinted under every
        // candidate, so the candidates are compared on identical data.
        for i in 0..refs.len() {
            let (shape, r) = &refs[i];
            let rfs: Vec<Fingerprint> = cands.iter().map(|(_, p)| fp(p, shape, r)).collect();
            let mut rng = StdRng::seed_from_u64(i as u64 * 7919);

            for v in &var_outs[i] {
                for ((_, params), (t, rf)) in cands.iter().zip(tallies.iter_mut().zip(&rfs)) {
                    let d = distance(rf, &fp(params, shape, v));
                    t.max_real = t.max_real.max(d);
                    t.honest_real.add(d > params.tolerance as u32);
                }
            }
            let mut pools: Vec<Vec<Fingerprint>> = cands.iter().map(|_| Vec::new()).collect();
            for (l, rel) in NOISE.iter().enumerate() {
                for _ in 0..args.noise_seeds {
                    let noisy = data::jitter(r, *rel, &mut rng);
                    for (ci, (_, params)) in cands.iter().enumerate() {
                        let f = fp(params, shape, &noisy);
                        let d = distance(&rfs[ci], &f);
                        let t = &mut tallies[ci];
                        t.max_noise[l] = t.max_noise[l].max(d);
                        t.honest_noise[l].add(d > params.tolerance as u32);
                        if l == 2 && pools[ci].len() < 30 {
                            pools[ci].push(f);
                        }
                    }
                }
            }
            // Honest verifiers are drawn from the noisiest honest level.
            let verifiers = |pool: &[Fingerprint], k: usize| {
                let m = pool.len();
                [pool[k % m], pool[(k + 1) % m], pool[(k + 2) % m]]
            };
            for (k, v) in var_outs[i].iter().enumerate() {
                for (ci, (_, params)) in cands.iter().enumerate() {
                    let e = fp(params, shape, v);
                    let vs = verifiers(&pools[ci], 3 * k);
                    let verdict = majority(Some(&e), [Some(&vs[0]), Some(&vs[1]), Some(&vs[2])], params);
                    tallies[ci].task_reject.add(verdict.outcome != Outcome::Accepted);
                }
            }

            for (k, (label, wshape, w)) in wrong_outputs(&suite, &refs, i, &pert_outs[i], &other_outs[i], args.random_seeds, &mut rng)
                .iter()
                .enumerate()
            {
                let material = wshape != shape || data::rel_l2(r, w) >= MATERIAL ||
                    (suite.classifier && top1_rows(shape, r) != top1_rows(wshape, w));
                for (ci, (_, params)) in cands.iter().enumerate() {
                    let entry = tallies[ci].wrong.entry(label).or_insert((Rate::default(), Rate::default(), u32::MAX, 0));
                    if !material {
                        entry.3 += 1;
                        continue;
                    }
                    let f = fp(params, wshape, w);
                    let vs = verifiers(&pools[ci], k);
                    entry.0.add(agrees(&rfs[ci], &f, params));
                    let verdict = majority(Some(&f), [Some(&vs[0]), Some(&vs[1]), Some(&vs[2])], params);
                    entry.1.add(verdict.outcome == Outcome::Accepted);
                    entry.2 = entry.2.min(distance(&rfs[ci], &f));
                }
            }
        }

        println!("| parameters | honest pairs rejected | max distance: settings / 1e-6 / 1e-5 / 1e-4 | honest tasks rejected | wrong pairs accepted | min wrong distance | wrong tasks accepted (3 verifiers) |");
        println!("|---|---|---|---|---|---|---|");
        for ((label, _), t) in cands.iter().zip(&tallies) {
            let (pair, three, min) = t.wrong_total();
            let min = if min == u32::MAX { "incomparable".to_string() } else { min.to_string() };
            println!(
                "| {label} | {} | {} / {} / {} / {} | {} | {} | {} | {} |",
                t.honest_total().show(), t.max_real, t.max_noise[0], t.max_noise[1], t.max_noise[2],
                t.task_reject.show(), pair.show(), min, three.show()
            );
            let s = summary.entry(label.clone()).or_default();
            let h = t.honest_total();
            s.0.k += h.k; s.0.n += h.n;
            s.1.k += t.task_reject.k; s.1.n += t.task_reject.n;
            s.2.k += pair.k; s.2.n += pair.n;
            s.3.k += three.k; s.3.n += three.n;
        }
        for (ci, (label, _)) in cands.iter().enumerate().filter(|(_, (l, _))| l.contains("(default")) {
            println!("\nWrong outputs under {label}:\n");
            println!("| case | accepted (pair) | accepted (3 verifiers) | min distance | within 1% of the right output (not counted) |");
            println!("|---|---|---|---|---|");
            for (case, (p, t, m, imm)) in &tallies[ci].wrong {
                let m = if *m == u32::MAX { "incomparable".to_string() } else { m.to_string() };
                println!("| {case} | {} | {} | {m} | {imm} |", p.show(), t.show());
            }
        }
        let default = 0;

        // Throughput of the default fingerprint on this model's output.
        let params = &cands[default].1;
        let (shape, r) = &refs[0];
        let reps = 50;
        let t = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(fp(params, shape, std::hint::black_box(r)));
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
    println!("\n## Fingerprint cost (default parameters)\n");
    println!("| model | output bytes | fingerprint | throughput | inference (1 thread) | fingerprint / inference |");
    println!("|---|---|---|---|---|---|");
    for (name, bytes, fp_secs, infer) in throughput {
        println!(
            "| {name} | {bytes} | {:.1} us | {:.0} MB/s | {:.2} ms | {:.3}% |",
            fp_secs * 1e6, bytes as f64 / fp_secs / 1e6, infer * 1e3, 100.0 * fp_secs / infer
        );
    }
}
