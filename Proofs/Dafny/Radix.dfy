include "Arith.dfy"

// The radix-tree oracle (CPython 3.10+'s arena map, the port's ArenaMap): one ArenaCoverage leaf per ARENA_SIZE-aligned
// span of addresses, keyed by address / ARENA_SIZE, with the port's encoding (Allocator/Radix/ArenaCoverage.cs):
// an arena at base b with t = b mod ARENA_SIZE sets tail_hi of b's span to t (−1 when t = 0: the whole span) and,
// when t ≠ 0, tail_lo of the next span to t. Unmarking writes 0 where marking wrote.
module RadixOwnership {
  import opened OwnershipArith

  datatype Leaf = Leaf(tailHi: i32, tailLo: i32)

  // The leaves that exist; an absent leaf reads as zero (a node or chunk not yet built, as in ArenaMap).
  type Leaves = map<u64, Leaf>

  // ARENA_SIZE: tails are int32 offsets below it (ArenaMapLayout: ARENA_BITS 1..31).
  predicate SizeOk(a: u64) { 0 < a as int <= 0x8000_0000 }

  function LeafAt(m: Leaves, k: u64): Leaf {
    if k in m then m[k] else Leaf(0, 0)
  }

  // ArenaCoverage.Covers: arena_map_is_used's test on the span offset.
  function Covers(leaf: Leaf, offset: i32): bool {
    offset < leaf.tailLo || (offset >= leaf.tailHi && leaf.tailHi != 0)
  }

  // ArenaMap.IsUsed without its hints: the leaf of p's span, tested at p's offset in the span.
  function IsUsed(m: Leaves, p: u64, a: u64): bool
    requires SizeOk(a)
  {
    Covers(LeafAt(m, p / a), (p % a) as i32)
  }

  // SetCoverage's precondition: the port throws for a base of 0 or an arena that wraps past 2^64.
  predicate Fits(b: u64, a: u64) {
    b != 0 && b as int + a as int <= W
  }

  // ArenaMap.SetCoverage: marking (used) or unmarking the arena at b.
  function SetCoverage(m: Leaves, b: u64, a: u64, used: bool): Leaves
    requires SizeOk(a) && Fits(b, a)
  {
    var k := b / a;
    var tail := (b % a) as i32;
    if tail == 0 then
      m[k := LeafAt(m, k).(tailHi := if used then -1 else 0)]
    else
      var m1 := m[k := LeafAt(m, k).(tailHi := if used then tail else 0)];
      NextSpanExists(b, a);
      m1[k + 1 := LeafAt(m1, k + 1).(tailLo := if used then tail else 0)]
  }

  function Mark(m: Leaves, b: u64, a: u64): Leaves
    requires SizeOk(a) && Fits(b, a)
  {
    SetCoverage(m, b, a, true)
  }

  function Unmark(m: Leaves, b: u64, a: u64): Leaves
    requires SizeOk(a) && Fits(b, a)
  {
    SetCoverage(m, b, a, false)
  }

  // An unaligned arena's span ends inside the next span, which has a key.
  lemma NextSpanExists(b: u64, a: u64)
    requires SizeOk(a) && Fits(b, a) && b % a != 0
    ensures (b / a) as int + 1 < W
  {
    KeyOff(b, a);
    if Key(b, a) + 1 >= W { MulAtLeast(Key(b, a), a as int); }
  }

  // ---- Arithmetic, kept opaque: the span key and offset of an address, and what they mean ----

  opaque ghost function Key(x: u64, a: u64): int requires SizeOk(a) { x as int / a as int }
  opaque ghost function Off(x: u64, a: u64): (r: int) requires SizeOk(a) ensures 0 <= r < a as int { x as int % a as int }

  lemma KeyOff(x: u64, a: u64)
    requires SizeOk(a)
    ensures x as int == Key(x, a) * a as int + Off(x, a) && 0 <= Off(x, a) < a as int && 0 <= Key(x, a) < W
    ensures (x / a) as int == Key(x, a) && (x % a) as int == Off(x, a)
  {
    reveal Key, Off;
    if x as int / a as int >= 1 { MulAtLeast(x as int / a as int, a as int); }
  }

