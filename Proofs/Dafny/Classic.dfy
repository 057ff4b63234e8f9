include "Geometry.dfy"

// The classic ownership test (CPython <= 3.9's address_in_range, the port's PoolIndexOracle) over the arena table,
// and the heap operations that write the table and the pool headers. docs/ownership.md numbers the lemmas.
module ClassicOwnership {
  import opened OwnershipArith
  import opened OwnershipGeometry

  // The arena table (ArenaObject.Address per slot): |t| = maxarenas; 0 = never used or released.
  type Table = seq<u64>

  ghost predicate Live(t: Table, j: int) { 0 <= j < |t| && t[j] != 0 }

  ghost predicate InArena(p: u64, b: u64, arenaSize: int) { b as int <= p as int < b as int + arenaSize }

  ghost predicate Apart(b1: u64, b2: u64, arenaSize: int) {
    b1 as int + arenaSize <= b2 as int || b2 as int + arenaSize <= b1 as int
  }

  // What the heap keeps true of its table: at most 2^32 slots (the index read is a uint), each live arena a real
  // allocation of ARENA_SIZE bytes below 2^64 (any base, aligned or not), live arenas pairwise disjoint.
  ghost predicate TableOk(t: Table, arenaSize: int) {
    && |t| <= 0x1_0000_0000
    && (forall j | Live(t, j) :: t[j] as int + arenaSize <= W)
    && (forall j, k | Live(t, j) && Live(t, k) && j != k :: Apart(t[j], t[k], arenaSize))
  }

  // An address in no live arena's span: a foreign block, a released arena, an unmapped address.
  ghost predicate Foreign(t: Table, arenaSize: int, p: u64) {
    forall j | Live(t, j) :: !InArena(p, t[j], arenaSize)
  }

  // pool = p & ~(POOL_SIZE - 1), for a power-of-two POOL_SIZE.
  function PoolBase(p: u64, poolSize: u64): u64
    requires poolSize > 0
  {
    RoundDown(p, poolSize)
  }

  // PoolIndexOracle.Decide: the decision on the index i read at pool + 32. In bounds, p within ARENA_SIZE above the
  // slot's base by unsigned subtraction, and the slot live; the base is read once.
  function Decide(i: u32, t: Table, p: u64, arenaSize: u64): bool {
    && (i as int) < |t|
    && var b := t[i];
       Sub(p, b) < arenaSize && b != 0
  }

  // ---- Lemmas 1-5: a foreign p is "not owned" for every 32-bit value at the index it reads ----

  lemma Lemma1_IndexOutOfBounds(i: u32, t: Table, p: u64, arenaSize: u64)
    requires i as int >= |t|
    ensures !Decide(i, t, p, arenaSize)
  {}

  // Lemmas 2 and 3 meet here: a released slot and a never-used one both hold base 0.
  lemma Lemma2_3_BaseZeroSlot(i: u32, t: Table, p: u64, arenaSize: u64)
    requires (i as int) < |t| && t[i] == 0
    ensures !Decide(i, t, p, arenaSize)
  {}

  lemma Lemma4_LiveSlotArenaBelowP(i: u32, t: Table, p: u64, arenaSize: u64)
    requires TableOk(t, arenaSize as int) && Live(t, i as int)
    requires p as int >= t[i] as int + arenaSize as int
    ensures !Decide(i, t, p, arenaSize)
  {
    assert Sub(p, t[i]) as int == p as int - t[i] as int;
  }

  // p below the arena: the unsigned difference wraps to 2^64 - (b - p) >= 2^64 - b >= ARENA_SIZE.
  lemma Lemma5_LiveSlotArenaAboveP(i: u32, t: Table, p: u64, arenaSize: u64)
    requires TableOk(t, arenaSize as int) && Live(t, i as int)
    requires p < t[i]
    ensures !Decide(i, t, p, arenaSize)
  {
    assert Sub(p, t[i]) as int == p as int - t[i] as int + W;
  }

