//! Splitting work over N workers and merging their answers, without the browser: for the
//! isolated mode (data copied or moved to each worker) and the CPU-bound speedup run.
//!
//! The work is hashing fixed-size blocks of bytes ([`BLOCK_BYTES`]); a worker hashes a
//! contiguous run of blocks ([`split`]) and answers the wrapping sum of their hashes
//! ([`hash_blocks`]); the page adds the answers ([`merge`]). Addition modulo 2^64 is associative
//! and commutative, so the merged answer is the whole data's answer however it was split: the
//! test that a parallel run lost or double-counted nothing is one comparison.

use std::ops::Range;

/// Bytes per block: 4 KiB, a page of memory.
pub const BLOCK_BYTES: usize = 4_096;

/// Splits `items` into `parts` contiguous ranges, in order, covering `0..items` exactly; their
/// lengths differ by at most one (the first `items % parts` get the extra one). `parts` of 0 is
/// taken as 1.
pub fn split(items: u64, parts: u32) -> Vec<Range<u64>> {
    let parts = u64::from(parts.max(1));
    let (base, extra) = (items / parts, items % parts);
    let mut start = 0;
    (0..parts)
        .map(|i| {
            let len = base + u64::from(i < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect()
}

/// The bytes of `blocks` (block indices, as [`split`] gives them) in data of `len` bytes: the
/// last block may be short, and a range past the end is empty.
pub fn byte_range(blocks: &Range<u64>, len: usize) -> Range<usize> {
    let at = |block: u64| usize::try_from(block).unwrap_or(usize::MAX).saturating_mul(BLOCK_BYTES).min(len);
    at(blocks.start)..at(blocks.end)
}

/// Blocks in data of `len` bytes (the last may be short).
pub fn blocks(len: usize) -> u64 {
    len.div_ceil(BLOCK_BYTES) as u64
}

/// FNV-1a, 32 bits, of `bytes` (Fowler, Noll and Vo; offset basis 2166136261, prime 16777619,
/// <http://www.isthe.com/chongo/tech/comp/fnv/>).
pub fn fnv1a(bytes: &[u8]) -> u32 {
    fnv1a_from(2_166_136_261, bytes)
}

/// FNV-1a of `bytes` starting from `basis` instead of the standard offset basis.
///
/// Never inlined, so that [`hash_blocks`] calls it once per block and round: V8 first runs a
/// WebAssembly function in its baseline compiler (Liftoff) and swaps in the optimised code
/// (TurboFan) only for the function's next calls (it cannot replace a running call), so one long
/// inlined loop would run unoptimised from start to end.
#[inline(never)]
fn fnv1a_from(basis: u32, bytes: &[u8]) -> u32 {
    let mut hash = basis;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(16_777_619);
    }
    hash
}

/// The answer for `data`, a whole number of blocks or a last short one: the wrapping sum of
/// each block's hash after `rounds` rounds (each round hashes the block again starting from the
/// previous round's hash, so the work grows with `rounds` and cannot be skipped).
pub fn hash_blocks(data: &[u8], rounds: u32) -> u64 {
    data.chunks(BLOCK_BYTES)
        .map(|block| {
            let mut h = fnv1a(block);
            for _ in 1..rounds {
                h = fnv1a_from(h, block);
            }
            u64::from(h)
        })
        .fold(0u64, u64::wrapping_add)
}

/// The workers' answers merged: their wrapping sum.
pub fn merge(answers: &[u64]) -> u64 {
    answers.iter().copied().fold(0, u64::wrapping_add)
}

/// Speedup of a run on `n` workers over the run on one: `t1_ms / tn_ms` (Amdahl's and
/// Gustafson's sense; OSTEP ch. 10 discusses it for multiprocessor scheduling). None if `tn_ms`
/// is not positive.
pub fn speedup(t1_ms: f64, tn_ms: f64) -> Option<f64> {
    (tn_ms > 0.0).then(|| t1_ms / tn_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ten_items_over_three_workers_are_four_three_three() {
        // 10 = 3 × 3 + 1: the first worker gets the extra item.
        assert_eq!(split(10, 3), vec![0..4, 4..7, 7..10]);
        assert_eq!(split(2, 4), vec![0..1, 1..2, 2..2, 2..2]);
        assert_eq!(split(5, 0), vec![0..5]);
        // 2 blocks and 10 bytes = 3 blocks over 4 workers: 1, 1, 1, 0 blocks.
        let len = 2 * BLOCK_BYTES + 10;
        let bytes: Vec<_> = split(blocks(len), 4).iter().map(|r| byte_range(r, len)).collect();
        assert_eq!(bytes, vec![0..4_096, 4_096..8_192, 8_192..8_202, 8_202..8_202]);
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV test suite (fnv-test.c, "FNV1a_32"): "" → 0x811c9dc5, "a" → 0xe40c292c,
        // "foobar" → 0xbf9cf968.
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn one_block_one_round_is_its_fnv_hash() {
        assert_eq!(hash_blocks(b"foobar", 1), 0xbf9c_f968);
        // Two blocks: the sum of their hashes.
        let data = vec![7u8; BLOCK_BYTES + 1];
        assert_eq!(hash_blocks(&data, 1), u64::from(fnv1a(&data[..BLOCK_BYTES])) + u64::from(fnv1a(&[7])));
        // Two rounds: the second starts from the first's hash.
        assert_eq!(hash_blocks(b"a", 2), u64::from(fnv1a_from(0xe40c_292c, b"a")));
        // One FNV-1a step from the first round's hash: xor with "a" (0x61), times the prime.
        assert_eq!(fnv1a_from(0xe40c_292c, b"a"), (0xe40c_292cu32 ^ 0x61).wrapping_mul(16_777_619));
        assert_eq!(speedup(100.0, 52.0), Some(100.0 / 52.0));
        assert_eq!(speedup(100.0, 0.0), None);
    }

    proptest! {
        #[test]
        fn the_parts_cover_the_items_in_order_and_differ_by_at_most_one(items in 0u64..100_000, parts in 1u32..80) {
            let ranges = split(items, parts);
            prop_assert_eq!(ranges.len(), parts as usize);
            prop_assert_eq!(ranges[0].start, 0);
            prop_assert_eq!(ranges.last().unwrap().end, items);
            for pair in ranges.windows(2) {
                prop_assert_eq!(pair[0].end, pair[1].start);
            }
            let lens: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
            prop_assert!(lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1);
        }

        #[test]
        fn merged_answers_are_the_whole_datas_answer_however_it_is_split(
            whole in 0u64..24, tail in 0usize..BLOCK_BYTES, parts in 1u32..9, seed in any::<u8>(), rounds in 1u32..3,
        ) {
            let len = whole as usize * BLOCK_BYTES + tail;
            let data: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect();
            let answers: Vec<u64> =
                split(blocks(len), parts).iter().map(|r| hash_blocks(&data[byte_range(r, len)], rounds)).collect();
            prop_assert_eq!(merge(&answers), hash_blocks(&data, rounds));
        }
    }
}
