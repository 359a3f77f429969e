//! Benchmarks of the calls and of the work `on_initialize` and `on_idle` do,
//! each in its worst case: the largest input and output, the draw over the
//! most workers a model can list, and settlements that slash and pay
//! bounties and re-run the task.
//!
//! Benchmarks cannot rely on block randomness (a benchmark block carries no
//! VRF output), so the draw is measured from a fixed seed and the attempt
//! key is set directly; reading the randomness is one storage read more.
//!
//! The benchmark model (`ModelRegistry::register_for_benchmarks`) takes one
//! input `x` of shape `[-1, 4]` and returns `y` of the same shape, both FP32.

use super::*;
use crate::draw::pool;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use polkadot_sdk::frame_benchmarking;
use sp_runtime::traits::{Bounded, Saturating};
use triad_primitives::Fingerprint;
use triad_verifier::{wire, Data, TensorData};

const KEY: AttemptKey = [7; 32];
const SALT: Hash32 = [1; 32];

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
    let who: T::AccountId = account(name, index, 0);
    T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1024u32.into());
    who
}

fn bond<T: Config>() -> BalanceOf<T> {
    T::StakePerSeat::get().saturating_mul(1_000u32.into())
}

/// An encoded `[rows, 4]` tensor of at most about `bytes` bytes, one row at least.
fn tensor(name: &str, bytes: u32, fill: f32) -> alloc::vec::Vec<u8> {
    let rows = (bytes.saturating_sub(40) / 16).max(1) as usize;
    let data = (0..rows * 4).map(|i| fill + i as f32 * 0.25).collect();
    wire::encode(&[wire::NamedTensor { name: name.into(), tensor: TensorData::f32(alloc::vec![rows, 4], data) }])
}

/// A model with `workers` qualified workers serving it.
fn model_with_workers<T: Config>(workers: u32) -> ModelId {
    let model = T::Models::register_for_benchmarks(0);
    for i in 0..workers {
        T::Workers::register_for_benchmarks(&account("worker", i, 0), model, bond::<T>(), true);
    }
    model
}

fn submitted<T: Config>(model: ModelId, input_bytes: u32) -> (TaskId, T::AccountId) {
    let client = funded::<T>("client", 0);
    let deadline = frame_system::Pallet::<T>::block_number().saturating_add(T::MaxDeadline::get());
    let fee = T::Models::price_floor(model).unwrap_or_default().saturating_add(1u32.into());
    let input = InputArg::Inline(tensor("x", input_bytes, 1.0));
    Pallet::<T>::submit_task(RawOrigin::Signed(client.clone()).into(), model, input, fee, Mode::Lsh, deadline)
        .expect("a valid task is accepted");
    (NextTaskId::<T>::get() - 1, client)
}

/// A task assigned among `workers` workers, in its execute phase.
fn assigned<T: Config>(workers: u32) -> (TaskId, Vec<T::AccountId>) {
    let model = model_with_workers::<T>(workers);
    let (task, _) = submitted::<T>(model, 64);
    let now = frame_system::Pallet::<T>::block_number().saturating_add(DRAW_DELAY.into());
    frame_system::Pallet::<T>::set_block_number(now);
    let mut info = Tasks::<T>::get(task).expect("submitted");
    let mut candidates = pool::<T>(model, T::Workers::workers_for(model), None);
    assert!(Pallet::<T>::assign_with_seed(task, &mut info, &mut candidates, now, alloc::vec![7]), "enough workers");
    Tasks::<T>::insert(task, info);
    Queue::<T>::kill();
    (task, seats::<T>(task))
}

fn seats<T: Config>(task: TaskId) -> Vec<T::AccountId> {
    Tasks::<T>::get(task).expect("exists").attempts.last().expect("assigned").seats.iter().map(|s| s.who.clone()).collect()
}

fn now<T: Config>() -> BlockNumberFor<T> {
    frame_system::Pallet::<T>::block_number()
}

/// The executor commits to `output`; the key is set as the check phase opens.
fn keyed<T: Config>(task: TaskId, who: &[T::AccountId], output: &[u8]) {
    let c = answer_commitment(&Answer::Output(output).digest(), &SALT, &who[0], task);
    Pallet::<T>::commit_answer(RawOrigin::Signed(who[0].clone()).into(), task, c).expect("the executor commits");
    Tasks::<T>::mutate(task, |t| {
        let t = t.as_mut().expect("exists");
        t.attempts.last_mut().expect("assigned").key = Some(KEY);
        let until = now::<T>().saturating_add(T::CheckPeriod::get());
        t.phase = Phase::Check { until };
        Pallet::<T>::push_timer(TimerKind::Check, (task, until));
    });
}

