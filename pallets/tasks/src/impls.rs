//! Input checks and the read-side helpers behind the runtime API.

use super::*;

impl<T: Config> Pallet<T> {
    /// Fewest blocks between submission and deadline: the draw delay, then a
    /// full commit and reveal period.
    pub fn min_deadline() -> frame_system::pallet_prelude::BlockNumberFor<T> {
        Self::attempt_len().saturating_add(DRAW_DELAY.into())
    }

    /// Blocks of one attempt's commit and reveal periods.
    pub fn attempt_len() -> frame_system::pallet_prelude::BlockNumberFor<T> {
        T::CommitPeriod::get().saturating_add(T::RevealPeriod::get())
    }

    pub(crate) fn check_input(input: InputArg) -> Result<TaskInput<T::MaxInlineInput>, Error<T>> {
        match input {
            InputArg::Inline(bytes) => {
                if bytes.is_empty() {
                    return Err(Error::EmptyInput);
                }
                Ok(TaskInput::Inline(bytes.try_into().map_err(|_| Error::InputTooLarge)?))
            },
            InputArg::Offchain { hash, size } => {
                if size == 0 {
                    return Err(Error::EmptyInput);
                }
                if size > T::MaxOffchainInput::get() {
                    return Err(Error::InputTooLarge);
                }
                Ok(TaskInput::Offchain { hash, size })
            },
        }
    }

    /// A task with its input and posted output, for the runtime API.
    pub fn task_view(id: TaskId) -> Option<TaskView<T>> {
        Some(TaskView { id, info: Tasks::<T>::get(id)?, input: Inputs::<T>::get(id)?, output: Outputs::<T>::get(id) })
    }

    /// The open seats of `who`, for the runtime API.
    pub fn tasks_of(who: &T::AccountId) -> Vec<(TaskId, Role)> {
        Assigned::<T>::iter_prefix(who).collect()
    }
}
