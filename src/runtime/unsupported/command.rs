//! Running programs where the platform layer has no process groups yet (Windows): `run` fails
//! with a clear error.

use super::{Failure, Finished, Spec};

pub fn run(_spec: &Spec) -> Result<Finished, Failure> {
    Err(Failure::Unsupported)
}
