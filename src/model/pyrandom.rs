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
//!
//! A scenario names a stream of these numbers with [`PyStream`] (a seed and how many outputs
//! were used before the run), so a policy can draw what an OSTEP simulator draws.

use rand_mt::Mt;
use serde::{Deserialize, Serialize};

/// A Python-compatible random number generator (`random.Random`).
#[derive(Clone, Debug)]
pub struct PyRandom {
    mt: Mt,
    /// 32-bit outputs drawn so far.
    used: u64,
}

/// Most outputs a [`PyStream`] may skip (a bound on the work of loading a scenario).
pub const MAX_SKIP: u64 = 100_000_000;

/// A stream of Python's random numbers, as a scenario names it:
/// `{"seed": 3, "skip": 12}` is `random.seed(3)` with the first 12 32-bit outputs of the
/// generator already used (by the draws a simulator made before its run, e.g. its jobs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PyStream {
    /// The seed, as `random.seed(seed)` (Python ignores a seed's sign).
    pub seed: u64,
    /// 32-bit outputs already used, at most [`MAX_SKIP`].
    #[serde(default)]
    pub skip: u64,
}

impl PyStream {
    /// The generator at the stream's start.
    pub fn rng(&self) -> PyRandom {
        let mut r = PyRandom::seed(i128::from(self.seed));
        for _ in 0..self.skip {
            r.next_u32();
        }
        r
    }

    /// Checks `skip`; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.skip > MAX_SKIP {
            return Err(format!("skip is at most {MAX_SKIP} outputs, got {}", self.skip));
        }
        Ok(())
    }
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
        PyRandom { mt: Mt::new_with_key(key), used: 0 }
    }

    /// The next raw 32-bit output of MT19937 (Python's `genrand_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        self.used += 1;
        self.mt.next_u32()
    }

    /// 32-bit outputs drawn since seeding (a [`PyStream`]'s `skip` to continue from here).
    pub fn used(&self) -> u64 {
        self.used
    }

    /// As [`random`](Self::random) scaled as OSTEP's lottery.py draws a number:
    /// `int(random() · 1,000,001)`, in `0..=1,000,000`.
    pub fn lottery_number(&mut self) -> u64 {
        (self.random() * 1_000_001.0) as u64
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
    /// `IndexError`, drawing nothing) or one of 2³² elements or more (not supported).
    pub fn choice<'a, T>(&mut self, seq: &'a [T]) -> Option<&'a T> {
        let n = u32::try_from(seq.len()).ok().filter(|&n| n > 0)?;
        Some(&seq[self.randbelow(n) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::PyRandom;

    /// CPython 3.11: `python3 -c "import random; random.seed(S); print([random.random() for _ in range(3)])"`.
    #[test]
    fn random_matches_cpython() {
        let cases: [(i128, [f64; 3]); 6] = [
            (0, [0.8444218515250481, 0.7579544029403025, 0.420571580830845]),
            (1, [0.13436424411240122, 0.8474337369372327, 0.763774618976614]),
            (42, [0.6394267984578837, 0.025010755222666936, 0.27502931836911926]),
            // The sign is ignored.
            (-42, [0.6394267984578837, 0.025010755222666936, 0.27502931836911926]),
            // 2**32 + 5: two key words, [5, 1].
            (4_294_967_301, [0.15727238718789782, 0.2824866316461999, 0.6044540318498407]),
            // 2**70 + 3: three key words.
            (1_180_591_620_717_411_303_427, [0.16339507200642456, 0.9974755625541745, 0.2450324792369598]),
        ];
        for (seed, expected) in cases {
            let mut r = PyRandom::seed(seed);
            let got = [r.random(), r.random(), r.random()];
            assert_eq!(got, expected, "seed {seed}");
        }
    }

    /// CPython 3.11: `random.seed(7); [random.getrandbits(32) for _ in range(3)]`,
    /// `random.seed(7); [random.choice(range(3)) for _ in range(10)]` and
    /// `random.seed(7); [random.randrange(100) for _ in range(5)]`.
    #[test]
    fn bits_choice_and_randbelow_match_cpython() {
        let mut r = PyRandom::seed(7);
        assert_eq!([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)], [1390851128, 4071050724, 647892279]);
        let mut r = PyRandom::seed(7);
        let picks: Vec<u32> = (0..10).map(|_| *r.choice(&[0, 1, 2]).unwrap()).collect();
        assert_eq!(picks, [1, 0, 1, 2, 0, 0, 2, 0, 1, 2]);
        let mut r = PyRandom::seed(7);
        let below: Vec<u32> = (0..5).map(|_| r.randbelow(100)).collect();
        assert_eq!(below, [41, 19, 50, 83, 6]);
        assert_eq!(r.choice::<u8>(&[]), None);
    }
}
