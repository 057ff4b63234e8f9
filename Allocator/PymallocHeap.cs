using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PymallocVerify.Allocator;

/// <summary>
/// CPython's small-object allocator (obmalloc, 3.9+ policies), over a memory backend, an ownership oracle and
/// test hooks that all enter as generic struct parameters. Requests of 1..threshold bytes are served from
/// size-classed pools carved from arenas; everything else goes to the system allocator.
/// Not thread-safe by itself: like CPython under the GIL, callers serialize mutations
/// (see <c>Concurrent/</c> for the front end that lets <see cref="IsOwned"/> run lock-free).
/// </summary>
public sealed unsafe partial class PymallocHeap<TMemory, TOracle, THooks> : IDisposable
    where TMemory : struct, IMemorySpace
    where TOracle : struct, IOwnershipOracle
    where THooks : struct, IHeapHooks
{
    private const int InitialArenaObjects = 16;
    private const int None = -1;

    private TMemory _memory;
    private TOracle _oracle;
    private THooks _hooks;

    // Geometry, cached as the shifts and masks the hot paths use.
    private readonly ulong _poolSize;
    private readonly ulong _poolMask;
    private readonly ulong _arenaSize;
    private readonly ulong _threshold;
    private readonly int _alignmentShift;
    private readonly uint _poolOverhead;
    private readonly uint _maxPoolsInArena;
    private readonly bool _checkPointers; // HeapCheckLevel.Pointers or Full
    private readonly bool _checkFull;
    private readonly bool _releaseEveryFreeArena;

    /// <summary>usedpools: head of each size class's circular list of used pools; 0 = none.</summary>
    private readonly ulong[] _usedPools;
    private readonly ulong* _usedPoolsBase; // _usedPools' first element: the array is pinned, see UsedPoolHead

    /// <summary>The arena table; its length is maxarenas. Replaced (never resized in place) when it grows.</summary>
    private ArenaObject[] _arenas = [];

    private int _unusedArenaObjects = None;
    private int _usableArenas = None;

    /// <summary>nfp2lasta[k]: the rightmost usable arena with k free pools, or None.</summary>
    private readonly int[] _nfp2lasta;
    private readonly int* _nfp2lastaBase; // _nfp2lasta's first element: the array is pinned, see LastArenaWith

    private long _arenasAllocatedTotal;
    private int _arenasCurrent;
    private int _arenasHighwater;
    private bool _disposed;

    /// <param name="checks">How much the heap checks itself (<see cref="HeapCheckLevel"/>).</param>
    /// <param name="arenaRelease">When a wholly free arena is returned: 3.9+ keeps the last usable one, 3.8 returns every one.</param>
    public PymallocHeap(Geometry geometry, TMemory memory = default, TOracle oracle = default,
                        THooks hooks = default, HeapCheckLevel checks = HeapCheckLevel.Off,
                        ArenaReleasePolicy arenaRelease = ArenaReleasePolicy.KeepLastUsable)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate(TOracle.Kind);
        Geometry = geometry;
        _memory = memory;
        _oracle = oracle;
        _hooks = hooks;
        if (!Enum.IsDefined(checks)) throw new ArgumentOutOfRangeException(nameof(checks), checks, "not a check level");
        Checks = checks;
        _checkPointers = checks >= HeapCheckLevel.Pointers;
        _checkFull = checks == HeapCheckLevel.Full;
        _releaseEveryFreeArena = arenaRelease == ArenaReleasePolicy.ReleaseEveryFreeArena;
        _poolSize = (ulong)geometry.PoolSize;
        _poolMask = ~(_poolSize - 1);
        _arenaSize = (ulong)geometry.ArenaSize;
        _threshold = (ulong)geometry.SmallRequestThreshold;
        _alignmentShift = geometry.AlignmentShift;
        _poolOverhead = (uint)geometry.PoolOverhead;
        _maxPoolsInArena = (uint)geometry.MaxPoolsInArena;
        _usedPools = GC.AllocateArray<ulong>(geometry.NumSizeClasses, pinned: true);
        _usedPoolsBase = (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_usedPools));
        _nfp2lasta = GC.AllocateArray<int>(geometry.MaxPoolsInArena + 1, pinned: true);
        _nfp2lastaBase = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_nfp2lasta));
        _nfp2lasta.AsSpan().Fill(None);
        _oracle.Initialize(geometry);
    }

    public Geometry Geometry { get; }

    public HeapCheckLevel Checks { get; }

    public static OracleKind OracleKind => TOracle.Kind;

    /// <summary>The memory backend, for tests that read and write block contents.</summary>
    public ref TMemory Memory => ref _memory;

    public ref THooks Hooks => ref _hooks;

    /// <summary>The oracle instance (e.g. to read the radix tree's node counts).</summary>
    public ref TOracle Oracle => ref _oracle;

    /// <summary>The current arena table (length = maxarenas). Callers must not mutate it.</summary>
    public ArenaObject[] ArenaTableSnapshot => Volatile.Read(ref _arenas);

    public int LiveArenaCount => _arenasCurrent;

    /// <summary>usedpools: each size class's first used pool (0 = none). Read-only introspection (canonical-state hashing).</summary>
    public ReadOnlySpan<ulong> UsedPoolHeads => _usedPools;

    /// <summary>The slot heading usable_arenas (-1 = none). Read-only introspection.</summary>
    public int UsableArenasHead => _usableArenas;

    /// <summary>The slot heading unused_arena_objects (-1 = none): where the next arena goes. Read-only introspection.</summary>
    public int UnusedArenaObjectsHead => _unusedArenaObjects;

    /// <summary>PyObject_Malloc: a small request from a pool, else (or on arena exhaustion) the system allocator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size)
    {
        if (_checkFull) return Audited(nameof(Malloc), size, 0, MallocUnaudited(size));
        return MallocUnaudited(size);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong MallocUnaudited(ulong size)
    {
        if (size - 1 < _threshold) // 1..threshold; 0 wraps and goes to the system, which serves it as 1 byte
        {
            ulong block = SmallAlloc(size);
            if (block != 0) return block;
        }
        return SystemMalloc(size);
    }

    // Malloc's and Free's system paths are out of line: inlined, their P/Invoke frame setup and the registers it
    // needs spread through every loop that inlines Malloc/Free. Without dynamic PGO to mark them cold, that cost a
    // free-at-once pair up to ~1 ns (docs/performance.md, "Heap changes").
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong SystemMalloc(ulong size) => size > long.MaxValue ? 0 : _memory.SystemMalloc(size);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SystemFree(ulong address) => _memory.SystemFree(address);

    /// <summary>PyObject_Calloc: overflow-checked; small requests are zeroed pool blocks.</summary>
    public ulong Calloc(ulong count, ulong size) =>
        _checkFull ? Audited(nameof(Calloc), count, size, CallocUnaudited(count, size)) : CallocUnaudited(count, size);

    private ulong CallocUnaudited(ulong count, ulong size)
    {
        if (size != 0 && count > long.MaxValue / size) return 0;
        ulong bytes = count * size;
        if (bytes - 1 < _threshold)
        {
            ulong block = SmallAlloc(bytes);
            if (block != 0)
            {
                _memory.Fill(block, 0, bytes);
                return block;
            }
        }
        return _memory.SystemCalloc(count, size);
    }

    /// <summary>PyObject_Free: a block pymalloc owns goes back to its pool, anything else to the system.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address)
    {
        if (address == 0) return;
        if (!SmallFree(address)) SystemFree(address);
        if (_checkFull) Audited(nameof(Free), address, 0, 0);
    }

    /// <summary>
    /// PyObject_Realloc. An owned block stays put when the new size fits and is above 3/4 of the block;
    /// otherwise it moves (malloc, copy the common prefix, free). Foreign blocks go to the system realloc and
    /// are never adopted (copying could run off mapped memory, SourceForge bug 1185883).
    /// </summary>
    public ulong Realloc(ulong address, ulong size) =>
        _checkFull ? Audited(nameof(Realloc), address, size, ReallocUnaudited(address, size)) : ReallocUnaudited(address, size);

    private ulong ReallocUnaudited(ulong address, ulong size)
    {
        if (address == 0) return MallocUnaudited(size);
        if (!IsOwned(address)) return size > long.MaxValue ? 0 : _memory.SystemRealloc(address, size);
        ulong pool = address & _poolMask;
        if (_checkPointers) ValidateLiveBlock(address, pool, nameof(Realloc));
        ulong blockSize = BlockSizeOf(PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass));
        ulong keep = blockSize;
        if (size <= blockSize)
        {
            if (4 * size > 3 * blockSize) return address;
            keep = size;
        }
        ulong moved = MallocUnaudited(size);
        if (moved != 0)
        {
            _memory.Copy(moved, address, keep);
            _ = SmallFree(address); // owned (checked above), and a malloc disowns no block: it frees it
        }
        return moved;
    }

    /// <summary>address_in_range: the oracle's answer, lock-free (it reads one snapshot of the arena table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsOwned(ulong address)
    {
        _hooks.Interleave(SharedAccess.ArenaTableRead);
        ArenaObject[] arenas = Volatile.Read(ref _arenas);
        return _oracle.IsOwned(ref _memory, ref _hooks, arenas, address);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong BlockSizeOf(uint sizeClass) => (ulong)(sizeClass + 1) << _alignmentShift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint BlocksPerPool(uint sizeClass) => (uint)((_poolSize - _poolOverhead) / BlockSizeOf(sizeClass));

    // Unchecked element access, for indices the heap keeps in range itself: a size class computed from a size in
    // 1..threshold, an arena's count of free pools (0..NTotalPools: it moves with pool-header counts, which a
    // misbehaving caller can overwrite, so MoveToFreePools stops it from passing NTotalPools), a usable arena's
    // slot. Dropping those bounds checks took ~4% off a free-at-once pair (docs/performance.md, "Heap changes").
    // Indices read from a pool header keep the checked indexer. usedpools and nfp2lasta live on the pinned object
    // heap and are reached through a raw pointer kept beside the array: no null check per access.

    /// <summary>usedpools[sizeClass], for a size class computed from a request size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ulong UsedPoolHead(uint sizeClass)
    {
        // Stryker disable once Statement,Equality : a Debug.Assert of an index the heap keeps in range itself; it never fails, so weakening or dropping it changes nothing
        Debug.Assert(sizeClass < (uint)_usedPools.Length);
        return ref _usedPoolsBase[sizeClass];
    }

    /// <summary>nfp2lasta[freePools], for an arena's own free-pool count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int LastArenaWith(uint freePools)
    {
        // Stryker disable once Statement,Equality : a Debug.Assert of an index the heap keeps in range itself; it never fails, so weakening or dropping it changes nothing
        Debug.Assert(freePools < (uint)_nfp2lasta.Length);
        return ref _nfp2lastaBase[freePools];
    }

    /// <summary>The arena slot of a usable arena (a list link or the head of usable_arenas, never None).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ArenaObject LiveArena(int index)
    {
        // Stryker disable once Statement,Equality : a Debug.Assert of an index the heap keeps in range itself; it never fails, so weakening or dropping it changes nothing
        Debug.Assert((uint)index < (uint)_arenas.Length);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_arenas), (nint)(uint)index);
    }
}
