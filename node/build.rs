//! Embeds the git commit and rebuilds when it changes, so `triad-node --version` names
//! the exact source a validator runs.
use substrate_build_script_utils::{generate_cargo_keys, rerun_if_git_head_changed};

fn main() {
    generate_cargo_keys();
    rerun_if_git_head_changed();
}
