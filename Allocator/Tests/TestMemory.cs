using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>Where a test heap over real memory gets its arenas, and what it is told of system-allocator calls.</summary>
public interface ITestArenas
{
    ulong AllocateArena(ulong size);
    void FreeArena(ulong address, ulong size);
    void OnSystemMalloc() { }
    void OnSystemFree() { }
}

/// <summary>
/// Real memory (the native backend's) whose arenas come from <paramref name="arenas"/>, a policy the test picks.
/// Fenced: every read and write must lie in a live arena or system block (<see cref="MemoryFence"/>), so a heap that
/// writes out of bounds fails its test with <see cref="WildAccessException"/> rather than corrupting the process. The
/// classic oracle's index read is exempt: it may read any mapped word by design, and a read corrupts nothing.
/// </summary>
public struct TestArenaMemory(ITestArenas arenas) : IMemorySpace
{
    private NativeMemorySpace _native;
    private readonly MemoryFence _fence = new();

    public readonly MemoryFence Fence => _fence;

    public ulong AllocateArena(ulong size)
    {
        ulong arena = arenas.AllocateArena(size);
        _fence.Add(arena, size);
        return arena;
    }

    public void FreeArena(ulong address, ulong size)
    {
        _fence.Remove(address);
        arenas.FreeArena(address, size);
    }

    public ulong SystemMalloc(ulong size) { arenas.OnSystemMalloc(); return Fenced(_native.SystemMalloc(size), Math.Max(size, 1)); }
    public ulong SystemCalloc(ulong count, ulong size) { arenas.OnSystemMalloc(); return Fenced(_native.SystemCalloc(count, size), Math.Max(count * size, 1)); }

    public ulong SystemRealloc(ulong address, ulong size)
    {
        ulong moved = _native.SystemRealloc(address, size);
        if (moved == 0) return 0;
        _fence.Remove(address);
        return Fenced(moved, Math.Max(size, 1));
    }

    public void SystemFree(ulong address) { arenas.OnSystemFree(); _fence.Remove(address); _native.SystemFree(address); }
    public ulong ReadUInt64(ulong address) { _fence.Check("read", address, 8); return _native.ReadUInt64(address); }
    public void WriteUInt64(ulong address, ulong value) { _fence.Check("write", address, 8); _native.WriteUInt64(address, value); }
    public uint ReadUInt32(ulong address) { _fence.Check("read", address, 4); return _native.ReadUInt32(address); }
    public void WriteUInt32(ulong address, uint value) { _fence.Check("write", address, 4); _native.WriteUInt32(address, value); }
    public uint ReadArenaIndex(ulong address) => _native.ReadArenaIndex(address);

    public void Copy(ulong destination, ulong source, ulong count)
    {
        _fence.Check("copy from", source, count);
        _fence.Check("copy to", destination, count);
        _native.Copy(destination, source, count);
    }

    public void Fill(ulong destination, byte value, ulong count) { _fence.Check("fill", destination, count); _native.Fill(destination, value, count); }

    private readonly ulong Fenced(ulong block, ulong size)
    {
        if (block != 0) _fence.Add(block, size);
        return block;
    }
}

/// <summary>
/// Arenas at a chosen offset from an arena-aligned address, so a test decides whether the first pool is lost to
/// alignment instead of depending on where malloc puts a 256 KiB block. What crosses the system-allocator boundary
/// is recorded in <paramref name="ledger"/>, so a test can see an arena handed back.
/// </summary>
public sealed unsafe class OffsetArenas(ulong arenaOffset, ArenaLedger ledger) : ITestArenas
{
    public ulong AllocateArena(ulong size)
    {
        // Over-allocate so an aligned start plus the offset still leaves `size` bytes.
        byte* raw = (byte*)NativeMemory.AlignedAlloc((nuint)(size * 2), (nuint)size);
        ulong arena = (ulong)raw + arenaOffset;
        ledger.Obtained.Add(arena);
        ledger.RawOf[arena] = (ulong)raw;
        return arena;
    }

    public void FreeArena(ulong address, ulong size)
    {
        ledger.Released.Add(address);
        NativeMemory.AlignedFree((void*)ledger.RawOf[address]);
        ledger.RawOf.Remove(address);
    }

    public void OnSystemMalloc() => ledger.SystemMallocs++;
    public void OnSystemFree() => ledger.SystemFrees++;
}

