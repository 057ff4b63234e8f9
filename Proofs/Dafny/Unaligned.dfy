include "Classic.dfy"
include "Radix.dfy"

// An arena whose base is not pool-aligned (backends give malloc alignment) loses its first pool: its head, from the
// base to the first pool boundary, and its tail, from the last pool boundary to the end, are in no pool it can carve.
// CPython 3.9 (classic) and 3.11 (radix) answer differently there; this module says how.
module UnalignedOwnership {
  import opened OwnershipArith
  import opened OwnershipGeometry
  import opened ClassicOwnership
  import RadixOwnership

  // The bases the radix tree was told about: the live slots of the table.
  ghost function LiveBases(t: Table): set<u64> {
    set j | 0 <= j < |t| && t[j] != 0 :: t[j]
  }

  // p in the arena at b, in the pool-sized chunk of its base (the head) or of its end (the tail).
  ghost predicate HeadOrTail(g: Geometry, b: u64, p: u64)
    requires Sizes(g)
  {
    && InArena(p, b, g.arenaSize)
    && var q, qb := PoolBase(p, g.poolSize as u64) as int, PoolBase(b, g.poolSize as u64) as int;
       q == qb || q == qb + g.arenaSize
  }

  lemma Unaligned_HeadAndTail_Classic39_vs_Radix311(g: Geometry, h: Heap, m: RadixOwnership.Leaves, j: int, p: u64)
    requires Sizes(g) && HeapInv(g, h) && Live(h.table, j)
    requires h.table[j] as int % g.poolSize != 0
    requires RadixOwnership.Inv(m, LiveBases(h.table), g.arenaSize as u64)
    requires HeadOrTail(g, h.table[j], p)
    // p's pool base is no pool of this arena, so no initialised header is ever there: the classic read is garbage.
    ensures var b, q := h.table[j] as int, PoolBase(p, g.poolSize as u64) as int;
            !(b <= q && q + g.poolSize <= b + g.arenaSize) && PoolBase(p, g.poolSize as u64) !in h.carved
    // 3.9: "owned" exactly when that garbage happens to be this arena's slot, so some values give "not owned".
    ensures forall i: u32 {:trigger Decide(i, h.table, p, g.arenaSize as u64)} ::
              Decide(i, h.table, p, g.arenaSize as u64) <==> i as int == j
    ensures exists i: u32 {:trigger Decide(i, h.table, p, g.arenaSize as u64)} :: !Decide(i, h.table, p, g.arenaSize as u64)
    // 3.11: always "owned".
    ensures RadixOwnership.IsUsed(m, p, g.arenaSize as u64)
  {
    var t, b, A, pool := h.table, h.table[j], g.arenaSize, g.poolSize;
    if Accepted(g, PoolIndex) { AcceptedFacts(g, PoolIndex); } else { AcceptedFacts(g, RadixTree); }
    var q := PoolBase(p, pool as u64) as int;
    var qb := PoolBase(b, pool as u64) as int;
    assert qb < b as int < qb + pool;
    assert q <= p as int < q + pool;
    assert !(b as int <= q && q + pool <= b as int + A);
    if PoolBase(p, pool as u64) in h.carved {
      var qu := PoolBase(p, pool as u64);
      assert CarvedOk(g, h, qu);
      var k := h.headers[qu] as int;
      if k != j {
        assert Apart(t[k], b, A);
      }
    }
    Unaligned_Classic39_AnswersBySlot(t, A as u64, j, p);
    assert b in LiveBases(t);
    assert RadixOwnership.InSpan(p, b, A as u64);
    RadixOwnership.Radix_QueryIsExact(m, LiveBases(t), A as u64, p);
  }

  // The classic half: for p in exactly one live arena (slot j), the answer is "owned" exactly for index j, and 2^32 - 1
  // other values exist.
  lemma Unaligned_Classic39_AnswersBySlot(t: Table, A: u64, j: int, p: u64)
    requires TableOk(t, A as int) && Live(t, j) && InArena(p, t[j], A as int)
    ensures forall i: u32 {:trigger Decide(i, t, p, A)} :: Decide(i, t, p, A) <==> i as int == j
    ensures exists i: u32 {:trigger Decide(i, t, p, A)} :: !Decide(i, t, p, A)
  {
    var b := t[j];
    forall i: u32 {:trigger Decide(i, t, p, A)} ensures Decide(i, t, p, A) <==> i as int == j {
      if i as int == j {
        assert Sub(p, b) as int == p as int - b as int;
      } else if i as int >= |t| {
        Lemma1_IndexOutOfBounds(i, t, p, A);
      } else if t[i] == 0 {
        Lemma2_3_BaseZeroSlot(i, t, p, A);
      } else {
        assert Apart(t[i], b, A as int);
        if p < t[i] {
          Lemma5_LiveSlotArenaAboveP(i, t, p, A);
        } else {
          Lemma4_LiveSlotArenaBelowP(i, t, p, A);
        }
      }
    }
    var other: u32 := if j == 0 then 1 else 0;
    assert !Decide(other, t, p, A);
  }
}