fn fp_of<T: Config>(task: TaskId, output: &[u8]) -> Fingerprint {
    let params = T::Models::lsh_params(Tasks::<T>::get(task).expect("exists").model).expect("registered");
    Pallet::<T>::fingerprint_output(&params, &KEY, output).expect("a valid output")
}

fn commit_fp<T: Config>(task: TaskId, who: &T::AccountId, fp: &Fingerprint) {
    let c = reveal_commitment(fp, &SALT, who, task);
    Pallet::<T>::commit_fingerprint(RawOrigin::Signed(who.clone()).into(), task, c).expect("a verifier commits");
}

/// The executor posts `lie`, the verifiers computed `truth`; all committed,
/// the executor revealed, and the vote is open.
fn voting<T: Config>(truth: &[u8], lie: &[u8]) -> (TaskId, Vec<T::AccountId>, Fingerprint) {
    let (task, who) = assigned::<T>(4);
    keyed::<T>(task, &who, lie);
    let fp = fp_of::<T>(task, truth);
    for v in &who[1..] {
        commit_fp::<T>(task, v, &fp);
    }
    Pallet::<T>::reveal_answer(RawOrigin::Signed(who[0].clone()).into(), task, AnswerArg::Output(lie.to_vec()), SALT)
        .expect("opens");
    (task, who, fp)
}

/// A proved task on the registry's largest provable model (an input the
/// size of `MaxProofInput`, a key as large as keys go), in its execute phase.
fn proving<T: Config>() -> (TaskId, T::AccountId, u32) {
    let (model, pixels, outputs) = T::Models::register_provable_for_benchmarks(T::MaxProofInput::get());
    let who: T::AccountId = account("prover", 0, 0);
    T::Workers::register_for_benchmarks(&who, model, bond::<T>(), true);
    let client = funded::<T>("client", 0);
    let tensor = TensorData { shape: alloc::vec![1, pixels as usize], data: Data::U8(alloc::vec![200; pixels as usize]) };
    let input = wire::encode(&[wire::NamedTensor { name: "pixels".into(), tensor }]);
    assert!(input.len() <= T::MaxProofInput::get() as usize, "the registry fits the input to the bound");
    let fee = T::Models::proof_key(model).expect("registered with a key").price.saturating_add(1u32.into());
    let deadline = now::<T>().saturating_add(T::MaxDeadline::get());
    Pallet::<T>::submit_task(RawOrigin::Signed(client).into(), model, InputArg::Inline(input), fee, Mode::Groth16, deadline)
        .expect("a valid proved task is accepted");
    let task = NextTaskId::<T>::get() - 1;
    let at = now::<T>().saturating_add(DRAW_DELAY.into());
    frame_system::Pallet::<T>::set_block_number(at);
    let mut info = Tasks::<T>::get(task).expect("submitted");
    let mut candidates = pool::<T>(model, T::Workers::workers_for(model), None);
    assert!(Pallet::<T>::assign_with_seed(task, &mut info, &mut candidates, at, alloc::vec![7]), "a prover");
    Tasks::<T>::insert(task, info);
    Queue::<T>::kill();
    (task, who, outputs)
}

#[benchmarks]
mod benchmarks {
    use super::*;

