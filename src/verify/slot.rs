//! A value the app may replace while other threads verify: each verification takes the one in
//! force when it starts, whole, and keeps it to the end.

use std::sync::{Arc, RwLock};

#[derive(Debug)]
pub(super) struct Slot<T>(RwLock<Option<Arc<T>>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(RwLock::new(None))
    }
}

impl<T> Slot<T> {
    pub(super) fn get(&self) -> Option<Arc<T>> {
        // A poisoned lock only means another thread panicked while swapping an Arc; the Arc
        // itself is always whole, so carry on with it.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(super) fn set(&self, value: Option<Arc<T>>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = value;
    }

    /// Lets `f` replace the value in force, with no other replacement in between.
    pub(super) fn update<R>(&self, f: impl FnOnce(&mut Option<Arc<T>>) -> R) -> R {
        f(&mut self.0.write().unwrap_or_else(|e| e.into_inner()))
    }
}
