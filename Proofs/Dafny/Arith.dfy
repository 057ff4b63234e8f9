// 64-bit unsigned words as bounded naturals, with every wrap-around written out as a modulo (not bv64: quantified
// bit-vector lemmas time out on the z3 4.8.12 CI installs). Compiled, each newtype is a native C# integer (u64 = ulong,
// u32 = uint, i32 = int).
module OwnershipArith {
  const W: int := 0x1_0000_0000_0000_0000

  newtype u64 = x: int | 0 <= x < 0x1_0000_0000_0000_0000
  newtype u32 = x: int | 0 <= x < 0x1_0000_0000
  newtype i32 = x: int | -0x8000_0000 <= x < 0x8000_0000

  const U64_MAX: u64 := 0xFFFF_FFFF_FFFF_FFFF

  // C#'s (and C's) unsigned a - b: the true difference modulo 2^64. The body is the branch a compiler can run on
  // ulong without overflow; the postcondition is the arithmetic meaning the lemmas use.
  function Sub(a: u64, b: u64): (d: u64)
    ensures d as int == (a as int - b as int) % W
  {
    if a >= b then a - b else (U64_MAX - b) + a + 1
  }

  // The C# cast (long)x: the two's-complement reading of a 64-bit word (only the seeded signed-subtraction variant uses it).
  function Signed(x: u64): int {
    if x as int < W / 2 then x as int else x as int - W
  }

  predicate IsPow2(x: int)
    decreases if x > 0 then x else 0
  {
    x == 1 || (x > 1 && x % 2 == 0 && IsPow2(x / 2))
  }

  lemma MulAtLeast(x: int, y: int)
    requires x >= 1 && y > 0
    ensures x * y >= y
  {}

  lemma MulMono(x: int, y: int, a: int)
    requires x <= y && a > 0
    ensures x * a <= y * a
  {
    assert y * a - x * a == (y - x) * a;
  }

  // Euclidean division is unique: what lets a lemma name p / A and p % A from a decomposition p = k·A + r.
  lemma DivModUnique(p: int, a: int, k: int, r: int)
    requires a > 0 && 0 <= r < a && p == k * a + r
    ensures p / a == k && p % a == r
  {
    var q, s := p / a, p % a;
    assert (q - k) * a == r - s;
    if q > k { MulAtLeast(q - k, a); }
    if q < k { MulAtLeast(k - q, a); }
  }

  lemma MulDivides(a: int, m: int)
    requires a > 0
    ensures (a * m) % a == 0 && (a * m) / a == m
  {
    DivModUnique(a * m, a, m, 0);
  }

  lemma Pow2Positive(x: int)
    requires IsPow2(x)
    ensures x >= 1
  {}

  // Between two powers of two, the smaller one fits at least twice into the larger.
  lemma Pow2Doubles(a: int, b: int)
    requires IsPow2(a) && IsPow2(b) && a < b
    ensures 2 * a <= b
    decreases b
  {
    if a > 1 { Pow2Doubles(a / 2, b / 2); }
  }

  // A power of two divides every larger power of two: pools tile pages, and pools tile arenas.
  lemma Pow2Divides(a: int, b: int)
    requires IsPow2(a) && IsPow2(b) && a <= b
    ensures b % a == 0
    decreases b
  {
    if a < b {
      Pow2Doubles(a, b);
      Pow2Divides(a, b / 2);
      var m := (b / 2) / a;
      assert b / 2 == a * m;
      assert b == a * (2 * m);
      MulDivides(a, 2 * m);
    } else {
      MulDivides(a, 1);
    }
  }

  // x rounded down to a multiple of m: what p & ~(m − 1) computes for a power of two m.
  function RoundDown(x: u64, m: u64): u64
    requires m > 0
  {
    x - x % m
  }

  // The largest multiple of m at or below x is at least every other such multiple. The products come from helpers, so
  // the steps here are linear in k·m and q·m: derived in place, their cost hinged on the solver's random seed.
  lemma RoundDownIsLargest(x: int, m: int, c: int)
    requires m > 0 && x >= 0 && c >= 0 && c % m == 0 && c <= x
    ensures c <= x - x % m
  {
    var k, q := c / m, x / m;
    DivModParts(c, m);
    DivModParts(x, m);
    if k > q {
      MulMono(q + 1, k, m);
      MulSucc(q, m);
    } else {
      MulMono(k, q, m);
    }
  }

  lemma DivModParts(x: int, m: int)
    requires m > 0
    ensures x == (x / m) * m + x % m
  {}

  lemma MulSucc(q: int, m: int)
    ensures (q + 1) * m == q * m + m
  {}
}
