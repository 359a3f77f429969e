//! Benchmarks of the calls and of the work `on_initialize` and `on_idle` do,
//! each in its worst case: the largest input and output, the draw over the
//! most workers a model can list, and settlements that slash every seat.
//!
//! Benchmarks cannot rely on block randomness (a benchmark block carries no
//! VRF output), so the draw is measured from a fixed seed; reading the
//! randomness is one storage read more.

use super::*;
use crate::draw::pool;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use polkadot_sdk::frame_benchmarking;
use sp_runtime::traits::{Bounded, Saturating};
use triad_primitives::{Fingerprint, LshParams, FINGERPRINT_BYTES};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
    let who: T::AccountId = account(name, index, 0);
    T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1024u32.into());
    who
}

fn bond<T: Config>() -> BalanceOf<T> {
    T::StakePerSeat::get().saturating_mul(1_000u32.into())
}

/// A model with `workers` qualified workers serving it.
fn model_with_workers<T: Config>(workers: u32) -> ModelId {
    let model = T::Models::register_for_benchmarks(0);
    for i in 0..workers {
        T::Workers::register_for_benchmarks(&account("worker", i, 0), model, bond::<T>(), true);
    }
    model
}

fn fp_with(params: &LshParams, fill: u8) -> Fingerprint {
    Fingerprint { family: params.family, version: params.version, bits: [fill; FINGERPRINT_BYTES], decision: [0; 32] }
}

fn submitted<T: Config>(model: ModelId) -> (TaskId, T::AccountId) {
    let client = funded::<T>("client", 0);
    let deadline = frame_system::Pallet::<T>::block_number().saturating_add(T::MaxDeadline::get());
    let fee = T::Models::price_floor(model).unwrap_or_default().saturating_add(1u32.into());
    Pallet::<T>::submit_task(RawOrigin::Signed(client.clone()).into(), model, InputArg::Inline(alloc::vec![1; 16]), fee, Mode::Lsh, deadline)
        .expect("a valid task is accepted");
    (NextTaskId::<T>::get() - 1, client)
}

/// A task assigned among `workers` workers, in its commit phase.
fn assigned<T: Config>(workers: u32) -> (TaskId, [T::AccountId; 4]) {
    let model = model_with_workers::<T>(workers);
    let (task, _) = submitted::<T>(model);
    let now = frame_system::Pallet::<T>::block_number().saturating_add(DRAW_DELAY.into());
    frame_system::Pallet::<T>::set_block_number(now);
    let mut info = Tasks::<T>::get(task).expect("submitted");
    let mut candidates = pool::<T>(model);
    assert!(Pallet::<T>::assign_with_seed(task, &mut info, &mut candidates, now, alloc::vec![7]), "enough workers");
    Tasks::<T>::insert(task, info);
    Queue::<T>::kill();
    (task, seats::<T>(task))
}

fn seats<T: Config>(task: TaskId) -> [T::AccountId; 4] {
    Tasks::<T>::get(task).expect("exists").attempts.last().expect("assigned").seats.clone().map(|s| s.who)
}

fn commit_seat<T: Config>(task: TaskId, who: &T::AccountId, fp: &Fingerprint, output: Option<&[u8]>) {
    let c = reveal_commitment(fp, &[1; 32], who, task);
    let hash = output.map(|o| *blake3::hash(o).as_bytes());
    Pallet::<T>::commit(RawOrigin::Signed(who.clone()).into(), task, c, hash).expect("a seat commits");
}

/// All four seats commit to `fp`, which opens the reveal phase.
fn commit_all<T: Config>(task: TaskId, who: &[T::AccountId; 4], fp: &Fingerprint) {
    commit_seat::<T>(task, &who[0], fp, Some(&[1]));
    for v in &who[1..] {
        commit_seat::<T>(task, v, fp, None);
    }
}

