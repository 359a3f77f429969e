//! Who is paid, who is slashed and how each seat's standing moves, as a pure
//! function of an attempt's verdict: the table in the crate docs, as code.
//!
//! Settlement (`settle.rs`) only carries out what [`payouts`] returns, so
//! the rule can be read, tested and changed here alone.

use polkadot_sdk::sp_runtime;
use sp_runtime::{traits::AtLeast32BitUnsigned, Perbill};
use triad_primitives::Outcome as Standing;
use triad_verifier::{Outcome, Verdict};

use crate::SlashReason;
pub use triad_primitives::pricing::{shares, tee_price, tee_shares};

/// What a seat did in an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatState {
    /// It posted a commitment in time.
    pub committed: bool,
    /// It opened the commitment in time.
    pub revealed: bool,
}

/// The runtime's shares and slash rates.
#[derive(Clone, Copy, Debug)]
pub struct Rates {
    /// Part of the price an accepted executor is paid.
    pub executor_share: Perbill,
    /// Part of a rejected (or caught withholding) executor's stake slashed.
    pub executor_slash: Perbill,
    /// Part of a minority (or withholding) verifier's stake slashed.
    pub minority_slash: Perbill,
    /// Part of an absent seat's stake slashed.
    pub no_show_slash: Perbill,
}

/// What happens to one seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatResult<Balance> {
    /// Paid from the client's escrow.
    pub paid: Balance,
    /// Paid from the executor's stake to a verifier that caught it.
    pub bounty: Balance,
    /// Part of its stake taken, and why.
    pub slash: Option<(Perbill, SlashReason)>,
    /// How its standing on the model moves.
    pub standing: Standing,
}

/// The rule. Seat 0 is the executor, seats 1 to 3 the verifiers in verdict order.
///
/// - Accepted: the executor and every verifier in the majority are paid
///   their shares of the price; revealing verifiers outside it are slashed
///   as a minority.
/// - Rejected: the executor is slashed (for its result, or for withholding
///   it) and each verifier in the majority is paid its share as a bounty out
///   of that slash; revealing verifiers outside it are slashed as a minority.
/// - Inconclusive: nobody is paid or slashed for the outcome.
///
/// Whatever the outcome, a seat that never committed is slashed as a
/// no-show, a verifier that committed and never revealed is slashed as a
/// minority (withholding never costs less than losing), and an executor that
/// committed and never revealed is slashed as a no-show when nothing was
/// decided.
pub fn payouts<Balance: AtLeast32BitUnsigned + Copy>(
    verdict: &Verdict,
    seats: [SeatState; 4],
    price: Balance,
    rates: &Rates,
) -> [SeatResult<Balance>; 4] {
    payouts_of(verdict, seats, shares(price, rates.executor_share), rates)
}

/// [`payouts`] with the executor's and each verifier's pay given: those of
/// [`tee_shares`] in TEE mode, where one verifier holds the only verifier seat.
pub fn payouts_of<Balance: AtLeast32BitUnsigned + Copy>(
    verdict: &Verdict,
    seats: [SeatState; 4],
    (executor_pay, verifier_pay): (Balance, Balance),
    rates: &Rates,
) -> [SeatResult<Balance>; 4] {
    let zero = Balance::zero();
    let in_majority = |i: usize| if i == 0 { verdict.executor_in_majority } else { verdict.verifiers_in_majority[i - 1] };
    let no_show = SeatResult {
        paid: zero,
        bounty: zero,
        slash: Some((rates.no_show_slash, SlashReason::NoShow)),
        standing: Standing::NoShow,
    };
    let nothing = SeatResult { paid: zero, bounty: zero, slash: None, standing: Standing::Inconclusive };
    core::array::from_fn(|i| {
        let SeatState { committed, revealed } = seats[i];
        if !committed {
            return no_show;
        }
        let executor = i == 0;
        match (verdict.outcome, executor, revealed, in_majority(i)) {
            (Outcome::Rejected, true, false, _) => SeatResult {
                slash: Some((rates.executor_slash, SlashReason::Withheld)),
                standing: Standing::RejectedMinority,
                ..nothing
            },
            (_, true, false, _) => no_show,
            (_, false, false, _) => SeatResult {
                slash: Some((rates.minority_slash, SlashReason::Minority)),
                standing: Standing::RejectedMinority,
                ..nothing
            },
            (Outcome::Inconclusive, _, true, _) => nothing,
            (Outcome::Accepted, _, true, true) => SeatResult {
                paid: if executor { executor_pay } else { verifier_pay },
                standing: Standing::AgreedWithMajority,
                ..nothing
            },
            (Outcome::Rejected, false, true, true) => {
                SeatResult { bounty: verifier_pay, standing: Standing::AgreedWithMajority, ..nothing }
            },
            (Outcome::Rejected, true, true, _) => SeatResult {
                slash: Some((rates.executor_slash, SlashReason::RejectedResult)),
                standing: Standing::RejectedMinority,
                ..nothing
            },
            (_, _, true, _) => SeatResult {
                slash: Some((rates.minority_slash, SlashReason::Minority)),
                standing: Standing::RejectedMinority,
                ..nothing
            },
        }
    })
}

