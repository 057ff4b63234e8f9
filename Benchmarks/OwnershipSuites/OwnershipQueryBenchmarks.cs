using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;

namespace PymallocVerify.Benchmarks.OwnershipSuites;

/// <summary>
/// "Is this pointer mine?" per query, over <see cref="Queries"/> addresses in random order (independent queries, so
/// this is throughput: the CPU overlaps consecutive queries' loads). The baseline loads each address and does a
/// trivial test: the loop's own cost. Target (issue 7): a few nanoseconds, as it is two or three dependent loads.
/// </summary>
[MemoryDiagnoser]
[NoManagedAllocation]
public class OwnershipQueryBenchmarks : ISelfChecked
{
    public const int Queries = 4096;

    [Params(QueryTarget.Owned, QueryTarget.Foreign, QueryTarget.Mixed)]
    public QueryTarget Target { get; set; }

    private PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>? _classic;
    private ForeignRegion? _foreign;
    private ulong[] _owned = [];
    private ulong[] _addresses = [];
    private int _expectedOwned;

    [GlobalSetup]
    public void Setup()
    {
        // Owned blocks of every size class, spread over several arenas, so queries touch many pool headers and slots.
        _classic = new(Geometry.Classic);
        _owned = new ulong[Queries];
        AllocationLoops.Fill(new PymallocAllocator<PoolIndexOracle>(_classic), _owned, Sequences.Sizes(SizePattern.Random8To512, Queries));
        _foreign = new ForeignRegion(Geometry.Classic, pools: 256, (uint)_classic.ArenaTableSnapshot.Length, Sequences.Seed + 3);

        var random = new Random(Sequences.Seed + 4);
        _addresses = new ulong[Queries];
        _expectedOwned = 0;
        for (int i = 0; i < Queries; i++)
        {
            bool owned = Target switch
            {
                QueryTarget.Owned => true,
                QueryTarget.Foreign => false,
                QueryTarget.Mixed => random.Next(2) == 0,
                _ => throw new ArgumentOutOfRangeException(nameof(Target), Target, "unknown query target"),
            };
            _addresses[i] = owned
                ? _owned[random.Next(Queries)] + (ulong)random.Next(8) // anywhere in the block's first bytes
                : _foreign.Address(random.Next(_foreign.Pools), (ulong)random.Next(Geometry.Classic.PoolSize));
            if (owned) _expectedOwned++;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _classic?.Dispose();
        _foreign?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public int LoopOnly()
    {
        int hits = 0;
        foreach (ulong address in _addresses) hits += (int)(address >> 63); // a data dependency on each address
        return hits;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public int ClassicOracle()
    {
        var heap = _classic!;
        int hits = 0;
        foreach (ulong address in _addresses)
            if (heap.IsOwned(address)) hits++;
        return hits;
    }

    public void Verify(string benchmark, object? result)
    {
        int expected = benchmark == nameof(LoopOnly) ? 0 : _expectedOwned;
        Check.That(result is int hits && hits == expected, $"{benchmark} answered {result} owned, expected {expected}");
    }
}
