//! A list of handles that drops the ones no longer needed whenever it doubles: the
//! pool's inbox closers (kept to end every actor at a shutdown) and the one-worker run
//! queue's task handles (kept to cancel every task when it closes).

/// Entries pruned on push, each time the list has doubled since the last prune (and is
/// at least 64 long): it stays within about twice the most entries alive at once, at
/// an amortised constant cost per push.
#[derive(Debug)]
pub(crate) struct Pruned<T> {
    list: Vec<T>,
    prune_at: usize,
}

impl<T> Default for Pruned<T> {
    fn default() -> Self {
        Pruned {
            list: Vec::new(),
            prune_at: 0,
        }
    }
}

impl<T> Pruned<T> {
    /// Adds `item`, first keeping only the entries `live` says are still needed if
    /// the list is due for a prune.
    pub(crate) fn push(&mut self, item: T, live: impl FnMut(&T) -> bool) {
        if self.list.len() >= self.prune_at {
            self.list.retain(live);
            self.prune_at = (2 * self.list.len()).max(64);
        }
        self.list.push(item);
    }

    /// Takes every entry out.
    pub(crate) fn take(&mut self) -> Vec<T> {
        std::mem::take(&mut self.list)
    }

    /// How many entries are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Pruned;

    #[test]
    fn dead_entries_are_dropped_as_the_list_doubles() {
        let mut pruned = Pruned::default();
        // Only the last ten entries pushed are live at any time.
        for i in 0..10_000usize {
            pruned.push(i, |&e| e + 10 > i);
        }
        assert!(pruned.len() <= 64, "{} kept", pruned.len());
        assert_eq!(pruned.take().last(), Some(&9_999));
        assert_eq!(pruned.len(), 0);
    }
}
