using System.Runtime.InteropServices;
using PymallocVerify.Allocator;

namespace PymallocVerify.Benchmarks.OwnershipSuites;

/// <summary>
/// Readable, pool-aligned memory that pymalloc does not own, whose pool-header arena-index words hold garbage of
/// every class the classic oracle must survive: out of range, a live slot, an unused slot, random. The classic
/// oracle's precondition (p's pool base readable) holds by construction.
/// </summary>
public sealed unsafe class ForeignRegion : IDisposable
{
    private readonly void* _memory;
    private readonly ulong _poolSize;

    public ForeignRegion(Geometry geometry, int pools, uint arenaTableLength, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pools);
        Pools = pools;
        _poolSize = (ulong)geometry.PoolSize;
        _memory = NativeMemory.AlignedAlloc((nuint)((ulong)pools * _poolSize), (nuint)_poolSize);
        var random = new SplitMix64((ulong)seed);
        uint[] garbage =
        [
            arenaTableLength, arenaTableLength + 1, uint.MaxValue, // out of range
            0,                                                       // a live slot: base mismatch
            arenaTableLength - 1,                                    // (likely) an unused slot: base 0
            0,                                                       // replaced by a random word below
        ];
        for (int pool = 0; pool < pools; pool++)
        {
            uint index = pool % garbage.Length == garbage.Length - 1 ? (uint)(long)(random.Next() >> 32) : garbage[pool % garbage.Length];
            *(uint*)(PoolBase(pool) + PoolHeader.ArenaIndex) = index;
        }
    }

    public int Pools { get; }

    public ulong PoolBase(int pool) => (ulong)_memory + (ulong)pool * _poolSize;

    /// <summary>An address at <paramref name="offset"/> bytes into pool <paramref name="pool"/>.</summary>
    public ulong Address(int pool, ulong offset) => PoolBase(pool) + offset % _poolSize;

    public void Dispose() => NativeMemory.AlignedFree(_memory);
}