  // The leaf of an integer key (absent keys read as zero).
  ghost function Get(m: Leaves, k: int): Leaf {
    if 0 <= k < W then LeafAt(m, k as u64) else Leaf(0, 0)
  }

  // ---- The specification: the live arenas, and what the leaves must say about them ----

  ghost predicate InSpan(p: u64, b: u64, a: u64) { b as int <= p as int < b as int + a as int }

  ghost predicate Owned(L: set<u64>, p: u64, a: u64) { exists b | b in L :: InSpan(p, b, a) }

  ghost predicate Disjoint(L: set<u64>, a: u64) {
    && (forall b | b in L :: Fits(b, a))
    && (forall b1, b2 | b1 in L && b2 in L && b1 != b2 :: b1 as int + a as int <= b2 as int || b2 as int + a as int <= b1 as int)
  }

  // tail_hi for an arena at span offset t.
  function HiOf(t: int): int { if t == 0 then -1 else t }

  // Each live arena's entries are written...
  ghost predicate HiWritten(m: Leaves, L: set<u64>, a: u64) requires SizeOk(a) {
    forall b | b in L :: Get(m, Key(b, a)).tailHi as int == HiOf(Off(b, a))
  }
  ghost predicate LoWritten(m: Leaves, L: set<u64>, a: u64) requires SizeOk(a) {
    forall b | b in L && Off(b, a) != 0 :: Get(m, Key(b, a) + 1).tailLo as int == Off(b, a)
  }
  // ... and every non-zero entry is one a live arena wrote.
  ghost predicate HiExplained(m: Leaves, L: set<u64>, a: u64) requires SizeOk(a) {
    forall k | k in m && m[k].tailHi != 0 ::
      exists b | b in L :: Key(b, a) == k as int && m[k].tailHi as int == HiOf(Off(b, a))
  }
  ghost predicate LoExplained(m: Leaves, L: set<u64>, a: u64) requires SizeOk(a) {
    forall k | k in m && m[k].tailLo != 0 ::
      exists b | b in L :: Off(b, a) != 0 && Key(b, a) + 1 == k as int && m[k].tailLo as int == Off(b, a)
  }

  // The leaves say exactly the live set L.
  ghost predicate Inv(m: Leaves, L: set<u64>, a: u64) requires SizeOk(a) {
    Disjoint(L, a) && HiWritten(m, L, a) && LoWritten(m, L, a) && HiExplained(m, L, a) && LoExplained(m, L, a)
  }

  // Two live arenas never start in the same span (they would overlap).
  lemma SameSpanOverlaps(b1: u64, b2: u64, a: u64)
    requires SizeOk(a) && Key(b1, a) == Key(b2, a)
    ensures b1 as int < b2 as int + a as int && b2 as int < b1 as int + a as int
  {
    KeyOff(b1, a);
    KeyOff(b2, a);
  }

  // An address in an arena's span lies in the arena's first span at or above its offset, or in the next span below it.
  lemma SpanOfAddressInArena(p: u64, b: u64, a: u64)
    requires SizeOk(a) && InSpan(p, b, a)
    ensures Key(p, a) == Key(b, a) ==> Off(p, a) >= Off(b, a)
    ensures Key(p, a) != Key(b, a) ==> Key(b, a) + 1 == Key(p, a) && Off(b, a) != 0 && Off(p, a) < Off(b, a)
  {
    KeyOff(p, a);
    KeyOff(b, a);
    SpanArith(Key(p, a), Off(p, a), Key(b, a), Off(b, a), a as int);
  }

  lemma SpanArith(kp: int, s: int, k: int, t: int, a: int)
    requires a > 0 && 0 <= s < a && 0 <= t < a && k * a + t <= kp * a + s < k * a + t + a
    ensures (kp == k && s >= t) || (kp == k + 1 && t != 0 && s < t)
  {
    var d := kp - k;
    assert kp * a == k * a + d * a;
    if d >= 2 { MulMono(2, d, a); }
    if d <= -1 { MulMono(d, -1, a); }
  }

