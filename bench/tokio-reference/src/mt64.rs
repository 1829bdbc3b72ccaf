// std::mt19937_64 as the C++ standard specifies it ([rand.predef]), so
// alloc_stress draws the same sizes and the same free order as the Asio
// workload (src/workloads/alloc_workloads.cpp) from the same seed.
pub struct Mt64 {
    state: [u64; 312],
    index: usize,
}

impl Mt64 {
    pub fn new(seed: u64) -> Mt64 {
        let mut state = [0u64; 312];
        state[0] = seed;
        for i in 1..312 {
            let prev = state[i - 1];
            state[i] = 6364136223846793005u64
                .wrapping_mul(prev ^ (prev >> 62))
                .wrapping_add(i as u64);
        }
        Mt64 { state, index: 312 }
    }

    fn twist(&mut self) {
        const UPPER: u64 = !0u64 << 31;
        const LOWER: u64 = (1u64 << 31) - 1;
        for i in 0..312 {
            let x = (self.state[i] & UPPER) | (self.state[(i + 1) % 312] & LOWER);
            let mut next = x >> 1;
            if x & 1 != 0 {
                next ^= 0xB502_6F5A_A966_19E9;
            }
            self.state[i] = self.state[(i + 156) % 312] ^ next;
        }
        self.index = 0;
    }

    pub fn next(&mut self) -> u64 {
        if self.index >= 312 {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= (y >> 29) & 0x5555_5555_5555_5555;
        y ^= (y << 17) & 0x71D6_7FFF_EDA6_0000;
        y ^= (y << 37) & 0xFFF7_EEE0_0000_0000;
        y ^ (y >> 43)
    }
}

#[cfg(test)]
mod tests {
    // The standard's check: the 10000th draw of a default-seeded
    // (5489) mt19937_64 is 9981545732273789042.
    #[test]
    fn ten_thousandth_draw_is_the_standards() {
        let mut rng = super::Mt64::new(5489);
        for _ in 0..9999 {
            rng.next();
        }
        assert_eq!(rng.next(), 9981545732273789042);
    }
}
