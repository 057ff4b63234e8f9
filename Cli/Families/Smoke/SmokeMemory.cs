using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>
/// Real memory whose layout the case seed decides, so a smoke case does the same thing on every run:
/// <list type="bullet">
/// <item>each arena is pool-aligned or sits at a seeded offset (then its first pool is lost to alignment);</item>
/// <item>each system block sits 64 bytes into its own pool-aligned region whose would-be pool header holds a
/// seeded arena index (small slot numbers, just out of range, uint.MaxValue, random) — the garbage the
/// classic oracle reads when asked about a system pointer.</item>
/// </list>
/// Every block is tracked, so a free or realloc of something the system never handed out is reported as a
/// failure (a pymalloc block routed to the system) instead of corrupting the process heap.
/// </summary>
public unsafe struct SmokeMemory(SmokeMemory.State state) : IMemorySpace
{
    private NativeMemorySpace _native;

    /// <summary>A system block's offset in its region: after a fake 48-byte pool header, 16-aligned.</summary>
    public const ulong SystemBlockOffset = 64;

    /// <summary>The mutable side of the memory space (the heap holds the struct by value).</summary>
    public sealed class State(Geometry geometry, ulong seed) : IDisposable
    {
        private SplitMix64 _rng = new(seed ^ 0x5DEECE66D);
        internal readonly Dictionary<ulong, (ulong Raw, ulong Size)> SystemBlocks = [];
        internal readonly Dictionary<ulong, ulong> ArenaRaw = [];
        internal readonly ulong PoolSize = (ulong)geometry.PoolSize;

        internal ulong NextArenaOffset() =>
            _rng.Chance(50) ? 0 : (ulong)geometry.Alignment * (ulong)(1 + _rng.NextInt(geometry.PoolSize / geometry.Alignment - 1));

        /// <summary>Mostly small indices (live, released and never-used slots, just past the table), some extremes.</summary>
        internal uint NextGarbageIndex() => _rng.NextInt(10) switch
        {
            < 6 => (uint)_rng.NextInt(40),
            < 8 => uint.MaxValue,
            _ => _rng.NextUInt32(),
        };

        public int LiveSystemBlocks => SystemBlocks.Count;

        /// <summary>Returns whatever is still allocated (after a failure, or blocks the test leaked).</summary>
        public void Dispose()
        {
            foreach ((ulong raw, _) in SystemBlocks.Values) NativeMemory.AlignedFree((void*)raw);
            foreach (ulong raw in ArenaRaw.Values) NativeMemory.AlignedFree((void*)raw);
            SystemBlocks.Clear();
            ArenaRaw.Clear();
        }
    }

    public ulong AllocateArena(ulong size)
    {
        ulong raw = (ulong)NativeMemory.AlignedAlloc((nuint)(size + state.PoolSize), (nuint)state.PoolSize);
        ulong arena = raw + state.NextArenaOffset();
        state.ArenaRaw[arena] = raw;
        return arena;
    }

    public void FreeArena(ulong address, ulong size)
    {
        if (!state.ArenaRaw.Remove(address, out ulong raw))
            throw new InvalidOperationException($"FreeArena(0x{address:x}): not an arena this memory space handed out");
        NativeMemory.AlignedFree((void*)raw);
    }

    public ulong SystemMalloc(ulong size) => NewSystemBlock(Math.Max(size, 1), zeroed: false);

    public ulong SystemCalloc(ulong count, ulong size)
    {
        if (count != 0 && size > ulong.MaxValue / count) return 0;
        return NewSystemBlock(Math.Max(count * size, 1), zeroed: true);
    }

    public ulong SystemRealloc(ulong address, ulong size)
    {
        (ulong raw, ulong oldSize) = Lookup(address, "realloc");
        ulong moved = NewSystemBlock(Math.Max(size, 1), zeroed: false);
        Buffer.MemoryCopy((void*)address, (void*)moved, Math.Max(size, 1), Math.Min(oldSize, Math.Max(size, 1)));
        state.SystemBlocks.Remove(address);
        NativeMemory.AlignedFree((void*)raw);
        return moved;
    }

    public void SystemFree(ulong address)
    {
        (ulong raw, _) = Lookup(address, "free");
        state.SystemBlocks.Remove(address);
        NativeMemory.AlignedFree((void*)raw);
    }

    // Pool memory is real memory: every access is the native backend's.
    public ulong ReadUInt64(ulong address) => _native.ReadUInt64(address);
    public void WriteUInt64(ulong address, ulong value) => _native.WriteUInt64(address, value);
    public uint ReadUInt32(ulong address) => _native.ReadUInt32(address);
    public void WriteUInt32(ulong address, uint value) => _native.WriteUInt32(address, value);
    public uint ReadArenaIndex(ulong address) => _native.ReadArenaIndex(address);
    public void Copy(ulong destination, ulong source, ulong count) => _native.Copy(destination, source, count);
    public void Fill(ulong destination, byte value, ulong count) => _native.Fill(destination, value, count);

    private ulong NewSystemBlock(ulong size, bool zeroed)
    {
        ulong total = SystemBlockOffset + size;
        ulong raw = (ulong)NativeMemory.AlignedAlloc((nuint)total, (nuint)state.PoolSize);
        if (zeroed) NativeMemory.Clear((void*)raw, (nuint)total);
        else NativeMemory.Clear((void*)raw, (nuint)SystemBlockOffset);
        *(uint*)(raw + PoolHeader.ArenaIndex) = state.NextGarbageIndex();
        ulong block = raw + SystemBlockOffset;
        state.SystemBlocks[block] = (raw, size);
        return block;
    }

    private (ulong Raw, ulong Size) Lookup(ulong address, string what) =>
        state.SystemBlocks.TryGetValue(address, out var entry)
            ? entry
            : throw new InvalidOperationException(
                $"system {what}(0x{address:x}): the system allocator never handed out this block (a pymalloc block routed to the system?)");
}
