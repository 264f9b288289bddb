//! Whether an EC public key's point lies on its curve, checked once per key so that every
//! backend refuses an off-curve key the same way, when it is read. (ring has no parsed keys:
//! it would only refuse such a key on each verification, as a bad signature.)
//!
//! Hand-written, small and slow on purpose (binary long division, about 10 µs per key): it runs
//! once per key, and num-bigint's multiplication and division, the alternative already in the
//! dependency tree, would add their Karatsuba/Toom-3 and division code to the mobile library.

use std::cmp::Ordering;

use super::Curve;

/// P-256 (SEC 2, FIPS 186-4): p and b, little-endian 64-bit limbs.
const P256_P: [u64; 4] = [
    0xffffffffffffffff,
    0x00000000ffffffff,
    0,
    0xffffffff00000001,
];
const P256_B: [u64; 4] = [
    0x3bce3c3e27d2604b,
    0x651d06b0cc53b0f6,
    0xb3ebbd55769886bc,
    0x5ac635d8aa3a93e7,
];
/// P-384: p and b.
const P384_P: [u64; 6] = [
    0x00000000ffffffff,
    0xffffffff00000000,
    0xfffffffffffffffe,
    0xffffffffffffffff,
    0xffffffffffffffff,
    0xffffffffffffffff,
];
const P384_B: [u64; 6] = [
    0x2a85c8edd3ec2aef,
    0xc656398d8a2ed19d,
    0x0314088f5013875a,
    0x181d9c6efe814112,
    0x988e056be3f82d19,
    0xb3312fa7e23ee7e4,
];

/// Whether (x, y), big-endian coordinates of the curve's length, satisfies
/// y² = x³ − 3x + b (mod p) with x, y < p.
pub(super) fn is_on_curve(curve: Curve, x: &[u8], y: &[u8]) -> bool {
    let (p, b): (&[u64], &[u64]) = match curve {
        Curve::P256 => (&P256_P, &P256_B),
        Curve::P384 => (&P384_P, &P384_B),
    };
    let field = Field { p: p.to_vec() };
    let (x, y) = (limbs(x), limbs(y));
    if x.len() != field.p.len() || y.len() != field.p.len() || !field.holds(&x) || !field.holds(&y)
    {
        return false;
    }
    let left = field.mul(&y, &y);
    let x3 = field.mul(&field.mul(&x, &x), &x);
    let three_x = field.add(&field.add(&x, &x), &x);
    let right = field.add(&field.sub(&x3, &three_x), b);
    left == right
}

/// Little-endian 64-bit limbs of a big-endian number whose length is a multiple of 8.
fn limbs(big_endian: &[u8]) -> Vec<u64> {
    big_endian
        .rchunks(8)
        .map(|chunk| chunk.iter().fold(0, |acc, &b| acc << 8 | u64::from(b)))
        .collect()
}

fn compare(a: &[u64], b: &[u64]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// `a -= b` over `a`'s length (b no longer than a); returns the borrow.
fn sub_assign(a: &mut [u64], b: &[u64]) -> bool {
    let mut borrow = false;
    for (i, limb) in a.iter_mut().enumerate() {
        let (d, b1) = limb.overflowing_sub(b.get(i).copied().unwrap_or(0));
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *limb = d;
        borrow = b1 || b2;
    }
    borrow
}

/// Arithmetic modulo p.
struct Field {
    p: Vec<u64>,
}

impl Field {
    fn holds(&self, a: &[u64]) -> bool {
        compare(a, &self.p) == Ordering::Less
    }

    /// `wide mod p`, bit by bit (r < p throughout, so 2r + 1 fits in one more limb).
    fn reduce(&self, wide: &[u64]) -> Vec<u64> {
        let mut p = self.p.clone();
        p.push(0);
        let mut r = vec![0; p.len()];
        for limb in wide.iter().rev() {
            for bit in (0..64).rev() {
                let mut carry = (limb >> bit) & 1;
                for word in r.iter_mut() {
                    let top = *word >> 63;
                    *word = *word << 1 | carry;
                    carry = top;
                }
                if compare(&r, &p) != Ordering::Less {
                    sub_assign(&mut r, &p);
                }
            }
        }
        r.truncate(self.p.len());
        r
    }

    fn mul(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let mut wide = vec![0u64; a.len() + b.len()];
        for (i, &x) in a.iter().enumerate() {
            let mut carry = 0u128;
            for (word, &y) in wide.iter_mut().skip(i).zip(b) {
                let t = u128::from(*word) + u128::from(x) * u128::from(y) + carry;
                *word = t as u64;
                carry = t >> 64;
            }
            if let Some(word) = wide.get_mut(i + b.len()) {
                *word = carry as u64;
            }
        }
        self.reduce(&wide)
    }

    fn add(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let mut sum = Vec::with_capacity(a.len() + 1);
        let mut carry = false;
        for (&x, &y) in a.iter().zip(b) {
            let (s, c1) = x.overflowing_add(y);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            sum.push(s);
            carry = c1 || c2;
        }
        sum.push(u64::from(carry));
        self.reduce(&sum)
    }

    /// `a − b` for a, b < p.
    fn sub(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let mut negated = self.p.clone();
        sub_assign(&mut negated, b);
        self.add(a, &negated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The generators (SEC 2) lie on their curves; a changed coordinate or p itself does not.
    #[test]
    fn generators_are_on_their_curves_and_neighbours_are_not() {
        let g256 = (
            hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
            hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
        );
        let g384 = (
            hex("aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7"),
            hex("3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f"),
        );
        assert!(is_on_curve(Curve::P256, &g256.0, &g256.1));
        assert!(is_on_curve(Curve::P384, &g384.0, &g384.1));
        let mut y = g256.1.clone();
        y[31] ^= 1;
        assert!(!is_on_curve(Curve::P256, &g256.0, &y));
        let mut y = g384.1.clone();
        y[0] ^= 0x80;
        assert!(!is_on_curve(Curve::P384, &g384.0, &y));
        // A coordinate of p (≡ 0) is out of range even where 0 would fit the equation's shape.
        let p = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        assert!(!is_on_curve(Curve::P256, &p, &g256.1));
        assert!(!is_on_curve(Curve::P256, &g256.0, &[0; 31]));
        // The curves are not swapped.
        assert!(!is_on_curve(Curve::P384, &g256.0, &g256.1));
    }
}
