include "Arith.dfy"

// The geometries the code accepts: Allocator/Geometry.cs Validate, rule by rule, over C#'s int sizes.
module OwnershipGeometry {
  import opened OwnershipArith

  datatype Oracle = PoolIndex | RadixTree

  datatype Geometry = Geometry(alignment: int, poolSize: int, arenaSize: int, threshold: int, pageSize: int,
                               unsafeAllowPoolHeaderOracleWithPoolsLargerThanPage: bool)

  // Geometry.PoolHeaderBytes.
  const PoolHeaderBytes: int := 48
  // PoolHeader.ArenaIndex: the offset of the 4-byte arena index the classic oracle reads.
  const ArenaIndexOffset: int := 32

  // C#'s Pow2 in Validate: x > 0 && (x & (x - 1)) == 0 on an int.
  predicate IntPow2(x: int) { 0 < x < 0x8000_0000 && IsPow2(x) }

  // Geometry.PoolOverhead: the header rounded up to the alignment.
  function PoolOverhead(g: Geometry): int
    requires g.alignment > 0
  {
    ((PoolHeaderBytes + g.alignment - 1) / g.alignment) * g.alignment
  }

  // Validate(oracle) returns normally. The largest class's block is NumSizeClasses · alignment = threshold (the
  // threshold is a multiple of the alignment by the rule before), so BlocksPerPool(last) = (pool − overhead) / threshold.
  predicate Accepted(g: Geometry, oracle: Oracle) {
    && IntPow2(g.alignment) && g.alignment >= 8
    && IntPow2(g.poolSize)
    && IntPow2(g.arenaSize)
    && IntPow2(g.pageSize)
    && g.poolSize <= g.arenaSize
    && g.arenaSize / g.poolSize >= 2
    && g.alignment <= g.threshold <= 512
    && g.threshold % g.alignment == 0
    && (g.poolSize - PoolOverhead(g)) / g.threshold >= 2
    && (oracle == PoolIndex && g.poolSize > g.pageSize ==> g.unsafeAllowPoolHeaderOracleWithPoolsLargerThanPage)
  }

  // What the ownership lemmas use of an accepted geometry. The helpers do the products and quotients, so the steps
  // here are linear: derived in place next to Accepted's quotients, their cost could run past the resource limit.
  lemma AcceptedFacts(g: Geometry, oracle: Oracle)
    requires Accepted(g, oracle)
    ensures IsPow2(g.poolSize) && IsPow2(g.arenaSize) && IsPow2(g.pageSize)
    ensures 64 <= g.poolSize && 2 * g.poolSize <= g.arenaSize < 0x8000_0000
    ensures g.arenaSize % g.poolSize == 0
  {
    OverheadCoversHeader(g.alignment);
    QuotientAtLeast(g.poolSize - PoolOverhead(g), g.threshold, 2);
    QuotientAtLeast(g.arenaSize, g.poolSize, 2);
    Pow2Divides(g.poolSize, g.arenaSize);
  }

  lemma OverheadCoversHeader(a: int)
    requires a > 0
    ensures ((PoolHeaderBytes + a - 1) / a) * a >= PoolHeaderBytes
  {
    var x := PoolHeaderBytes + a - 1;
    assert x == (x / a) * a + x % a;
  }

  lemma QuotientAtLeast(x: int, t: int, k: int)
    requires t > 0 && k >= 0 && x / t >= k
    ensures x >= k * t
  {
    assert x == (x / t) * t + x % t;
    if k > 0 { MulAtLeast(x / t - k + 1, t); }
    assert (x / t) * t >= k * t;
  }
}