  // IsUsed in the integer terms of the specification.
  lemma IsUsedMeans(m: Leaves, p: u64, a: u64)
    requires SizeOk(a)
    ensures IsUsed(m, p, a) == Covers(Get(m, Key(p, a)), Off(p, a) as i32)
  {
    KeyOff(p, a);
  }

  // ---- The coverage lemma: the leaves answer "owned" exactly on the live arenas' spans ----

  lemma Radix_QueryIsExact(m: Leaves, L: set<u64>, a: u64, p: u64)
    requires SizeOk(a) && Inv(m, L, a)
    ensures IsUsed(m, p, a) <==> Owned(L, p, a)
  {
    IsUsedMeans(m, p, a);
    if Owned(L, p, a) { Radix_OwnedIsCovered(m, L, a, p); }
    if IsUsed(m, p, a) { Radix_CoveredIsOwned(m, L, a, p); }
  }

  // Every byte of a live arena is covered: by tail_hi in its first span, by tail_lo in the next.
  lemma Radix_OwnedIsCovered(m: Leaves, L: set<u64>, a: u64, p: u64)
    requires SizeOk(a) && HiWritten(m, L, a) && LoWritten(m, L, a) && Owned(L, p, a)
    ensures Covers(Get(m, Key(p, a)), Off(p, a) as i32)
  {
    var b :| b in L && InSpan(p, b, a);
    SpanOfAddressInArena(p, b, a);
    assert Get(m, Key(b, a)).tailHi as int == HiOf(Off(b, a));
    if Key(p, a) != Key(b, a) {
      assert Get(m, Key(b, a) + 1).tailLo as int == Off(b, a);
    }
  }

  // A covered byte belongs to the live arena that wrote the entry covering it.
  lemma Radix_CoveredIsOwned(m: Leaves, L: set<u64>, a: u64, p: u64)
    requires SizeOk(a) && HiExplained(m, L, a) && LoExplained(m, L, a)
    requires Covers(Get(m, Key(p, a)), Off(p, a) as i32)
    ensures Owned(L, p, a)
  {
    KeyOff(p, a);
    var k := Key(p, a);
    var ku := k as u64;
    var leaf := Get(m, k);
    if Off(p, a) < leaf.tailLo as int {
      assert ku in m && m[ku].tailLo != 0;
      var b :| b in L && Off(b, a) != 0 && Key(b, a) + 1 == k && m[ku].tailLo as int == Off(b, a);
      KeyOff(b, a);
      InNextSpan(Key(b, a), Off(b, a), Off(p, a), a as int);
      assert InSpan(p, b, a);
    } else {
      assert ku in m && m[ku].tailHi != 0;
      var b :| b in L && Key(b, a) == k && m[ku].tailHi as int == HiOf(Off(b, a));
      KeyOff(b, a);
      assert InSpan(p, b, a);
    }
  }

  // A byte of the next span below the arena's offset is inside the arena.
  lemma InNextSpan(kb: int, t: int, off: int, a: int)
    requires a > 0 && 0 <= off < t < a
    ensures kb * a + t <= (kb + 1) * a + off < kb * a + t + a
  {
    assert (kb + 1) * a == kb * a + a;
  }

  lemma Radix_Empty(a: u64)
    requires SizeOk(a)
    ensures Inv(map[], {}, a)
  {}