    /// The most a proof check costs: the largest input hashed with
    /// Poseidon, an output filling the largest key, and a proof of valid
    /// points that proves nothing, so the whole pairing runs and the
    /// executor is slashed and the task queued again.
    #[benchmark]
    fn submit_proof() {
        let (task, who, outputs) = proving::<T>();
        let values = TensorData { shape: alloc::vec![1, outputs as usize], data: Data::I64(alloc::vec![-3; outputs as usize]) };
        let output = wire::encode(&[wire::NamedTensor { name: "logits".into(), tensor: values }]);
        let proof = triad_zk_verify::generator_proof();

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), task, output, proof);

        let info = Tasks::<T>::get(task).expect("exists");
        assert_eq!(info.phase, Phase::Queued, "refused and queued again");
        assert!(Proofs::<T>::contains_key(task, 0));
    }

    #[benchmark]
    fn submit_task(i: Linear<1, { T::MaxInlineInput::get() }>) {
        let model = T::Models::register_for_benchmarks(0);
        let client = funded::<T>("client", 0);
        let deadline = now::<T>().saturating_add(T::MaxDeadline::get());
        let fee = T::Models::price_floor(model).unwrap_or_default();
        let input = InputArg::Inline(tensor("x", i, 1.0));

        #[extrinsic_call]
        _(RawOrigin::Signed(client), model, input, fee, Mode::Lsh, deadline);

        assert_eq!(Queue::<T>::get().len(), 1);
    }

    #[benchmark]
    fn cancel_task() {
        let model = T::Models::register_for_benchmarks(0);
        let (task, client) = submitted::<T>(model, 64);

        #[extrinsic_call]
        _(RawOrigin::Signed(client), task);

        assert!(matches!(Tasks::<T>::get(task).expect("kept").phase, Phase::Done { .. }));
    }

    #[benchmark]
    fn commit_answer() {
        let (task, who) = assigned::<T>(4);
        let c = answer_commitment(&[3; 32], &SALT, &who[0], task);

        #[extrinsic_call]
        _(RawOrigin::Signed(who[0].clone()), task, c);

        assert!(matches!(Tasks::<T>::get(task).expect("open").phase, Phase::Key { .. }));
    }

    /// The last verifier's commitment, which opens the reveal phase.
    #[benchmark]
    fn commit_fingerprint() {
        let (task, who) = assigned::<T>(4);
        let output = tensor("y", 64, 2.0);
        keyed::<T>(task, &who, &output);
        let fp = fp_of::<T>(task, &output);
        commit_fp::<T>(task, &who[1], &fp);
        commit_fp::<T>(task, &who[2], &fp);
        let c = reveal_commitment(&fp, &SALT, &who[3], task);

        #[extrinsic_call]
        _(RawOrigin::Signed(who[3].clone()), task, c);

        assert!(matches!(Tasks::<T>::get(task).expect("open").phase, Phase::Reveal { .. }));
    }

    /// The executor reveals an `o`-byte output: decoded, fingerprinted and stored.
    #[benchmark]
    fn reveal_answer(o: Linear<0, { T::MaxInlineOutput::get() }>) {
        let (task, who) = assigned::<T>(4);
        let output = tensor("y", o, 2.0);
        keyed::<T>(task, &who, &output);
        let fp = fp_of::<T>(task, &output);
        for v in &who[1..] {
            commit_fp::<T>(task, v, &fp);
        }

        #[extrinsic_call]
        _(RawOrigin::Signed(who[0].clone()), task, AnswerArg::Output(output), SALT);

        assert!(matches!(Tasks::<T>::get(task).expect("open").phase, Phase::Vote { .. }));
    }

    /// The last vote, rejecting the executor: three bounties, a slash, four
    /// standings and a re-run.
    #[benchmark]
    fn reveal_vote() {
        let (truth, lie) = (tensor("y", 64, 2.0), tensor("y", 64, -9.0));
        let (task, who, fp) = voting::<T>(&truth, &lie);
        for v in &who[1..3] {
            Pallet::<T>::reveal_vote(RawOrigin::Signed(v.clone()).into(), task, fp, SALT, Vote::Mismatch).expect("opens");
        }

        #[extrinsic_call]
        _(RawOrigin::Signed(who[3].clone()), task, fp, SALT, Vote::Mismatch);

        let info = Tasks::<T>::get(task).expect("kept");
        assert_eq!(info.attempts[0].verdict.map(|v| v.outcome), Some(triad_verifier::Outcome::Rejected));
    }

    /// A vote that does not settle: the first verifier's.
    #[benchmark]
    fn reveal_vote_unsettled() {
        let truth = tensor("y", 64, 2.0);
        let (task, who, fp) = voting::<T>(&truth, &truth);

        #[block]
        {
            Pallet::<T>::reveal_vote(RawOrigin::Signed(who[1].clone()).into(), task, fp, SALT, Vote::Match).expect("opens");
        }

        let info = Tasks::<T>::get(task).expect("open");
        assert!(info.attempts[0].seats[1].reveal.is_some() && matches!(info.phase, Phase::Vote { .. }));
    }

    #[benchmark]
    fn request_calibration() {
        let model = T::Models::register_for_benchmarks(0);
        let who: T::AccountId = account("newbie", 0, 0);
        T::Workers::register_for_benchmarks(&who, model, bond::<T>(), false);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), model);

        assert!(Calibrations::<T>::contains_key(&who, model));
    }

    #[benchmark]
    fn submit_calibration() {
        let model = T::Models::register_for_benchmarks(0);
        let who: T::AccountId = account("newbie", 0, 0);
        T::Workers::register_for_benchmarks(&who, model, bond::<T>(), false);
        Pallet::<T>::request_calibration(RawOrigin::Signed(who.clone()).into(), model).expect("on probation");
        let case = Calibrations::<T>::get(&who, model).expect("requested").case;
        let answer = T::Models::calibration_expected(model, case).expect("the case exists");

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), model, answer);

        assert!(!Calibrations::<T>::contains_key(&who, model));
    }

    /// One draw among `n` listed workers, read fresh.
    #[benchmark]
    fn assign(n: Linear<4, { T::Workers::max_workers_per_model() }>) {
        let model = model_with_workers::<T>(n);
        let (task, _) = submitted::<T>(model, 64);
        let now = now::<T>();

        #[block]
        {
            let mut info = Tasks::<T>::get(task).expect("submitted");
            let mut candidates = pool::<T>(model, T::Workers::workers_for(model), None);
            assert!(Pallet::<T>::assign_with_seed(task, &mut info, &mut candidates, now, alloc::vec![7]));
            Tasks::<T>::insert(task, info);
        }

        assert!(matches!(Tasks::<T>::get(task).expect("kept").phase, Phase::Execute { .. }));
    }

    /// A due key timer: the key is drawn and the check phase opens (or,
    /// without randomness, the timer moves to the next block).
    #[benchmark]
    fn draw_key() {
        let (task, who) = assigned::<T>(4);
        let c = answer_commitment(&[3; 32], &SALT, &who[0], task);
        Pallet::<T>::commit_answer(RawOrigin::Signed(who[0].clone()).into(), task, c).expect("commits");
        let Phase::Key { at } = Tasks::<T>::get(task).expect("open").phase else { panic!("keying") };
        frame_system::Pallet::<T>::set_block_number(at);

        #[block]
        {
            Pallet::<T>::process_timers(at, Weight::MAX);
        }

        assert!(matches!(Tasks::<T>::get(task).expect("open").phase, Phase::Check { .. } | Phase::Key { .. }));
    }

    /// A vote deadline where two verifiers caught the executor and the third
    /// withheld: two bounties, two slashes, four standings, a re-run.
    #[benchmark]
    fn expire() {
        let (truth, lie) = (tensor("y", 64, 2.0), tensor("y", 64, -9.0));
        let (task, who, fp) = voting::<T>(&truth, &lie);
        for v in &who[1..3] {
            Pallet::<T>::reveal_vote(RawOrigin::Signed(v.clone()).into(), task, fp, SALT, Vote::Mismatch).expect("opens");
        }
        let Phase::Vote { until } = Tasks::<T>::get(task).expect("open").phase else { panic!("voting") };
        frame_system::Pallet::<T>::set_block_number(until);

        #[block]
        {
            Pallet::<T>::process_timers(until, Weight::MAX);
        }

        assert_eq!(Tasks::<T>::get(task).expect("kept").phase, Phase::Queued);
    }

    /// A queued task that can no longer fit an attempt, refunded.
    #[benchmark]
    fn refund_unassigned() {
        let model = T::Models::register_for_benchmarks(0);
        let (task, _) = submitted::<T>(model, 64);
        let deadline = Tasks::<T>::get(task).expect("queued").deadline;
        frame_system::Pallet::<T>::set_block_number(deadline);

        #[block]
        {
            Pallet::<T>::process_queue(deadline, Weight::MAX);
        }

        assert!(matches!(Tasks::<T>::get(task).expect("kept").phase, Phase::Done { .. }));
    }

    /// Removing one finished task with the largest input and an output per
    /// attempt, and returning its deposit.
    #[benchmark]
    fn prune_task() {
        let model = T::Models::register_for_benchmarks(0);
        let (task, client) = submitted::<T>(model, T::MaxInlineInput::get());
        for a in 0..T::MaxAttempts::get() {
            Outputs::<T>::insert(task, a, BoundedVec::truncate_from(alloc::vec![2; T::MaxInlineOutput::get() as usize]));
        }
        Pallet::<T>::cancel_task(RawOrigin::Signed(client).into(), task).expect("queued");
        let later: BlockNumberFor<T> = now::<T>().saturating_add(T::RetentionPeriod::get());

        #[block]
        {
            Pallet::<T>::prune(later, Weight::MAX);
        }

        assert!(!Tasks::<T>::contains_key(task));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

use frame_support::weights::Weight;
