//! Resident memory of this process, from `/proc/self/statm`.

/// The size of a memory page in bytes (Linux on x86-64 and most aarch64 kernels).
pub const PAGE_SIZE: u64 = 4096;

/// The resident set size in bytes, or `None` where `/proc/self/statm` is missing.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * PAGE_SIZE)
}

/// Resident bytes gained per item while `f` holds `n` items alive: `f` starts them,
/// calls the given closure while they are all alive, then stops them.
pub fn per_item(n: usize, f: impl FnOnce(&mut dyn FnMut())) -> f64 {
    let before = resident_bytes().unwrap_or(0);
    let mut after = before;
    f(&mut || after = resident_bytes().unwrap_or(0));
    after.saturating_sub(before) as f64 / n.max(1) as f64
}
