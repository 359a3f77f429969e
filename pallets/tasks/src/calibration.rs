//! Probation: calibration cases handed to workers new to a model, and the
//! check of their answers (see the crate docs).

use super::*;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use triad_primitives::Fingerprint;

impl<T: Config> Pallet<T> {
    pub(crate) fn do_request_calibration(who: T::AccountId, model: ModelId) -> DispatchResult {
        ensure!(T::Workers::on_probation(&who, model), Error::<T>::NotOnProbation);
        let cases = T::Models::calibration_cases(model);
        ensure!(cases > 0, Error::<T>::NoCalibrationCases);
        let now = frame_system::Pallet::<T>::block_number();
        if let Some(old) = Calibrations::<T>::get(&who, model) {
            ensure!(now >= old.until, Error::<T>::CalibrationPending);
            T::Workers::record_calibration(&who, model, false);
            Self::deposit_event(Event::CalibrationChecked { who: who.clone(), model, case: old.case, passed: false });
        }
        let case = draw::calibration_case::<T>(&who, model, cases);
        let until = now.saturating_add(T::CalibrationPeriod::get());
        Calibrations::<T>::insert(&who, model, CalibrationRequest { case, until });
        Self::deposit_event(Event::CalibrationRequested { who, model, case, until });
        Ok(())
    }

    pub(crate) fn do_submit_calibration(who: T::AccountId, model: ModelId, fingerprint: Fingerprint) -> DispatchResult {
        let request = Calibrations::<T>::get(&who, model).ok_or(Error::<T>::NoCalibrationRequest)?;
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(now < request.until, Error::<T>::CalibrationExpired);
        Calibrations::<T>::remove(&who, model);
        let passed = match (T::Models::calibration_expected(model, request.case), T::Models::lsh_params(model)) {
            (Some(expected), Some(params)) => triad_verifier::agrees(&fingerprint, &expected, &params),
            _ => false,
        };
        T::Workers::record_calibration(&who, model, passed);
        Self::deposit_event(Event::CalibrationChecked { who, model, case: request.case, passed });
        Ok(())
    }
}