/// What a proved attempt ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofState {
    /// The executor posted a proof the chain accepted.
    Valid,
    /// The executor posted a proof the chain refused.
    Invalid,
    /// The execute phase ended without a proof.
    Missing,
}

/// The rule for a proved attempt, whose only seat is the executor: a valid
/// proof is paid the whole price (there are no verifiers to share it with),
/// an invalid one slashed as a rejected result, a missing one as a no-show.
/// Nobody caught an invalid proof but the chain, so it pays no bounty.
pub fn proof_payout<Balance: AtLeast32BitUnsigned + Copy>(
    proof: ProofState,
    price: Balance,
    rates: &Rates,
) -> SeatResult<Balance> {
    let zero = Balance::zero();
    match proof {
        ProofState::Valid => SeatResult { paid: price, bounty: zero, slash: None, standing: Standing::AgreedWithMajority },
        ProofState::Invalid => SeatResult {
            paid: zero,
            bounty: zero,
            slash: Some((rates.executor_slash, SlashReason::InvalidProof)),
            standing: Standing::RejectedMinority,
        },
        ProofState::Missing => SeatResult {
            paid: zero,
            bounty: zero,
            slash: Some((rates.no_show_slash, SlashReason::NoShow)),
            standing: Standing::NoShow,
        },
    }
}

