//! The facts of files already parsed, for scans that repeat (`ceiling scan --watch`): a file whose
//! bytes and role have not changed is not parsed again. The cross-file work (linking, rules) runs
//! on every scan; it reads small facts and takes a fraction of the parse.

use std::hash::Hasher;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ceiling_facts::FileRole;
use rustc_hash::{FxHashMap, FxHasher};

use crate::Outcome;

/// What a file's outcome depends on: its bytes (hashed, with their length), its role, and whether
/// the config gave that role (then the heuristics that make app code a script stand aside).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    hash: u64,
    len: usize,
    role: FileRole,
    configured: bool,
}

impl Key {
    pub(crate) fn new(bytes: &[u8], role: FileRole, configured: bool) -> Key {
        let mut hasher = FxHasher::default();
        hasher.write(bytes);
        Key { hash: hasher.finish(), len: bytes.len(), role, configured }
    }
}

#[derive(Default)]
pub struct FactsCache {
    entries: Mutex<FxHashMap<String, (Key, Outcome)>>,
    /// Files parsed by the last scan, not taken from the cache.
    parsed: AtomicUsize,
}

impl FactsCache {
    pub fn new() -> FactsCache {
        FactsCache::default()
    }

    pub(crate) fn get(&self, path: &str, key: Key) -> Option<Outcome> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(path).filter(|(cached, _)| *cached == key).map(|(_, outcome)| outcome.clone())
    }

    pub(crate) fn put(&self, path: String, key: Key, outcome: Outcome) {
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.insert(path, (key, outcome));
    }

    /// Starts a scan: forgets the files no longer in the tree and resets the count of parsed files.
    pub(crate) fn begin(&self, present: impl Fn(&str) -> bool) {
        self.parsed.store(0, Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.retain(|path, _| present(path));
    }

    pub(crate) fn parsed(&self) -> usize {
        self.parsed.load(Ordering::Relaxed)
    }
}
