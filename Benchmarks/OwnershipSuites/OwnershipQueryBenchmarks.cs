using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;
using PymallocVerify.Model;

namespace PymallocVerify.Benchmarks.OwnershipSuites;

/// <summary>
/// "Is this pointer mine?" per query, over <see cref="Queries"/> addresses in random order (independent queries, so
/// this is throughput: the CPU overlaps consecutive queries' loads). Each oracle asks about its own heap's live
/// blocks (the same size sequence) and the same foreign region. The baseline loads each address and does a trivial
/// test: the loop's own cost. Target (docs/performance.md): a few nanoseconds, as it is two or three dependent loads.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SingleThreadedSuiteConfig))]
[NoManagedAllocation]
public class OwnershipQueryBenchmarks : ISelfChecked
{
    public const int Queries = 4096;

    [Params(QueryTarget.Owned, QueryTarget.Foreign, QueryTarget.Mixed)]
    public QueryTarget Target { get; set; }

    /// <summary>Classic geometry (4 KiB pools), classic address_in_range.</summary>
    private PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>? _classic;

    /// <summary>Modern geometry (16 KiB pools, 1 MiB arenas), the arena-map radix tree, as CPython 3.10+.</summary>
    private PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>? _radix;

    private ForeignRegion? _foreign;
    private ModelState? _model;
    private ulong[] _classicAddresses = [];
    private ulong[] _radixAddresses = [];
    private int _expectedOwned;

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine(QuietCpu.PinCurrentThread());
        // Owned blocks of every size class, spread over several arenas, so queries touch many pool headers and slots.
        uint[] sizes = Sequences.Sizes(SizePattern.Random8To512, Queries);
        _classic = new(Geometry.Classic);
        _radix = new(Geometry.Modern);
        var classicBlocks = new ulong[Queries];
        var radixBlocks = new ulong[Queries];
        AllocationLoops.Fill(new PymallocAllocator<PoolIndexOracle>(_classic), classicBlocks, sizes);
        AllocationLoops.Fill(new PymallocAllocator<RadixTreeOracle>(_radix), radixBlocks, sizes);
        _foreign = new ForeignRegion(Geometry.Classic, pools: 256, (uint)_classic.ArenaTableSnapshot.Length, Sequences.Seed + 3);
        _model = ModelOf(_classic);

        var random = new SplitMix64((ulong)(Sequences.Seed + 4));
        _classicAddresses = new ulong[Queries];
        _radixAddresses = new ulong[Queries];
        _expectedOwned = 0;
        for (int i = 0; i < Queries; i++)
        {
            bool owned = Target switch
            {
                QueryTarget.Owned => true,
                QueryTarget.Foreign => false,
                QueryTarget.Mixed => random.NextInt(2) == 0,
                _ => throw new ArgumentOutOfRangeException(nameof(Target), Target, "unknown query target"),
            };
            if (owned)
            {
                int block = random.NextInt(Queries);
                ulong offset = (ulong)random.NextInt(8); // anywhere in the block's first bytes
                _classicAddresses[i] = classicBlocks[block] + offset;
                _radixAddresses[i] = radixBlocks[block] + offset;
                _expectedOwned++;
            }
            else
            {
                _classicAddresses[i] = _radixAddresses[i] =
                    _foreign.Address(random.NextInt(_foreign.Pools), (ulong)random.NextInt(Geometry.Classic.PoolSize));
            }
        }
    }

    /// <summary>The reference model's view of the classic heap: its live arenas and their carved pools.</summary>
    private static ModelState ModelOf(PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks> heap)
    {
        Geometry g = heap.Geometry;
        var geometry = new ModelGeometry(g.Name, g.Alignment, g.PoolSize, g.ArenaSize, g.SmallRequestThreshold);
        var arenas = new List<LiveArena>();
        foreach (ArenaObject slot in heap.ArenaTableSnapshot)
        {
            if (slot.Address == 0) continue;
            ulong firstPool = (slot.Address + (ulong)g.PoolSize - 1) & ~((ulong)g.PoolSize - 1);
            var pools = new HashSet<ulong>();
            for (ulong pool = firstPool; pool < slot.PoolAddress; pool += (ulong)g.PoolSize) pools.Add(pool);
            arenas.Add(new LiveArena(arenas.Count, slot.Address, (ulong)g.ArenaSize, [.. pools]));
        }
        return ModelState.Initial(geometry) with { Arenas = [.. arenas], NextArenaOrdinal = arenas.Count };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _classic?.Dispose();
        _radix?.Dispose();
        _foreign?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public int LoopOnly()
    {
        int hits = 0;
        foreach (ulong address in _classicAddresses) hits += (int)(address >> 63); // a data dependency on each address
        return hits;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public int ClassicOracle()
    {
        var heap = _classic!;
        int hits = 0;
        foreach (ulong address in _classicAddresses)
            if (heap.IsOwned(address)) hits++;
        return hits;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public int RadixOracle()
    {
        var heap = _radix!;
        int hits = 0;
        foreach (ulong address in _radixAddresses)
            if (heap.IsOwned(address)) hits++;
        return hits;
    }

    /// <summary>The specification's answer (immutable arena list and pool sets): what every check compares against.</summary>
    [Benchmark(OperationsPerInvoke = Queries)]
    public int ModelAnswer()
    {
        var model = _model!;
        int hits = 0;
        foreach (ulong address in _classicAddresses)
            if (model.OwnershipOf(address) == Ownership.Owned) hits++;
        return hits;
    }

    public void Verify(string benchmark, object? result)
    {
        int expected = benchmark == nameof(LoopOnly) ? 0 : _expectedOwned;
        Check.That(result is int hits && hits == expected, $"{benchmark} answered {result} owned, expected {expected}");
    }
}
