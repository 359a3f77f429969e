//! Compiles the runtime to wasm with `substrate-wasm-builder`; the node embeds the blob
//! as its genesis code, so the native and on-chain logic can never drift apart.
//!
//! A second blob, `triad_runtime_next`, is the same runtime with `spec_version` one
//! higher, for the tests that upgrade a running network. `TRIAD_NEXT_SPEC` selects it:
//! it sets the `triad_next_spec` cfg on this crate alone, so the second wasm build
//! recompiles only the runtime crate, never its dependencies.
const NEXT_SPEC: &str = "TRIAD_NEXT_SPEC";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(triad_next_spec)");
    println!("cargo:rerun-if-env-changed={NEXT_SPEC}");
    if std::env::var_os(NEXT_SPEC).is_some() {
        println!("cargo:rustc-cfg=triad_next_spec");
    }
    #[cfg(feature = "std")]
    {
        substrate_wasm_builder::WasmBuilder::build_using_defaults();
        // Reaches only the cargo that the builder spawns next.
        std::env::set_var(NEXT_SPEC, "1");
        substrate_wasm_builder::WasmBuilder::init_with_defaults().set_file_name("triad_runtime_next").build();
    }
}