fn params<T: Config>(task: TaskId) -> LshParams {
    T::Models::lsh_params(Tasks::<T>::get(task).expect("exists").model).expect("registered")
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn submit_task(i: Linear<1, { T::MaxInlineInput::get() }>) {
        let model = T::Models::register_for_benchmarks(0);
        let client = funded::<T>("client", 0);
        let deadline = frame_system::Pallet::<T>::block_number().saturating_add(T::MaxDeadline::get());
        let fee = T::Models::price_floor(model).unwrap_or_default();
        let input = InputArg::Inline(alloc::vec![1; i as usize]);

        #[extrinsic_call]
        _(RawOrigin::Signed(client), model, input, fee, Mode::Lsh, deadline);

        assert_eq!(Queue::<T>::get().len(), 1);
    }

    #[benchmark]
    fn cancel_task() {
        let model = T::Models::register_for_benchmarks(0);
        let (task, client) = submitted::<T>(model);

        #[extrinsic_call]
        _(RawOrigin::Signed(client), task);

        assert!(matches!(Tasks::<T>::get(task).expect("kept").phase, Phase::Done { .. }));
    }

    /// The last commitment, which opens the reveal phase.
    #[benchmark]
    fn commit() {
        let (task, who) = assigned::<T>(4);
        let fp = fp_with(&params::<T>(task), 0);
        commit_seat::<T>(task, &who[0], &fp, Some(&[1]));
        commit_seat::<T>(task, &who[1], &fp, None);
        commit_seat::<T>(task, &who[2], &fp, None);
        let c = reveal_commitment(&fp, &[1; 32], &who[3], task);

        #[extrinsic_call]
        _(RawOrigin::Signed(who[3].clone()), task, c, None);

        assert!(matches!(Tasks::<T>::get(task).expect("open").phase, Phase::Reveal { .. }));
    }

    /// The executor's last reveal with an `o`-byte output, rejected by the
    /// three verifiers: three bounties, a slash, four scores and a re-run.
    #[benchmark]
    fn reveal(o: Linear<0, { T::MaxInlineOutput::get() }>) {
        let (task, who) = assigned::<T>(4);
        let p = params::<T>(task);
        let (truth, lie) = (fp_with(&p, 0), fp_with(&p, 0xFF));
        let output = alloc::vec![3u8; o as usize];
        commit_seat::<T>(task, &who[0], &lie, Some(&output));
        for v in &who[1..] {
            commit_seat::<T>(task, v, &truth, None);
        }
        for v in &who[1..] {
            Pallet::<T>::reveal(RawOrigin::Signed(v.clone()).into(), task, truth, [1; 32], None).expect("opens");
        }
        let posted = (o > 0).then_some(output);

        #[extrinsic_call]
        _(RawOrigin::Signed(who[0].clone()), task, lie, [1; 32], posted);

        let info = Tasks::<T>::get(task).expect("kept");
        assert_eq!(info.attempts[0].verdict.map(|v| v.outcome), Some(triad_verifier::Outcome::Rejected));
    }

    /// A reveal that does not settle: the first verifier's.
    #[benchmark]
    fn reveal_unsettled() {
        let (task, who) = assigned::<T>(4);
        let fp = fp_with(&params::<T>(task), 0);
        commit_all::<T>(task, &who, &fp);

        #[block]
        {
            Pallet::<T>::reveal(RawOrigin::Signed(who[1].clone()).into(), task, fp, [1; 32], None).expect("opens");
        }

        let info = Tasks::<T>::get(task).expect("open");
        assert!(info.attempts[0].seats[1].reveal.is_some() && matches!(info.phase, Phase::Reveal { .. }));
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
        let (task, _) = submitted::<T>(model);
        let now = frame_system::Pallet::<T>::block_number();

        #[block]
        {
            let mut info = Tasks::<T>::get(task).expect("submitted");
            let mut candidates = pool::<T>(model);
            assert!(Pallet::<T>::assign_with_seed(task, &mut info, &mut candidates, now, alloc::vec![7]));
            Tasks::<T>::insert(task, info);
        }

        assert!(matches!(Tasks::<T>::get(task).expect("kept").phase, Phase::Commit { .. }));
    }

    /// A reveal deadline where every seat committed and none revealed: four
    /// no-show slashes and scores, then a re-run.
    #[benchmark]
    fn expire() {
        let (task, who) = assigned::<T>(4);
        let fp = fp_with(&params::<T>(task), 0);
        commit_all::<T>(task, &who, &fp);
        let Phase::Reveal { until } = Tasks::<T>::get(task).expect("open").phase else { panic!("revealing") };
        frame_system::Pallet::<T>::set_block_number(until);

        #[block]
        {
            Pallet::<T>::process_timers(until);
        }

        assert_eq!(Tasks::<T>::get(task).expect("kept").phase, Phase::Queued);
    }

    /// A queued task that can no longer fit an attempt, refunded.
    #[benchmark]
    fn refund_unassigned() {
        let model = T::Models::register_for_benchmarks(0);
        let (task, _) = submitted::<T>(model);
        let deadline = Tasks::<T>::get(task).expect("queued").deadline;
        frame_system::Pallet::<T>::set_block_number(deadline);

        #[block]
        {
            Pallet::<T>::process_queue(deadline);
        }

        assert!(matches!(Tasks::<T>::get(task).expect("kept").phase, Phase::Done { .. }));
    }

    /// Removing one finished task with the largest input and output.
    #[benchmark]
    fn prune_task() {
        let model = T::Models::register_for_benchmarks(0);
        let client = funded::<T>("client", 0);
        let now = frame_system::Pallet::<T>::block_number();
        let input = InputArg::Inline(alloc::vec![1; T::MaxInlineInput::get() as usize]);
        let fee = T::Models::price_floor(model).unwrap_or_default();
        Pallet::<T>::submit_task(RawOrigin::Signed(client.clone()).into(), model, input, fee, Mode::Lsh, now.saturating_add(T::MaxDeadline::get()))
            .expect("accepted");
        let task = NextTaskId::<T>::get() - 1;
        Outputs::<T>::insert(task, BoundedVec::truncate_from(alloc::vec![2; T::MaxInlineOutput::get() as usize]));
        Pallet::<T>::cancel_task(RawOrigin::Signed(client).into(), task).expect("queued");
        let later: BlockNumberFor<T> = now.saturating_add(T::RetentionPeriod::get());

        #[block]
        {
            Pallet::<T>::prune(later, Weight::MAX);
        }

        assert!(!Tasks::<T>::contains_key(task));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

use frame_support::weights::Weight;
