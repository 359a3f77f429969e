//! Named ways to misbehave, so tests can show the chain punishes each one.
//! They apply to tasks only: every worker answers its calibration cases
//! honestly, or it would never leave probation and never be drawn.

use clap::ValueEnum;

/// How a worker treats the tasks it is drawn for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Behaviour {
    /// Runs the model and reports what it computed.
    Honest,
    /// Skips inference and reports the output of an all-zero tensor of the
    /// declared output shape: the cheapest answer that looks like work.
    Lazy,
    /// Skips inference and reports a random fingerprint (and, as executor, a
    /// random output).
    Random,
    /// Copies another seat: commits that seat's commitment and, at reveal,
    /// replays that seat's fingerprint and salt. The commitment binds the
    /// committer's account, so the replay cannot open it.
    Copy,
    /// Takes seats and never commits or reveals.
    Absent,
}
