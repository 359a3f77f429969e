//! Signed extrinsics built with the runtime's own types, exactly as a wallet would.

use codec::Encode;
use polkadot_sdk::{
    frame_metadata_hash_extension::CheckMetadataHash,
    frame_system, pallet_transaction_payment,
    sp_core::{sr25519, Pair, H256},
    sp_runtime::{generic::Era, MultiAddress, MultiSignature},
};
use triad_runtime::{Runtime, RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic};

/// What the signer commits to besides the call: chain, runtime version and nonce.
pub struct SigningContext {
    pub genesis: H256,
    pub spec_version: u32,
    pub tx_version: u32,
    pub nonce: u32,
}

/// An immortal, tip-less, sr25519-signed extrinsic.
pub fn sign(call: RuntimeCall, signer: &sr25519::Pair, ctx: &SigningContext) -> Vec<u8> {
    let extension: TxExtension = (
        frame_system::CheckNonZeroSender::<Runtime>::new(),
        frame_system::CheckSpecVersion::<Runtime>::new(),
        frame_system::CheckTxVersion::<Runtime>::new(),
        frame_system::CheckGenesis::<Runtime>::new(),
        frame_system::CheckEra::<Runtime>::from(Era::Immortal),
        frame_system::CheckNonce::<Runtime>::from(ctx.nonce),
        frame_system::CheckWeight::<Runtime>::new(),
        pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
        CheckMetadataHash::<Runtime>::new(false),
        frame_system::WeightReclaim::<Runtime>::new(),
    );
    // The implicit parts are signed but not sent: the runtime recomputes them.
    let implicit = ((), ctx.spec_version, ctx.tx_version, ctx.genesis, ctx.genesis, (), (), (), None, ());
    let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
    let signature = payload.using_encoded(|bytes| signer.sign(bytes));
    UncheckedExtrinsic::new_signed(call, MultiAddress::Id(signer.public().into()), MultiSignature::Sr25519(signature), extension)
        .encode()
}
