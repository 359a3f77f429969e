//! Weights of `pallet_triad_tasks`, measured by frame-omni-bencher 0.28 (benchmarking CLI 64.0.0) on
//! 2026-12-04 (Intel(R) Xeon(R) Processor) from the benchmarks in `benchmarking.rs`.
//! Regenerate with `scripts/bench-weights.sh`; do not edit by hand.
//!
//! 20 steps, 10 repeats. A weight is the measured base
//! time plus a slope per component, plus the benchmarked storage reads and
//! writes at the database weight of the runtime (`SubstrateWeight`) or of
//! RocksDB (`()`, for tests).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of `pallet_triad_tasks`.
pub trait WeightInfo {
    fn submit_proof() -> Weight;
    fn submit_task(i: u32) -> Weight;
    fn cancel_task() -> Weight;
    fn commit_answer() -> Weight;
    fn commit_fingerprint() -> Weight;
    fn reveal_answer(o: u32) -> Weight;
    fn reveal_vote() -> Weight;
    fn reveal_vote_unsettled() -> Weight;
    fn request_calibration() -> Weight;
    fn submit_calibration() -> Weight;
    fn assign(n: u32) -> Weight;
    fn draw_key() -> Weight;
    fn expire() -> Weight;
    fn refund_unassigned() -> Weight;
    fn prune_task() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:1 w:1)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:1 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Models::Groth16Keys` (r:1 w:0)
    /// Proof: `Models::Groth16Keys` (`max_values`: None, `max_size`: Some(4179), added: 6654, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Inputs` (r:1 w:0)
    /// Proof: `Tasks::Inputs` (`max_values`: None, `max_size`: Some(65557), added: 68032, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Unbonding` (r:1 w:1)
    /// Proof: `Workers::Unbonding` (`max_values`: None, `max_size`: Some(209), added: 2684, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:2 w:2)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Reputation::Standings` (r:1 w:1)
    /// Proof: `Reputation::Standings` (`max_values`: None, `max_size`: Some(84), added: 2559, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Queue` (r:1 w:1)
    /// Proof: `Tasks::Queue` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Outputs` (r:0 w:1)
    /// Proof: `Tasks::Outputs` (`max_values`: None, `max_size`: Some(16416), added: 18891, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Proofs` (r:0 w:1)
    /// Proof: `Tasks::Proofs` (`max_values`: None, `max_size`: Some(156), added: 2631, mode: `MaxEncodedLen`)
    fn submit_proof() -> Weight {
        Weight::from_parts(27_874_276_000, 69_022)
            .saturating_add(T::DbWeight::get().reads(12_u64))
            .saturating_add(T::DbWeight::get().writes(11_u64))
    }
    /// Storage: `Models::Models` (r:1 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::OpenTasks` (r:1 w:1)
    /// Proof: `Tasks::OpenTasks` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::NextTaskId` (r:1 w:1)
    /// Proof: `Tasks::NextTaskId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Queue` (r:1 w:1)
    /// Proof: `Tasks::Queue` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Inputs` (r:0 w:1)
    /// Proof: `Tasks::Inputs` (`max_values`: None, `max_size`: Some(65557), added: 68032, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Tasks` (r:0 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// The range of component `i` is `[1, 65536]`.
    fn submit_task(i: u32) -> Weight {
        Weight::from_parts(99_889_288, 9_679)
            .saturating_add(Weight::from_parts(1_623, 0).saturating_mul(i.into()))
            .saturating_add(T::DbWeight::get().reads(6_u64))
            .saturating_add(T::DbWeight::get().writes(7_u64))
    }
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Queue` (r:1 w:1)
    /// Proof: `Tasks::Queue` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::OpenTasks` (r:1 w:1)
    /// Proof: `Tasks::OpenTasks` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Cursors` (r:1 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:0 w:1)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    fn cancel_task() -> Weight {
        Weight::from_parts(60_335_000, 9_679)
            .saturating_add(T::DbWeight::get().reads(6_u64))
            .saturating_add(T::DbWeight::get().writes(7_u64))
    }
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:1 w:0)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Cursors` (r:1 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:0 w:1)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    fn commit_answer() -> Weight {
        Weight::from_parts(28_176_000, 7_207)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:1 w:0)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Cursors` (r:1 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:0 w:1)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    fn commit_fingerprint() -> Weight {
        Weight::from_parts(31_060_000, 7_207)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:1 w:0)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:1 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Cursors` (r:1 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Outputs` (r:0 w:1)
    /// Proof: `Tasks::Outputs` (`max_values`: None, `max_size`: Some(16416), added: 18891, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:0 w:1)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    /// The range of component `o` is `[0, 16384]`.
    fn reveal_answer(o: u32) -> Weight {
        Weight::from_parts(49_950_273, 7_207)
            .saturating_add(Weight::from_parts(3_358, 0).saturating_mul(o.into()))
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:1 w:4)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:1 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Workers` (r:4 w:4)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Unbonding` (r:1 w:1)
    /// Proof: `Workers::Unbonding` (`max_values`: None, `max_size`: Some(209), added: 2684, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:2 w:2)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Reputation::Standings` (r:4 w:4)
    /// Proof: `Reputation::Standings` (`max_values`: None, `max_size`: Some(84), added: 2559, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Queue` (r:1 w:1)
    /// Proof: `Tasks::Queue` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
    fn reveal_vote() -> Weight {
        Weight::from_parts(149_649_000, 45_226)
            .saturating_add(T::DbWeight::get().reads(16_u64))
            .saturating_add(T::DbWeight::get().writes(18_u64))
    }
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:1 w:0)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    fn reveal_vote_unsettled() -> Weight {
        Weight::from_parts(24_426_000, 7_207)
            .saturating_add(T::DbWeight::get().reads(2_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    /// Storage: `Workers::Workers` (r:1 w:0)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Calibrations` (r:1 w:0)
    /// Proof: `Workers::Calibrations` (`max_values`: None, `max_size`: Some(73), added: 2548, mode: `MaxEncodedLen`)
    /// Storage: `Models::CalibrationSets` (r:1 w:0)
    /// Proof: `Models::CalibrationSets` (`max_values`: None, `max_size`: Some(264837), added: 267312, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Calibrations` (r:1 w:1)
    /// Proof: `Tasks::Calibrations` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
    /// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
    /// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
    /// Storage: `System::ParentHash` (r:1 w:0)
    /// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
    fn request_calibration() -> Weight {
        Weight::from_parts(57_400_000, 268_302)
            .saturating_add(T::DbWeight::get().reads(6_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    /// Storage: `Tasks::Calibrations` (r:1 w:1)
    /// Proof: `Tasks::Calibrations` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
    /// Storage: `Models::CalibrationSets` (r:1 w:0)
    /// Proof: `Models::CalibrationSets` (`max_values`: None, `max_size`: Some(264837), added: 267312, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:1 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Workers` (r:1 w:0)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Calibrations` (r:1 w:1)
    /// Proof: `Workers::Calibrations` (`max_values`: None, `max_size`: Some(73), added: 2548, mode: `MaxEncodedLen`)
    fn submit_calibration() -> Weight {
        Weight::from_parts(132_078_000, 268_302)
            .saturating_add(T::DbWeight::get().reads(5_u64))
            .saturating_add(T::DbWeight::get().writes(2_u64))
    }
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Workers::ModelWorkers` (r:1 w:0)
    /// Proof: `Workers::ModelWorkers` (`max_values`: None, `max_size`: Some(8206), added: 10681, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Workers` (r:256 w:4)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Calibrations` (r:256 w:0)
    /// Proof: `Workers::Calibrations` (`max_values`: None, `max_size`: Some(73), added: 2548, mode: `MaxEncodedLen`)
    /// Storage: `Reputation::Standings` (r:256 w:0)
    /// Proof: `Reputation::Standings` (`max_values`: None, `max_size`: Some(84), added: 2559, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Cursors` (r:1 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:0 w:4)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:0 w:1)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    /// The range of component `n` is `[4, 256]`.
    fn assign(n: u32) -> Weight {
        Weight::from_parts(35_008_727, 11_671)
            .saturating_add(Weight::from_parts(16_584_816, 0).saturating_mul(n.into()))
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
            .saturating_add(T::DbWeight::get().writes(11_u64))
            .saturating_add(Weight::from_parts(0, 11059).saturating_mul(n.into()))
    }
    /// Storage: `Tasks::Cursors` (r:5 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:2 w:2)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
    /// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
    fn draw_key() -> Weight {
        Weight::from_parts(38_569_000, 13_490)
            .saturating_add(T::DbWeight::get().reads(9_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    /// Storage: `Tasks::Cursors` (r:5 w:4)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:5 w:4)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:1 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Workers` (r:4 w:4)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Unbonding` (r:2 w:2)
    /// Proof: `Workers::Unbonding` (`max_values`: None, `max_size`: Some(209), added: 2684, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:2 w:2)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:3 w:3)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Reputation::Standings` (r:4 w:4)
    /// Proof: `Reputation::Standings` (`max_values`: None, `max_size`: Some(84), added: 2559, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Queue` (r:1 w:1)
    /// Proof: `Tasks::Queue` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Assigned` (r:0 w:4)
    /// Proof: `Tasks::Assigned` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
    fn expire() -> Weight {
        Weight::from_parts(229_511_000, 45_226)
            .saturating_add(T::DbWeight::get().reads(28_u64))
            .saturating_add(T::DbWeight::get().writes(29_u64))
    }
    /// Storage: `Tasks::Queue` (r:1 w:1)
    /// Proof: `Tasks::Queue` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::OpenTasks` (r:1 w:1)
    /// Proof: `Tasks::OpenTasks` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Cursors` (r:1 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:0 w:1)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    fn refund_unassigned() -> Weight {
        Weight::from_parts(56_059_000, 9_679)
            .saturating_add(T::DbWeight::get().reads(6_u64))
            .saturating_add(T::DbWeight::get().writes(7_u64))
    }
    /// Storage: `Tasks::Cursors` (r:1 w:1)
    /// Proof: `Tasks::Cursors` (`max_values`: None, `max_size`: Some(25), added: 2500, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Timers` (r:1 w:1)
    /// Proof: `Tasks::Timers` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Tasks` (r:1 w:1)
    /// Proof: `Tasks::Tasks` (`max_values`: None, `max_size`: Some(3742), added: 6217, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Outputs` (r:3 w:3)
    /// Proof: `Tasks::Outputs` (`max_values`: None, `max_size`: Some(16416), added: 18891, mode: `MaxEncodedLen`)
    /// Storage: `Tasks::Inputs` (r:0 w:1)
    /// Proof: `Tasks::Inputs` (`max_values`: None, `max_size`: Some(65557), added: 68032, mode: `MaxEncodedLen`)
    fn prune_task() -> Weight {
        Weight::from_parts(68_027_000, 57_663)
            .saturating_add(T::DbWeight::get().reads(8_u64))
            .saturating_add(T::DbWeight::get().writes(9_u64))
    }
}

/// The same measurements with RocksDB's database weights, for tests.
impl WeightInfo for () {
    fn submit_proof() -> Weight {
        Weight::from_parts(27_874_276_000, 69_022)
            .saturating_add(RocksDbWeight::get().reads(12_u64))
            .saturating_add(RocksDbWeight::get().writes(11_u64))
    }
    fn submit_task(i: u32) -> Weight {
        Weight::from_parts(99_889_288, 9_679)
            .saturating_add(Weight::from_parts(1_623, 0).saturating_mul(i.into()))
            .saturating_add(RocksDbWeight::get().reads(6_u64))
            .saturating_add(RocksDbWeight::get().writes(7_u64))
    }
    fn cancel_task() -> Weight {
        Weight::from_parts(60_335_000, 9_679)
            .saturating_add(RocksDbWeight::get().reads(6_u64))
            .saturating_add(RocksDbWeight::get().writes(7_u64))
    }
    fn commit_answer() -> Weight {
        Weight::from_parts(28_176_000, 7_207)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    fn commit_fingerprint() -> Weight {
        Weight::from_parts(31_060_000, 7_207)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    fn reveal_answer(o: u32) -> Weight {
        Weight::from_parts(49_950_273, 7_207)
            .saturating_add(Weight::from_parts(3_358, 0).saturating_mul(o.into()))
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn reveal_vote() -> Weight {
        Weight::from_parts(149_649_000, 45_226)
            .saturating_add(RocksDbWeight::get().reads(16_u64))
            .saturating_add(RocksDbWeight::get().writes(18_u64))
    }
    fn reveal_vote_unsettled() -> Weight {
        Weight::from_parts(24_426_000, 7_207)
            .saturating_add(RocksDbWeight::get().reads(2_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn request_calibration() -> Weight {
        Weight::from_parts(57_400_000, 268_302)
            .saturating_add(RocksDbWeight::get().reads(6_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn submit_calibration() -> Weight {
        Weight::from_parts(132_078_000, 268_302)
            .saturating_add(RocksDbWeight::get().reads(5_u64))
            .saturating_add(RocksDbWeight::get().writes(2_u64))
    }
    fn assign(n: u32) -> Weight {
        Weight::from_parts(35_008_727, 11_671)
            .saturating_add(Weight::from_parts(16_584_816, 0).saturating_mul(n.into()))
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(n.into())))
            .saturating_add(RocksDbWeight::get().writes(11_u64))
            .saturating_add(Weight::from_parts(0, 11059).saturating_mul(n.into()))
    }
    fn draw_key() -> Weight {
        Weight::from_parts(38_569_000, 13_490)
            .saturating_add(RocksDbWeight::get().reads(9_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn expire() -> Weight {
        Weight::from_parts(229_511_000, 45_226)
            .saturating_add(RocksDbWeight::get().reads(28_u64))
            .saturating_add(RocksDbWeight::get().writes(29_u64))
    }
    fn refund_unassigned() -> Weight {
        Weight::from_parts(56_059_000, 9_679)
            .saturating_add(RocksDbWeight::get().reads(6_u64))
            .saturating_add(RocksDbWeight::get().writes(7_u64))
    }
    fn prune_task() -> Weight {
        Weight::from_parts(68_027_000, 57_663)
            .saturating_add(RocksDbWeight::get().reads(8_u64))
            .saturating_add(RocksDbWeight::get().writes(9_u64))
    }
}
