using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.Model;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Concurrency.Scripts;

/// <summary>
/// Seeded random scenarios: the same seed gives the same scenario. Each brings a Tiny heap (1 KiB arenas of four
/// 256-byte pools, twelve 64-byte blocks per arena, a 16-slot first arena table) to an edge the threads may push
/// it over — empty (the first arena and the first radix nodes), an arena just full, the arena table just full, an
/// arena one free away from going back — then runs 2–4 threads of 2–6 steps mixing mutations with lock-free
/// queries at addresses built from the blocks and arenas of the iteration. The catalogued scenarios aim at one
/// race each; these cover the combinations nobody wrote down.
/// </summary>
public static class RandomScenarios
{
    public const int MinSteps = 2;
    public const int MaxSteps = 6;

    private static readonly int[] Sizes = [0, 1, 16, 33, 48, 64, 64, 65, 200];
    private static readonly long[] BlockOffsets = [0, 0, 0, 8, 15, 16, 63, 64, -1, -16, 200];
    private static readonly long[] ArenaOffsets = [0, 47, 48, 255, 256, 300, 1023, 1024, 1536, -1, -16];
    private static readonly ulong[] SlotOffsets = [0x400, 0x800, 0xc00, 0x1400];
    private static readonly ulong[] Misalignments = [16, 272, 512, 1008];

    /// <summary>The scenario for <paramref name="seed"/>, named <c>random-{seed}</c>.</summary>
    /// <param name="oracle">Force an oracle; by default the seed picks one.</param>
    public static ConcurrencyScenario Generate(ulong seed, OracleKind? oracle = null)
    {
        var random = new ScenarioDice(seed);
        var setup = new List<Operation>();
        var hot = new List<int>();
        int blocks = Setup(random, setup, hot);
        int threads = random.Next(ConcurrencyScenario.MinThreads, ConcurrencyScenario.MaxThreads + 1);
        var scripts = new IReadOnlyList<Operation>[threads];
        for (int t = 0; t < threads; t++)
        {
            var script = new List<Operation>();
            int steps = random.Next(MinSteps, MaxSteps + 1);
            for (int s = 0; s < steps; s++) script.Add(Step(random, blocks, hot));
            scripts[t] = script;
        }
        var scenario = new ConcurrencyScenario
        {
            Name = $"random-{seed}",
            Oracle = oracle ?? (random.Next(2) == 0 ? OracleKind.PoolIndex : OracleKind.RadixTree),
            InterleaveMemoryAccesses = random.Next(4) == 0,
            ArenaMisalignment = random.Next(4) == 0 ? Misalignments[random.Next(Misalignments.Length)] : 0,
            Setup = setup,
            Threads = scripts,
        };
        scenario.Validate();
        return scenario;
    }

    /// <summary>
    /// The scenario for <paramref name="seed"/> with <paramref name="bug"/> seeded, on the oracle the bug corrupts
    /// (<see cref="ConcurrencyBug.Oracle"/>; the seed picks one when any will do). Null: the real protocol.
    /// </summary>
    public static ConcurrencyScenario Generate(ulong seed, ConcurrencyBug? bug) => Generate(seed, bug?.Oracle).WithBug(bug);

    /// <summary>
    /// Fills <paramref name="setup"/>; returns how many blocks it hands out. <paramref name="hot"/> gets the blocks
    /// whose free sends an arena back, which threads then free and ask about more often than chance would.
    /// </summary>
    private static int Setup(ScenarioDice random, List<Operation> setup, List<int> hot)
    {
        const int perArena = 12, tableSlots = 16;
        int shape = random.Next(6);
        int blocks = shape switch
        {
            0 => 0,                                             // empty: first arena, first radix nodes
            1 => random.Next(1, 4),                             // a partly used first arena
            2 => perArena * random.Next(1, 4) - random.Next(2), // an arena (nearly) full
            3 => perArena * tableSlots - random.Next(3),        // the arena table (nearly) full: the next arena grows it
            _ => 3 * perArena,                                  // three arenas, thinned below
        };
        for (int i = 0; i < blocks; i++) setup.Add(new MallocOp(64));
        if (shape > 3)
        {
            // Leave one block in arena 1 (and maybe one in arena 2): freeing it sends the arena back to the system.
            int keep = perArena + random.Next(perArena);
            for (int b = 2 * perArena - 1; b >= perArena; b--)
                if (b != keep) setup.Add(new FreeBlockOp(b));
            hot.Add(keep);
            if (random.Next(2) == 0)
            {
                for (int b = 3 * perArena - 1; b > 2 * perArena; b--) setup.Add(new FreeBlockOp(b));
                hot.Add(2 * perArena);
            }
        }
        return blocks;
    }

    private static Operation Step(ScenarioDice random, int setupBlocks, List<int> hot)
    {
        int Block() => hot.Count > 0 && random.Next(2) == 0 ? hot[random.Next(hot.Count)] : random.Next(setupBlocks + 8);
        int Size() => Sizes[random.Next(Sizes.Length)];
        int Handle() => random.Next(4);
        return random.Next(20) switch
        {
            < 8 => new ConcurrentQueryOp(Address(random, setupBlocks, Block)),
            < 12 => new MallocOp(Size()),
            12 => new CallocOp(random.Next(1, 4), Size()),
            13 => new ReallocOp(Handle(), Size()),
            < 16 => new FreeOp(Handle()),
            < 18 => new FreeBlockOp(Block()),
            18 => new ForeignAllocOp(Math.Max(Size(), 1)),
            _ => new ForeignFreeOp(Handle()),
        };
    }

    private static AddressExpr Address(ScenarioDice random, int setupBlocks, Func<int> block)
    {
        T Pick<T>(T[] values) => values[random.Next(values.Length)];
        return random.Next(10) switch
        {
            < 4 => new AddressExpr(AddressBase.Block, block(), Pick(BlockOffsets)),
            4 => new AddressExpr(AddressBase.Latest, random.Next(3), Pick(BlockOffsets)),
            < 8 => new AddressExpr(AddressBase.Arena, random.Next(setupBlocks / 12 + 2), Pick(ArenaOffsets)),
            8 => new AddressExpr(AddressBase.Foreign, random.Next(2), Pick(BlockOffsets)),
            // Spans around the first arena slot, whether or not an arena is there yet.
            _ => new AddressExpr(AddressBase.Absolute, 0, (long)(IterationArenas.RegionBase + Pick(SlotOffsets))),
        };
    }

    /// <summary>The scenario's draws: a class around the generator so the local functions below can share it.</summary>
    private sealed class ScenarioDice(ulong seed)
    {
        private SplitMix64 _generator = new(seed);

        public int Next(int bound) => _generator.NextInt(bound);

        public int Next(int min, int maxExclusive) => _generator.NextInt(min, maxExclusive);
    }
}