/// <summary>What crossed the system-allocator boundary.</summary>
public sealed class ArenaLedger
{
    public List<ulong> Obtained { get; } = [];
    public List<ulong> Released { get; } = [];
    public Dictionary<ulong, ulong> RawOf { get; } = [];
    public int SystemMallocs { get; set; }
    public int SystemFrees { get; set; }
}

public static class TestHeaps
{
    /// <summary>A heap over real memory with arenas at <paramref name="arenaOffset"/> from an arena boundary.</summary>
    public static PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks> Create(
        Geometry geometry, ArenaLedger ledger, ulong arenaOffset = 0, HeapCheckLevel checks = HeapCheckLevel.Full) =>
        new(geometry, new TestArenaMemory(new OffsetArenas(arenaOffset, ledger)), checks: checks);

    /// <summary>
    /// Sets usedpools[<paramref name="sizeClass"/>]. usedpools has no setter: the test writes through the read-only
    /// view's first element (a test of the checker needs lists the heap itself never builds).
    /// </summary>
    public static void SetUsedPoolHead<TMemory, TOracle, THooks>(PymallocHeap<TMemory, TOracle, THooks> heap, int sizeClass, ulong pool)
        where TMemory : struct, IMemorySpace where TOracle : struct, IOwnershipOracle where THooks : struct, IHeapHooks =>
        Unsafe.Add(ref MemoryMarshal.GetReference(heap.UsedPoolHeads), sizeClass) = pool;

    /// <summary>
    /// The heap's nfp2lasta array itself, to change. It has no view at all: reflection, for a test of the checker that
    /// needs the table made consistent with an nfreepools the heap itself never sets.
    /// </summary>
    public static int[] Nfp2lasta<TMemory, TOracle, THooks>(PymallocHeap<TMemory, TOracle, THooks> heap)
        where TMemory : struct, IMemorySpace where TOracle : struct, IOwnershipOracle where THooks : struct, IHeapHooks =>
        (int[])(typeof(PymallocHeap<TMemory, TOracle, THooks>).GetField("_nfp2lasta", BindingFlags.NonPublic | BindingFlags.Instance)
                ?? throw new InvalidOperationException("PymallocHeap's _nfp2lasta field is gone: update this test helper")).GetValue(heap)!;

    /// <summary>
    /// Sets one of the heap's int fields the arena table's rules read (a list head, the live-arena count). They have
    /// no setter: reflection, for a test of the checker that needs a field the heap itself never sets so.
    /// </summary>
    public static void SetArenaTableField<TMemory, TOracle, THooks>(PymallocHeap<TMemory, TOracle, THooks> heap, string field, int value)
        where TMemory : struct, IMemorySpace where TOracle : struct, IOwnershipOracle where THooks : struct, IHeapHooks =>
        (typeof(PymallocHeap<TMemory, TOracle, THooks>).GetField(field, BindingFlags.NonPublic | BindingFlags.Instance)
         ?? throw new InvalidOperationException($"PymallocHeap's {field} field is gone: update this test helper")).SetValue(heap, value);

    /// <summary>Classic pools on a Modern-sized heap are fine on real memory the test owns; the page rule guards foreign reads.</summary>
    public static Geometry ModernWithPoolIndexOracle { get; } =
        Geometry.Modern with { UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage = true };
}

/// <summary>
/// <c>count</c> arenas of <c>arenaSize</c> bytes, carved from one native region and handed out from a LIFO stack, so
/// a workload run twice gets the same arenas back: nothing the second run does depends on where the system allocator
/// puts a fresh 1 MiB block (glibc moves them between mmap and the heap as its threshold adapts). Taking and
/// returning an arena allocates nothing managed.
/// </summary>
public sealed unsafe class ArenaStack : ITestArenas, IDisposable
{
    private readonly byte* _region;
    private readonly ulong _arenaSize;
    private readonly ulong[] _free;
    private int _count;

    public ArenaStack(int count, ulong arenaSize)
    {
        _arenaSize = arenaSize;
        _region = (byte*)NativeMemory.AlignedAlloc((nuint)((ulong)count * arenaSize), (nuint)arenaSize);
        _free = new ulong[count];
        for (int i = count - 1; i >= 0; i--) _free[_count++] = (ulong)_region + (ulong)i * arenaSize;
    }

    public ulong AllocateArena(ulong size)
    {
        if (size != _arenaSize) throw new ArgumentException($"this stack holds {_arenaSize}-byte arenas, not {size}", nameof(size));
        return _count == 0 ? 0 : _free[--_count];
    }

    public void FreeArena(ulong address, ulong size) => _free[_count++] = address;

    public void Dispose() => NativeMemory.AlignedFree(_region);
}
