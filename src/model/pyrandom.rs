//! Python's `random` module, reproduced: the same seed gives the same numbers as CPython, so a
//! workload OSTEP's homework simulators draw with `-s N` can be drawn here too.
//!
//! The generator is MT19937 (Matsumoto and Nishimura, 1998), from the `rand_mt` crate. What is
//! Python's (CPython 3.11, `Modules/_randommodule.c` and `Lib/random.py`):
//! - `random.seed(n)` for an integer `n` seeds with `init_by_array` over the 32-bit words of
//!   `|n|`, least significant first (`[0]` for 0);
//! - `random()` takes two outputs `a >> 5` (27 bits) and `b >> 6` (26 bits) and returns
//!   `(a · 2²⁶ + b) / 2⁵³`, a float in `[0, 1)`;
//! - `getrandbits(k)` for `k ≤ 32` is one output shifted right by `32 − k`;
//! - `_randbelow(n)` draws `getrandbits(n.bit_length())` until it is below `n`; `choice(seq)`
//!   is `seq[_randbelow(len(seq))]`.

use rand_mt::Mt;

/// A Python-compatible random number generator (`random.Random`).
#[derive(Clone, Debug)]
pub struct PyRandom {
    mt: Mt,
}

impl PyRandom {
    /// As `random.seed(n)` in Python for an integer `n` (the sign is ignored, as Python does).
    pub fn seed(n: i128) -> Self {
        let mut magnitude = n.unsigned_abs();
        let mut key = Vec::with_capacity(4);
        loop {
            key.push(magnitude as u32);
            magnitude >>= 32;
            if magnitude == 0 {
                break;
            }
        }
        PyRandom { mt: Mt::new_with_key(key) }
    }

    /// The next raw 32-bit output of MT19937 (Python's `genrand_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// As `random.random()`: a float in `[0, 1)` with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// As `random.getrandbits(k)` for `1 ≤ k ≤ 32`: the top `k` bits of one output.
    ///
    /// # Panics
    /// If `k` is 0 or more than 32 (Python's wider draws are not needed here).
    pub fn getrandbits(&mut self, k: u32) -> u32 {
        assert!((1..=32).contains(&k), "getrandbits: k = {k} is outside 1..=32");
        self.next_u32() >> (32 - k)
    }

    /// As Python's `Random._randbelow(n)`: uniform in `0..n`, by rejection of
    /// `getrandbits(n.bit_length())`. `n` must be at least 1 (Python loops forever on 0).
    ///
    /// # Panics
    /// If `n` is 0.
    pub fn randbelow(&mut self, n: u32) -> u32 {
        assert!(n >= 1, "randbelow(0) has no value");
        let k = u32::BITS - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// As `random.choice(seq)`: one element, or `None` for an empty slice (Python raises
    /// `IndexError`, drawing nothing).
    pub fn choice<'a, T>(&mut self, seq: &'a [T]) -> Option<&'a T> {
        let n = u32::try_from(seq.len()).ok().filter(|&n| n > 0)?;
        Some(&seq[self.randbelow(n) as usize])
    }
}