  // Lemmas 1-5 split every 32-bit value: out of range (1), base 0 (2, 3), live above p (5) or below it (4).
  lemma Theorem_ForeignIsNeverOwned(t: Table, arenaSize: u64, p: u64)
    requires TableOk(t, arenaSize as int) && Foreign(t, arenaSize as int, p)
    ensures forall i: u32 :: !Decide(i, t, p, arenaSize)
  {
    forall i: u32
      ensures !Decide(i, t, p, arenaSize)
    {
      if i as int >= |t| {
        Lemma1_IndexOutOfBounds(i, t, p, arenaSize);
      } else if t[i] == 0 {
        Lemma2_3_BaseZeroSlot(i, t, p, arenaSize);
      } else if p < t[i] {
        Lemma5_LiveSlotArenaAboveP(i, t, p, arenaSize);
      } else {
        assert !InArena(p, t[i], arenaSize as int);
        Lemma4_LiveSlotArenaBelowP(i, t, p, arenaSize);
      }
    }
  }

  // ---- The heap: the operations that write the table and the headers (PymallocHeap.Arenas.cs, .Alloc.cs) ----

  // headers[q]: the 4 bytes at q + 32 for a pool base q the allocator wrote; carved: the initialised pools.
  // Every other index read returns whatever is there: the lemmas above quantify over all of it.
  datatype Heap = Heap(table: Table, everUsed: set<int>, headers: map<u64, u32>, carved: set<u64>)

  ghost predicate Sizes(g: Geometry) {
    Accepted(g, PoolIndex) || Accepted(g, RadixTree)
  }

  ghost predicate CarvedOk(g: Geometry, h: Heap, q: u64)
    requires Sizes(g)
  {
    && q in h.headers
    && Live(h.table, h.headers[q] as int)
    && q as int % g.poolSize == 0
    && h.table[h.headers[q]] as int <= q as int
    && q as int + g.poolSize <= h.table[h.headers[q]] as int + g.arenaSize
  }

  ghost predicate HeapInv(g: Geometry, h: Heap)
    requires Sizes(g)
  {
    && TableOk(h.table, g.arenaSize)
    && (forall j | 0 <= j < |h.table| && j !in h.everUsed :: h.table[j] == 0)
    && (forall q | q in h.carved :: CarvedOk(g, h, q))
  }

  // The table starts at 16 zeroed slots (PymallocHeap: the arena table starts at 16 slots and doubles).
  ghost function Init(): Heap {
    Heap(seq(16, _ => 0 as u64), {}, map[], {})
  }

  // Growing doubles the table; the new slots are zeroed.
  ghost function Grow(h: Heap): Heap {
    h.(table := h.table + seq(|h.table|, _ => 0 as u64))
  }

  ghost predicate CanAdd(g: Geometry, h: Heap, j: int, b: u64)
    requires Sizes(g)
  {
    && 0 <= j < |h.table| && h.table[j] == 0
    && b != 0 && b as int + g.arenaSize <= W
    && (forall k | Live(h.table, k) :: Apart(b, h.table[k], g.arenaSize))
  }

  // new_arena: a fresh arena from the system takes an unused slot (its address published last).
  ghost function AddArena(h: Heap, j: int, b: u64): Heap
    requires 0 <= j < |h.table|
  {
    h.(table := h.table[j := b], everUsed := h.everUsed + {j})
  }

  ghost predicate CanCarve(g: Geometry, h: Heap, j: int, q: u64)
    requires Sizes(g)
  {
    && Live(h.table, j)
    && q as int % g.poolSize == 0
    && h.table[j] as int <= q as int
    && q as int + g.poolSize <= h.table[j] as int + g.arenaSize
  }

  // allocate_from_new_pool: the header, with the arena's slot, is written before any block of the pool is handed out.
  ghost function Carve(h: Heap, j: int, q: u64): Heap
    requires 0 <= j < 0x1_0000_0000
  {
    h.(headers := h.headers[q := j as u32], carved := h.carved + {q})
  }

  // Releasing an arena clears its slot first; its pools are no longer initialised pools of a live arena.
  ghost function Release(g: Geometry, h: Heap, j: int): Heap
    requires Sizes(g) && 0 <= j < |h.table|
  {
    var b := h.table[j];
    h.(table := h.table[j := 0], carved := set q | q in h.carved && !InArena(q, b, g.arenaSize))
  }

