//! Compiles the runtime to wasm with `substrate-wasm-builder`; the node embeds the blob
//! as its genesis code, so the native and on-chain logic can never drift apart.
fn main() {
    #[cfg(feature = "std")]
    substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