  // The port's encoding, in integer keys: marking writes tail_hi = HiOf(t) in the arena's span and, when t != 0,
  // tail_lo = t in the next span; nothing else changes.
  lemma Radix_MarkWritesTheEncoding(m: Leaves, b: u64, a: u64)
    requires SizeOk(a) && Fits(b, a)
    ensures var m', k, t := Mark(m, b, a), Key(b, a), Off(b, a);
            && Get(m', k).tailHi as int == HiOf(t)
            && Get(m', k).tailLo == Get(m, k).tailLo
            && (t != 0 ==> Get(m', k + 1).tailLo as int == t && Get(m', k + 1).tailHi == Get(m, k + 1).tailHi)
            && (forall j | j != k && (t == 0 || j != k + 1) :: Get(m', j) == Get(m, j))
            && (forall j: u64 | j in m' && j as int != k && (t == 0 || j as int != k + 1) :: j in m && m'[j] == m[j])
  {
    KeyOff(b, a);
    if Off(b, a) != 0 { NextSpanExists(b, a); }
  }

  // Unmarking writes 0 exactly where marking wrote.
  lemma Radix_UnmarkClearsWhatMarkWrote(m: Leaves, b: u64, a: u64)
    requires SizeOk(a) && Fits(b, a)
    ensures var m', k, t := Unmark(m, b, a), Key(b, a), Off(b, a);
            && Get(m', k).tailHi == 0
            && Get(m', k).tailLo == Get(m, k).tailLo
            && (t != 0 ==> Get(m', k + 1).tailLo == 0 && Get(m', k + 1).tailHi == Get(m, k + 1).tailHi)
            && (forall j | j != k && (t == 0 || j != k + 1) :: Get(m', j) == Get(m, j))
            && (forall j: u64 | j in m' && j as int != k && (t == 0 || j as int != k + 1) :: j in m && m'[j] == m[j])
  {
    KeyOff(b, a);
    if Off(b, a) != 0 { NextSpanExists(b, a); }
  }

  // Proved one conjunct of Inv at a time, as Radix_UnmarkKeepsCoverageExact is (see there).
  lemma Radix_MarkKeepsCoverageExact(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Inv(m, L, a) && Fits(b, a) && b !in L
    requires forall c | c in L :: b as int + a as int <= c as int || c as int + a as int <= b as int
    ensures Inv(Mark(m, b, a), L + {b}, a)
  {
    MarkKeepsDisjoint(L, a, b);
    MarkKeepsWritten(m, L, a, b);
    MarkKeepsHiExplained(m, L, a, b);
    MarkKeepsLoExplained(m, L, a, b);
  }

  // The live arenas start in other spans than b.
  lemma MarkKeepsDisjoint(L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Disjoint(L, a) && Fits(b, a) && b !in L
    requires forall c | c in L :: b as int + a as int <= c as int || c as int + a as int <= b as int
    ensures Disjoint(L + {b}, a)
    ensures forall c | c in L :: Key(c, a) != Key(b, a)
  {
    forall c | c in L ensures Key(c, a) != Key(b, a) {
      if Key(c, a) == Key(b, a) { SameSpanOverlaps(b, c, a); }
    }
  }

  lemma MarkKeepsWritten(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Fits(b, a) && HiWritten(m, L, a) && LoWritten(m, L, a)
    requires forall c | c in L :: Key(c, a) != Key(b, a)
    ensures HiWritten(Mark(m, b, a), L + {b}, a) && LoWritten(Mark(m, b, a), L + {b}, a)
  {
    Radix_MarkWritesTheEncoding(m, b, a);
  }

  lemma MarkKeepsHiExplained(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Fits(b, a) && HiExplained(m, L, a)
    ensures HiExplained(Mark(m, b, a), L + {b}, a)
  {
    var m', k := Mark(m, b, a), Key(b, a);
    Radix_MarkWritesTheEncoding(m, b, a);
    forall j | j in m' && m'[j].tailHi != 0
      ensures exists c | c in L + {b} :: Key(c, a) == j as int && m'[j].tailHi as int == HiOf(Off(c, a))
    {
      if j as int != k {
        assert Get(m', j as int).tailHi == Get(m, j as int).tailHi;
        assert j in m && m[j].tailHi == m'[j].tailHi;
      } else {
        assert Get(m', j as int) == m'[j];
      }
    }
  }

  lemma MarkKeepsLoExplained(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Fits(b, a) && LoExplained(m, L, a)
    ensures LoExplained(Mark(m, b, a), L + {b}, a)
  {
    var m', k, t := Mark(m, b, a), Key(b, a), Off(b, a);
    Radix_MarkWritesTheEncoding(m, b, a);
    forall j | j in m' && m'[j].tailLo != 0
      ensures exists c | c in L + {b} :: Off(c, a) != 0 && Key(c, a) + 1 == j as int && m'[j].tailLo as int == Off(c, a)
    {
      if t == 0 || j as int != k + 1 {
        assert Get(m', j as int).tailLo == Get(m, j as int).tailLo;
        assert j in m && m[j].tailLo == m'[j].tailLo;
      } else {
        assert Get(m', j as int) == m'[j];
      }
    }
  }

  // Proved one conjunct of Inv at a time, each helper given only the facts it needs: in one obligation, all of Inv's
  // quantifiers on both maps are in scope and the solver's cost swings with its search order.
  lemma Radix_UnmarkKeepsCoverageExact(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Inv(m, L, a) && b in L
    ensures Fits(b, a)
    ensures Inv(Unmark(m, b, a), L - {b}, a)
  {
    UnmarkKeepsDisjoint(L, a, b);
    UnmarkKeepsWritten(m, L, a, b);
    UnmarkKeepsHiExplained(m, L, a, b);
    UnmarkKeepsLoExplained(m, L, a, b);
  }

  // The other live arenas start in other spans than b.
  lemma UnmarkKeepsDisjoint(L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Disjoint(L, a) && b in L
    ensures Fits(b, a) && Disjoint(L - {b}, a)
    ensures forall c | c in L - {b} :: Key(c, a) != Key(b, a)
  {
    forall c | c in L - {b} ensures Key(c, a) != Key(b, a) {
      if Key(c, a) == Key(b, a) { SameSpanOverlaps(b, c, a); }
    }
  }

  lemma UnmarkKeepsWritten(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Fits(b, a) && HiWritten(m, L, a) && LoWritten(m, L, a)
    requires forall c | c in L - {b} :: Key(c, a) != Key(b, a)
    ensures HiWritten(Unmark(m, b, a), L - {b}, a) && LoWritten(Unmark(m, b, a), L - {b}, a)
  {
    Radix_UnmarkClearsWhatMarkWrote(m, b, a);
  }

  lemma UnmarkKeepsHiExplained(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Fits(b, a) && HiExplained(m, L, a)
    ensures HiExplained(Unmark(m, b, a), L - {b}, a)
  {
    var m', k := Unmark(m, b, a), Key(b, a);
    Radix_UnmarkClearsWhatMarkWrote(m, b, a);
    forall j | j in m' && m'[j].tailHi != 0
      ensures exists c | c in L - {b} :: Key(c, a) == j as int && m'[j].tailHi as int == HiOf(Off(c, a))
    {
      assert j as int != k;
      assert j in m && m[j].tailHi == m'[j].tailHi;
      var c :| c in L && Key(c, a) == j as int && m[j].tailHi as int == HiOf(Off(c, a));
      assert c != b;
    }
  }

  lemma UnmarkKeepsLoExplained(m: Leaves, L: set<u64>, a: u64, b: u64)
    requires SizeOk(a) && Fits(b, a) && LoExplained(m, L, a)
    ensures LoExplained(Unmark(m, b, a), L - {b}, a)
  {
    var m', k, t := Unmark(m, b, a), Key(b, a), Off(b, a);
    Radix_UnmarkClearsWhatMarkWrote(m, b, a);
    forall j | j in m' && m'[j].tailLo != 0
      ensures exists c | c in L - {b} :: Off(c, a) != 0 && Key(c, a) + 1 == j as int && m'[j].tailLo as int == Off(c, a)
    {
      assert t == 0 || j as int != k + 1;
      assert Get(m', j as int).tailLo == Get(m, j as int).tailLo;
      assert j in m && m[j].tailLo == m'[j].tailLo;
      var c :| c in L && Off(c, a) != 0 && Key(c, a) + 1 == j as int && m[j].tailLo as int == Off(c, a);
      assert c != b;
    }
  }

  // ---- The port's nodes: the key's split into root, mid and bottom indices loses nothing ----

  // ArenaMapLayout splits the key (the address bits above ARENA_BITS, fewer than 2·INTERIOR + BOTTOM bits) into the
  // root index (key >> (BOTTOM + INTERIOR)) & mask, the mid index (key >> BOTTOM) & mask and the bottom index
  // key & mask: mixed-radix digits with bottom = 2^BOTTOM and interior = 2^INTERIOR (ChunkShape splits an index into
  // chunk and offset the same way). Equal digits mean equal keys, so the nested nodes hold one leaf per key, as the
  // flat map of this model does.
  lemma Radix_KeySplitLosesNothing(k1: int, k2: int, bottom: int, interior: int)
    requires bottom > 0 && interior > 0
    requires 0 <= k1 < bottom * interior * interior && 0 <= k2 < bottom * interior * interior
    requires k1 % bottom == k2 % bottom
    requires (k1 / bottom) % interior == (k2 / bottom) % interior
    requires (k1 / bottom / interior) % interior == (k2 / bottom / interior) % interior
    ensures k1 == k2
  {
    Digits(k1, bottom, interior);
    Digits(k2, bottom, interior);
  }

  lemma Digits(k: int, bottom: int, interior: int)
    requires bottom > 0 && interior > 0 && 0 <= k < bottom * interior * interior
    ensures k == ((k / bottom / interior) % interior * interior + (k / bottom) % interior) * bottom + k % bottom
  {
    var x := k / bottom;
    QuotientBelow(k, bottom, interior * interior);
    QuotientBelow(x, interior, interior);
    DivModUnique(x / interior, interior, 0, x / interior);
    assert x == (x / interior) * interior + x % interior;
    assert k == x * bottom + k % bottom;
  }

  lemma QuotientBelow(x: int, m: int, n: int)
    requires m > 0 && n > 0 && 0 <= x < m * n
    ensures 0 <= x / m < n
  {
    if x / m >= n { MulMono(n, x / m, m); }
  }

  // ---- Any sequence of marks and unmarks the heap can make ----

  datatype Op = MarkArena(base: u64) | UnmarkArena(base: u64)

  datatype Option<T> = None | Some(value: T)

  // The live set after ops, or None if some op is one the heap never makes (a mark overlapping a live arena, an
  // unmark of an arena that is not live, a base the port refuses).
  ghost function LiveAfter(ops: seq<Op>, a: u64): Option<set<u64>>
    requires SizeOk(a)
    decreases |ops|
  {
    if |ops| == 0 then Some({})
    else match LiveAfter(ops[..|ops| - 1], a)
      case None => None
      case Some(L) =>
        match ops[|ops| - 1]
          case MarkArena(b) =>
            if Fits(b, a) && b !in L && (forall c | c in L :: b as int + a as int <= c as int || c as int + a as int <= b as int)
            then Some(L + {b}) else None
          case UnmarkArena(b) => if b in L && Fits(b, a) then Some(L - {b}) else None
  }

  // The leaves after ops, from none.
  ghost function Replay(ops: seq<Op>, a: u64): Leaves
    requires SizeOk(a) && LiveAfter(ops, a).Some?
    decreases |ops|
  {
    if |ops| == 0 then map[]
    else
      var before := Replay(ops[..|ops| - 1], a);
      match ops[|ops| - 1]
        case MarkArena(b) => Mark(before, b, a)
        case UnmarkArena(b) => Unmark(before, b, a)
  }

  lemma Radix_ReplayKeepsInv(ops: seq<Op>, a: u64)
    requires SizeOk(a) && LiveAfter(ops, a).Some?
    ensures Inv(Replay(ops, a), LiveAfter(ops, a).value, a)
    decreases |ops|
  {
    if |ops| == 0 {
      Radix_Empty(a);
    } else {
      var init := ops[..|ops| - 1];
      Radix_ReplayKeepsInv(init, a);
      match ops[|ops| - 1]
        case MarkArena(b) => Radix_MarkKeepsCoverageExact(Replay(init, a), LiveAfter(init, a).value, a, b);
        case UnmarkArena(b) => Radix_UnmarkKeepsCoverageExact(Replay(init, a), LiveAfter(init, a).value, a, b);
    }
  }

  // The radix coverage lemma: after any sequence of marks and unmarks (aligned and unaligned arenas, spans across a
  // leaf boundary), a query answers "owned" exactly for the addresses inside a live arena's span.
  lemma Radix_CoverageAfterAnySequence(ops: seq<Op>, a: u64, p: u64)
    requires SizeOk(a) && LiveAfter(ops, a).Some?
    ensures IsUsed(Replay(ops, a), p, a) <==> Owned(LiveAfter(ops, a).value, p, a)
  {
    Radix_ReplayKeepsInv(ops, a);
    Radix_QueryIsExact(Replay(ops, a), LiveAfter(ops, a).value, a, p);
  }
}