  // Each step's effect on what a lemma needs is a lemma of its own, stated without the invariant: a seeded wrong step
  // then fails the lemma that names its effect, quickly, instead of the whole invariant's preservation.

  lemma Lemma3_TableStartsZeroed()
    ensures forall j | 0 <= j < |Init().table| :: Init().table[j] == 0
  {}

  lemma Lemma3_GrowingZeroesTheNewSlots(h: Heap)
    ensures |Grow(h).table| == 2 * |h.table| && Grow(h).table[..|h.table|] == h.table
    ensures forall j | |h.table| <= j < |Grow(h).table| :: Grow(h).table[j] == 0
  {}

  lemma HeapInv_Init(g: Geometry)
    requires Sizes(g)
    ensures HeapInv(g, Init())
  {
    Lemma3_TableStartsZeroed();
  }

  lemma HeapInv_Grow(g: Geometry, h: Heap)
    requires Sizes(g) && HeapInv(g, h) && 2 * |h.table| <= 0x1_0000_0000
    ensures HeapInv(g, Grow(h))
  {
    var h' := Grow(h);
    Lemma3_GrowingZeroesTheNewSlots(h);
    assert forall j | 0 <= j < |h.table| :: h'.table[j] == h.table[j];
    forall q | q in h'.carved ensures CarvedOk(g, h', q) {
      assert CarvedOk(g, h, q);
    }
  }

  lemma HeapInv_AddArena(g: Geometry, h: Heap, j: int, b: u64)
    requires Sizes(g) && HeapInv(g, h) && CanAdd(g, h, j, b)
    ensures HeapInv(g, AddArena(h, j, b))
  {
    var h' := AddArena(h, j, b);
    forall q | q in h'.carved ensures CarvedOk(g, h', q) {
      assert CarvedOk(g, h, q);
    }
  }

  // Carving writes the arena's slot into the pool's header and no other header.
  lemma Lemma6_CarvingWritesTheArenasSlot(h: Heap, j: int, q: u64)
    requires 0 <= j < 0x1_0000_0000
    ensures Carve(h, j, q).headers[q] as int == j
    ensures forall q' | q' in h.headers && q' != q :: q' in Carve(h, j, q).headers && Carve(h, j, q).headers[q'] == h.headers[q']
  {}

  lemma HeapInv_Carve(g: Geometry, h: Heap, j: int, q: u64)
    requires Sizes(g) && HeapInv(g, h) && CanCarve(g, h, j, q)
    ensures HeapInv(g, Carve(h, j, q))
  {
    var h' := Carve(h, j, q);
    Lemma6_CarvingWritesTheArenasSlot(h, j, q);
    forall q' | q' in h'.carved ensures CarvedOk(g, h', q') {
      if q' != q { assert CarvedOk(g, h, q'); }
    }
  }

  lemma HeapInv_Release(g: Geometry, h: Heap, j: int)
    requires Sizes(g) && HeapInv(g, h) && Live(h.table, j)
    ensures HeapInv(g, Release(g, h, j))
  {
    var h' := Release(g, h, j);
    forall q | q in h'.carved ensures CarvedOk(g, h', q) {
      assert CarvedOk(g, h, q);
      var k := h.headers[q] as int;
      if k == j {
        assert InArena(q, h.table[j], g.arenaSize);
      }
    }
  }

  lemma Lemma2_ReleasedSlot(g: Geometry, h: Heap, j: int, p: u64)
    requires Sizes(g) && 0 <= j < |h.table| <= 0x1_0000_0000
    ensures !Decide(j as u32, Release(g, h, j).table, p, g.arenaSize as u64)
  {
    Lemma2_3_BaseZeroSlot(j as u32, Release(g, h, j).table, p, g.arenaSize as u64);
  }

  lemma Lemma3_NeverUsedSlot(g: Geometry, h: Heap, j: int, p: u64)
    requires Sizes(g) && HeapInv(g, h) && 0 <= j < |h.table| && j !in h.everUsed
    ensures !Decide(j as u32, h.table, p, g.arenaSize as u64)
  {
    Lemma2_3_BaseZeroSlot(j as u32, h.table, p, g.arenaSize as u64);
  }

  // ---- Lemma 6: p in a carved pool reads its pool's initialised header, and the answer is "owned" ----

  lemma Lemma6_InitialisedHeaderAnswersOwned(g: Geometry, h: Heap, q: u64, p: u64)
    requires Sizes(g) && HeapInv(g, h) && q in h.carved
    requires q as int <= p as int < q as int + g.poolSize
    ensures PoolBase(p, g.poolSize as u64) == q
    ensures Decide(h.headers[q], h.table, p, g.arenaSize as u64)
  {
    assert CarvedOk(g, h, q);
    var k := q as int / g.poolSize;
    assert q as int == k * g.poolSize;
    DivModUnique(p as int, g.poolSize, k, p as int - q as int);
    var b := h.table[h.headers[q]];
    assert Sub(p, b) as int == p as int - b as int;
  }

  // The theorem of docs/ownership.md for every reachable heap: Owned => true, NotOwned => false, whatever the read
  // returns where no header was written.
  lemma Theorem_ClassicTestIsRight(g: Geometry, h: Heap, p: u64)
    requires Sizes(g) && HeapInv(g, h)
    ensures Foreign(h.table, g.arenaSize, p) ==>
              forall i: u32 {:trigger Decide(i, h.table, p, g.arenaSize as u64)} :: !Decide(i, h.table, p, g.arenaSize as u64)
    ensures forall q | q in h.carved && q as int <= p as int < q as int + g.poolSize ::
              PoolBase(p, g.poolSize as u64) == q && Decide(h.headers[q], h.table, p, g.arenaSize as u64)
  {
    if Foreign(h.table, g.arenaSize, p) {
      Theorem_ForeignIsNeverOwned(h.table, g.arenaSize as u64, p);
    }
    forall q | q in h.carved && q as int <= p as int < q as int + g.poolSize
      ensures PoolBase(p, g.poolSize as u64) == q && Decide(h.headers[q], h.table, p, g.arenaSize as u64)
    {
      Lemma6_InitialisedHeaderAnswersOwned(g, h, q, p);
    }
  }

  // ---- (P): with POOL_SIZE <= page, the index read stays in a page that holds p ----

  // Multiples of m at least m apart. The products come from helpers: derived in place, the cost hinged on the solver's
  // random seed.
  lemma MultiplesApart(c1: int, c2: int, m: int)
    requires m > 0 && c1 % m == 0 && c2 % m == 0 && c1 < c2
    ensures c1 + m <= c2
  {
    var k1, k2 := c1 / m, c2 / m;
    DivModParts(c1, m);
    DivModParts(c2, m);
    if k2 <= k1 {
      MulMono(k2, k1, m);
    } else {
      MulMono(k1 + 1, k2, m);
      MulSucc(k1, m);
    }
  }

  lemma MultipleOfMultiple(c: int, m: int, n: int)
    requires m > 0 && n > 0 && c % n == 0 && n % m == 0
    ensures c % m == 0
  {
    var x, y := c / n, n / m;
    assert c == x * n && n == y * m;
    assert c == (x * y) * m;
    MulDivides(m, x * y);
  }

  lemma P_IndexReadStaysInPsPage(g: Geometry, p: u64)
    requires Accepted(g, PoolIndex) && !g.unsafeAllowPoolHeaderOracleWithPoolsLargerThanPage
    ensures var q := PoolBase(p, g.poolSize as u64) as int;
            var page := p as int - p as int % g.pageSize;
            page <= q + ArenaIndexOffset && q + ArenaIndexOffset + 4 <= page + g.pageSize
  {
    AcceptedFacts(g, PoolIndex);
    Pow2Divides(g.poolSize, g.pageSize);
    PoolBaseInPage(p as int, g.poolSize, g.pageSize);
  }

  // The arithmetic of (P): the pool base is a multiple of the pool size at or below p, and a page (a multiple of the
  // pool size) holds whole pools. Each bound is a helper of its own: with every rounding fact in one context, the
  // cost hinged on the solver's random seed.
  lemma PoolBaseInPage(p: int, pool: int, pageSize: int)
    requires p >= 0 && 64 <= pool <= pageSize && pageSize % pool == 0
    ensures var q := p - p % pool;
            var page := p - p % pageSize;
            page <= q && q + pool <= page + pageSize
  {
    PageStartAtOrBelowPoolBase(p, pool, pageSize);
    PoolEndAtOrBelowPageEnd(p, pool, pageSize);
  }

  lemma PageStartAtOrBelowPoolBase(p: int, pool: int, pageSize: int)
    requires p >= 0 && 0 < pool <= pageSize && pageSize % pool == 0
    ensures p - p % pageSize <= p - p % pool
  {
    var page := p - p % pageSize;
    RoundDownFacts(p, pageSize);
    MultipleOfMultiple(page, pool, pageSize);
    RoundDownIsLargest(p, pool, page);
  }

  lemma PoolEndAtOrBelowPageEnd(p: int, pool: int, pageSize: int)
    requires p >= 0 && 0 < pool <= pageSize && pageSize % pool == 0
    ensures p - p % pool + pool <= p - p % pageSize + pageSize
  {
    var q := p - p % pool;
    var end := p - p % pageSize + pageSize;
    RoundDownFacts(p, pool);
    RoundDownFacts(p, pageSize);
    MultipleOfMultiple(end, pool, pageSize);
    MultiplesApart(q, end, pool);
  }

  // x rounded down to a multiple of m, and the next multiple up. Kept apart from PoolBaseInPage, whose cost with these
  // products in its context hinged on the solver's random seed.
  lemma RoundDownFacts(x: int, m: int)
    requires x >= 0 && m > 0
    ensures (x - x % m) % m == 0 && (x - x % m + m) % m == 0 && x - x % m <= x < x - x % m + m
  {
    var k := x / m;
    DivModParts(x, m);
    MulSucc(k, m);
    DivModUnique(x - x % m, m, k, 0);
    DivModUnique(x - x % m + m, m, k + 1, 0);
  }

  // The rule is needed: with pools larger than a page some p's index read lies outside p's page (bpo-37211).
  lemma P_IsNeededWhenPoolsExceedThePage(g: Geometry)
    requires Accepted(g, RadixTree) && g.poolSize > g.pageSize
    ensures exists p: u64 {:trigger PoolBase(p, g.poolSize as u64)} :: var q := PoolBase(p, g.poolSize as u64) as int;
                             var page := p as int - p as int % g.pageSize;
                             !(page <= q + ArenaIndexOffset && q + ArenaIndexOffset + 4 <= page + g.pageSize)
  {
    AcceptedFacts(g, RadixTree);
    Pow2Doubles(g.pageSize, g.poolSize);
    Pow2Divides(g.pageSize, g.poolSize);
    var p := ReadLeavesThePage(g.poolSize, g.pageSize);
  }

  // The witness, proved apart from Accepted's quotients (next to them its cost hinged on the solver's random seed):
  // the pool at `pool` read from its base when a page is at most 32 bytes (the read starts past that page), else from
  // the start of its second page (the read lies before that page).
  lemma ReadLeavesThePage(pool: int, pageSize: int) returns (p: u64)
    requires 64 <= pool < 0x8000_0000 && 0 < pageSize && 2 * pageSize <= pool && pool % pageSize == 0
    ensures var q := PoolBase(p, pool as u64) as int;
            var page := p as int - p as int % pageSize;
            !(page <= q + ArenaIndexOffset && q + ArenaIndexOffset + 4 <= page + pageSize)
  {
    var k := pool / pageSize;
    DivModParts(pool, pageSize);
    if pageSize <= ArenaIndexOffset {
      p := pool as u64;
      DivModUnique(pool, pool, 1, 0);
      DivModUnique(pool, pageSize, k, 0);
    } else {
      p := (pool + pageSize) as u64;
      DivModUnique(pool + pageSize, pool, 1, pageSize);
      MulSucc(k, pageSize);
      DivModUnique(pool + pageSize, pageSize, k + 1, 0);
    }
  }
}
