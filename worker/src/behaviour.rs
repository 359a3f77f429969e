//! Named ways to misbehave, so tests can show the chain punishes each one.
//! They apply to tasks only: every worker answers its calibration cases
//! honestly, or it would never leave probation and never be drawn. Each
//! attack of the soundness issue has one; see `ARCHITECTURE.md` for what it
//! tried and what it costs now.

use clap::ValueEnum;

/// How a worker treats the tasks it is drawn for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Behaviour {
    /// Runs the model and reports what it computed.
    Honest,
    /// Skips inference and reports an all-zero tensor of the declared output
    /// shape: the cheapest answer that looks like work.
    Lazy,
    /// Skips inference and reports a random output.
    Random,
    /// Copies another verifier: commits that seat's commitment and, at the
    /// vote, replays that seat's fingerprint. The commitment binds the
    /// committer's account, so the replay cannot open it.
    Copy,
    /// Takes seats and never commits or reveals.
    Absent,
    /// As executor, runs the model and posts a materially different output
    /// (the best class swapped, a value moved) under a fresh commitment: the
    /// bytes the client would receive are not the ones it computed.
    Substitute,
    /// As executor, runs the model and posts an edit aimed at the
    /// fingerprint's null space under the public calibration key: two
    /// elements that share a sketch bucket shifted so the bucket does not
    /// move (outputs over 512 elements), which passed unseen when keys were
    /// public.
    Collide,
    /// As verifier, commits a fingerprint another seat revealed for the same
    /// input earlier (a rejected attempt of the task, or an earlier task)
    /// instead of running the model; as executor, posts the earlier accepted
    /// output for the same input.
    Replay,
    /// As executor, commits to its answer and never reveals it.
    Withhold,
    /// As executor, reveals an output too large for a block by its hash and
    /// fingerprint and never serves the bytes: verifiers that took the
    /// chain's copy of its word would endorse an output nobody can read.
    Hide,
    /// As the prover of a proved task, posts its valid proof beside an output
    /// it did not prove (one value moved): the proof is genuine and the
    /// output is close, but the statement is not the one proven.
    Forge,
    /// As verifier, tries to read a small discrete output off the executor's
    /// commitment by hashing every candidate value, then commits the
    /// fingerprint of what it found, or of a guess, without running the model.
    Dictionary,
}