/// The verdict a proved attempt records: the chain alone decided.
pub fn proof_verdict(proof: ProofState) -> Verdict {
    let outcome = match proof {
        ProofState::Valid => Outcome::Accepted,
        ProofState::Invalid => Outcome::Rejected,
        ProofState::Missing => Outcome::Inconclusive,
    };
    Verdict { outcome, executor_in_majority: proof == ProofState::Valid, verifiers_in_majority: [false; 3] }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATES: Rates = Rates {
        executor_share: Perbill::from_percent(40),
        executor_slash: Perbill::from_percent(20),
        minority_slash: Perbill::from_percent(2),
        no_show_slash: Perbill::from_percent(1),
    };
    const SHOWED: SeatState = SeatState { committed: true, revealed: true };
    const WITHHELD: SeatState = SeatState { committed: true, revealed: false };
    const ABSENT: SeatState = SeatState { committed: false, revealed: false };

    fn verdict(outcome: Outcome, executor: bool, verifiers: [bool; 3]) -> Verdict {
        Verdict { outcome, executor_in_majority: executor, verifiers_in_majority: verifiers }
    }

    fn slash(r: &SeatResult<u64>) -> Option<SlashReason> {
        r.slash.map(|(_, why)| why)
    }

    #[test]
    fn accepted_pays_the_majority_and_slashes_the_minority() {
        let r = payouts(&verdict(Outcome::Accepted, true, [true, true, false]), [SHOWED; 4], 100u64, &RATES);
        assert_eq!(r.map(|s| s.paid), [40, 20, 20, 0]);
        assert_eq!(r.map(|s| s.bounty), [0; 4]);
        assert_eq!(slash(&r[3]), Some(SlashReason::Minority));
        assert_eq!(r.map(|s| s.standing)[..3], [Standing::AgreedWithMajority; 3]);
    }

    #[test]
    fn rejected_slashes_the_executor_and_pays_bounties_not_escrow() {
        let r = payouts(&verdict(Outcome::Rejected, false, [true, false, true]), [SHOWED; 4], 100u64, &RATES);
        assert_eq!(r.map(|s| s.paid), [0; 4], "the client pays nothing for a rejected attempt");
        assert_eq!(r.map(|s| s.bounty), [0, 20, 0, 20]);
        assert_eq!(slash(&r[0]), Some(SlashReason::RejectedResult));
        assert_eq!(slash(&r[2]), Some(SlashReason::Minority));
    }

    #[test]
    fn withholding_never_costs_less_than_losing() {
        // An executor that hides its answer once it fears the verdict is caught.
        let caught =
            payouts(&verdict(Outcome::Rejected, false, [true, true, true]), [WITHHELD, SHOWED, SHOWED, SHOWED], 100u64, &RATES);
        assert_eq!(caught[0].slash, Some((RATES.executor_slash, SlashReason::Withheld)));
        assert_eq!(caught[0].standing, Standing::RejectedMinority);
        // A verifier that hides its fingerprint pays a minority's slash, whatever the outcome.
        for outcome in [Outcome::Accepted, Outcome::Rejected, Outcome::Inconclusive] {
            let r = payouts(
                &verdict(outcome, outcome == Outcome::Accepted, [true, true, false]),
                [SHOWED, SHOWED, SHOWED, WITHHELD],
                100u64,
                &RATES,
            );
            assert_eq!(r[3].slash, Some((RATES.minority_slash, SlashReason::Minority)), "{outcome:?}");
        }
    }

    #[test]
    fn absent_seats_are_no_shows_and_inconclusive_moves_nothing_else() {
        let r = payouts(&verdict(Outcome::Inconclusive, false, [false; 3]), [ABSENT, SHOWED, ABSENT, SHOWED], 100u64, &RATES);
        assert_eq!(r.map(|s| slash(&s)), [Some(SlashReason::NoShow), None, Some(SlashReason::NoShow), None]);
        assert_eq!(r.map(|s| s.paid + s.bounty), [0; 4]);
        let withheld =
            payouts(&verdict(Outcome::Inconclusive, false, [false; 3]), [WITHHELD, SHOWED, SHOWED, SHOWED], 100u64, &RATES);
        assert_eq!(slash(&withheld[0]), Some(SlashReason::NoShow));
    }

    #[test]
    fn payments_never_exceed_the_price() {
        for price in [0u64, 1, 7, 100, 1_000_003] {
            for v in [[true; 3], [true, true, false], [false, true, true]] {
                let r = payouts(&verdict(Outcome::Accepted, true, v), [SHOWED; 4], price, &RATES);
                assert!(r.iter().map(|s| s.paid).sum::<u64>() <= price);
            }
        }
    }

    #[test]
    fn a_tee_task_costs_and_pays_two_seats_of_an_lsh_task() {
        // 40% executor share: the executor 40, the verifier 20 of 100.
        assert_eq!(tee_price(100u64, RATES.executor_share), 60);
        assert_eq!(tee_shares(60u64, RATES.executor_share), (40, 20));
        for share in [0u32, 1, 25, 40, 50, 99, 100] {
            let share = Perbill::from_percent(share);
            for floor in [0u64, 1, 3, 7, 100, 999, 1_000_003, 10u64.pow(15)] {
                let price = tee_price(floor, share);
                let (e, v) = shares(floor, share);
                let (te, tv) = tee_shares(price, share);
                assert_eq!(te + tv, price, "nothing lost or made at {floor}, {share:?}");
                assert!(te.abs_diff(e) <= 1 + floor / 1_000_000_000, "executor {te} vs {e} at {floor}, {share:?}");
                assert!(tv.abs_diff(v) <= 1 + floor / 1_000_000_000, "verifier {tv} vs {v} at {floor}, {share:?}");
                assert!(price <= floor);
            }
        }
        // Accepted: both seats paid; the two absent verifier seats are not seats.
        let accepted = verdict(Outcome::Accepted, true, [true, false, false]);
        let r = payouts_of(&accepted, [SHOWED, SHOWED, ABSENT, ABSENT], (40u64, 20), &RATES);
        assert_eq!([r[0].paid, r[1].paid], [40, 20]);
        // A disagreement decides nothing: nobody is paid or slashed for it.
        let inconclusive = verdict(Outcome::Inconclusive, false, [false; 3]);
        let r = payouts_of(&inconclusive, [SHOWED, SHOWED, ABSENT, ABSENT], (40u64, 20), &RATES);
        assert_eq!([r[0].paid, r[1].paid], [0, 0]);
        assert_eq!([r[0].slash, r[1].slash], [None, None]);
    }

    #[test]
    fn a_proof_is_paid_whole_when_valid_and_slashed_otherwise() {
        let valid = proof_payout(ProofState::Valid, 100u64, &RATES);
        assert_eq!((valid.paid, valid.bounty, valid.slash, valid.standing), (100, 0, None, Standing::AgreedWithMajority));
        let invalid = proof_payout(ProofState::Invalid, 100u64, &RATES);
        assert_eq!((invalid.paid, invalid.bounty), (0, 0), "the client pays nothing for a refused proof");
        assert_eq!(invalid.slash, Some((RATES.executor_slash, SlashReason::InvalidProof)));
        assert_eq!(invalid.standing, Standing::RejectedMinority);
        let missing = proof_payout(ProofState::Missing, 100u64, &RATES);
        assert_eq!(missing.slash, Some((RATES.no_show_slash, SlashReason::NoShow)));
        // A refused proof never costs less than not proving at all.
        assert!(RATES.executor_slash >= RATES.no_show_slash);
        assert_eq!(proof_verdict(ProofState::Valid).outcome, Outcome::Accepted);
        assert_eq!(proof_verdict(ProofState::Invalid).outcome, Outcome::Rejected);
        assert_eq!(proof_verdict(ProofState::Missing).outcome, Outcome::Inconclusive);
        assert!(!proof_verdict(ProofState::Invalid).executor_in_majority);
    }
}
