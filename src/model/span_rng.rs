//! The seeded generator that draws `compute A..B` and `io A..B` lengths: exactly the stream of
//! `rand_pcg::Pcg64Mcg` (O'Neill's PCG family: a 128-bit multiplicative congruential generator
//! with the XSL RR output) and exactly the draws of `rand`'s `random_range(lo..=hi)` on it, but
//! computed on 64-bit halves instead of `u128`. WebAssembly has no 64 × 64 → 128-bit multiply: a
//! `u128` multiply there is a call to compiler-rt's `__multi3`, which cost the wasm benchmark
//! about 40 more instructions per event than natively (callgrind on Node, 2026-12-01). The tests
//! below check every draw against `Pcg64Mcg` and `random_range` themselves.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::Ticks;

/// The 128-bit multiplier of `Pcg64Mcg` (PCG's "cheap multiplier" MCG), as high and low halves.
const MULTIPLIER_HI: u64 = 0x2360_ED05_1FC6_5DA4;
const MULTIPLIER_LO: u64 = 0x4385_DF64_9FCC_F645;

/// The state of a `Pcg64Mcg` generator, as two 64-bit halves.
#[derive(Clone, Debug)]
pub struct SpanRng {
    hi: u64,
    lo: u64,
}

impl SpanRng {
    /// The generator `Pcg64Mcg::seed_from_u64(seed)` is (same seeding, same stream).
    pub fn seed_from_u64(seed: u64) -> Self {
        let state = Pcg64Mcg::seed_from_u64(seed).state();
        SpanRng { hi: (state >> 64) as u64, lo: state as u64 }
    }

    /// The next 64-bit output, as `Pcg64Mcg::next_u64`: the state is multiplied by the
    /// multiplier modulo 2¹²⁸, then the output is its high half XOR its low half, rotated right by
    /// the state's top 6 bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let lo = self.lo.wrapping_mul(MULTIPLIER_LO);
        let hi = mul_hi(self.lo, MULTIPLIER_LO)
            .wrapping_add(self.lo.wrapping_mul(MULTIPLIER_HI))
            .wrapping_add(self.hi.wrapping_mul(MULTIPLIER_LO));
        (self.hi, self.lo) = (hi, lo);
        (hi ^ lo).rotate_right((hi >> 58) as u32)
    }

    /// A draw in `low..=high` (ticks), as `rand`'s `random_range(low..=high)` makes it on the
    /// same generator: the high half of a 64-bit output times the range's length, and, when the
    /// low half falls where that is biased, one more output to decide whether to round up
    /// (Lemire's widening multiply, as `rand` 0.10's `sample_single_inclusive` without its
    /// `unbiased` feature).
    ///
    /// # Panics
    ///
    /// If `low > high`, as `random_range` does (a loaded span never is).
    #[inline]
    pub fn range_inclusive(&mut self, low: Ticks, high: Ticks) -> Ticks {
        assert!(low <= high, "cannot sample empty range");
        let range = high.wrapping_sub(low).wrapping_add(1);
        if range == 0 {
            return self.next_u64(); // the whole u64 range
        }
        let x = self.next_u64();
        let (mut result, lo_order) = (mul_hi(x, range), x.wrapping_mul(range));
        if lo_order > range.wrapping_neg() {
            let y = self.next_u64();
            result += u64::from(lo_order.checked_add(mul_hi(y, range)).is_none());
        }
        low.wrapping_add(result)
    }
}

/// The high 64 bits of the 128-bit product `a × b`. WebAssembly builds multiply 32-bit halves
/// ([`mul_hi_by_halves`]); other targets have the instruction.
#[inline]
fn mul_hi(a: u64, b: u64) -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        mul_hi_by_halves(a, b)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        ((u128::from(a) * u128::from(b)) >> 64) as u64
    }
}

/// The high 64 bits of `a × b` from four 32 × 32 → 64-bit products (schoolbook multiplication in
/// base 2³²), with no 128-bit arithmetic.
#[inline]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
fn mul_hi_by_halves(a: u64, b: u64) -> u64 {
    const LOW: u64 = 0xffff_ffff;
    let (a0, a1, b0, b1) = (a & LOW, a >> 32, b & LOW, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // The middle column: the carry out of the low 64 bits.
    let mid = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt};

    #[test]
    fn halves_multiply_as_u128_does() {
        let mut r = Pcg64Mcg::seed_from_u64(7);
        let edges = [0, 1, 2, u32::MAX as u64, u32::MAX as u64 + 1, u64::MAX - 1, u64::MAX];
        let pairs = (edges.iter().flat_map(|&a| edges.iter().map(move |&b| (a, b))))
            .chain((0..10_000).map(|_| (r.next_u64(), r.next_u64())));
        for (a, b) in pairs {
            assert_eq!(mul_hi_by_halves(a, b), ((u128::from(a) * u128::from(b)) >> 64) as u64, "{a} × {b}");
            assert_eq!(mul_hi(a, b), mul_hi_by_halves(a, b));
        }
    }

    #[test]
    fn the_stream_is_pcg64mcg_s() {
        for seed in [0, 1, 42, 2026, u64::MAX] {
            let (mut ours, mut theirs) = (SpanRng::seed_from_u64(seed), Pcg64Mcg::seed_from_u64(seed));
            for _ in 0..1_000 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed}");
            }
        }
    }

    #[test]
    fn draws_are_random_range_s() {
        // Small spans as scenarios write them, and wide ones where the second output (the bias
        // test) is needed often; the full range; one-value ranges.
        let spans =
            [(1, 4), (1, 20), (0, 0), (5, 5), (3, 1_000_000), (0, u64::MAX / 3 * 2), (7, u64::MAX - 2), (0, u64::MAX)];
        let mut second_draws = 0;
        for seed in [0, 42, 99] {
            let (mut ours, mut theirs) = (SpanRng::seed_from_u64(seed), Pcg64Mcg::seed_from_u64(seed));
            for i in 0..20_000 {
                let (lo, hi) = spans[i % spans.len()];
                let before = theirs.clone();
                assert_eq!(ours.range_inclusive(lo, hi), theirs.random_range(lo..=hi), "seed {seed}, draw {i}");
                let mut probe = before;
                probe.next_u64();
                second_draws += usize::from(probe != theirs);
            }
            assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed}: the streams stayed in step");
        }
        assert!(second_draws > 100, "the bias branch was exercised ({second_draws} times)");
    }
}
