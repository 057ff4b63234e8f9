using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Concurrency.Scripts;

/// <summary>
/// What one Coyote test runs every iteration: a fresh heap of <see cref="Geometry"/> with
/// <see cref="Oracle"/>, a sequential <see cref="Setup"/>, then 2–4 <see cref="Threads"/> running their
/// scripts concurrently, optionally with a <see cref="Bug"/> seeded into the harness (hooks, lock, memory).
/// </summary>
public sealed record ConcurrencyScenario
{
    public const int MinThreads = 2;
    public const int MaxThreads = 4;

    public required string Name { get; init; }
    public string Geometry { get; init; } = Allocator.Geometry.Tiny.Name;
    public OracleKind Oracle { get; init; } = OracleKind.PoolIndex;
    /// <summary>The seeded race, or null for the real protocol.</summary>
    public ConcurrencyBug? Bug { get; init; }

    /// <summary>Make every pool-memory access a scheduling point (finer interleavings, slower iterations).</summary>
    public bool InterleaveMemoryAccesses { get; init; }

    /// <summary>Offset of every arena from an arena boundary (0 = aligned).</summary>
    public ulong ArenaMisalignment { get; init; }

    public IReadOnlyList<Operation> Setup { get; init; } = [];
    public required IReadOnlyList<IReadOnlyList<Operation>> Threads { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (Threads.Count is < MinThreads or > MaxThreads)
            throw new ArgumentException($"scenario '{Name}': {Threads.Count} threads; a scenario runs {MinThreads}..{MaxThreads}");
        var geometry = Allocator.Geometry.FromName(Geometry);
        geometry.Validate(Oracle);
        if (ArenaMisalignment % (ulong)geometry.Alignment != 0 || ArenaMisalignment >= (ulong)geometry.ArenaSize)
            throw new ArgumentException($"scenario '{Name}': arena misalignment {ArenaMisalignment} must be a multiple of {geometry.Alignment} below {geometry.ArenaSize}");
        if (Bug?.Oracle is { } needed && needed != Oracle)
            throw new ArgumentException($"scenario '{Name}': seeded bug {Bug.Name} needs the {needed} oracle");
        foreach (var op in Setup.Concat(Threads.SelectMany(t => t)))
        {
            if (op is null || !ConcurrentSteps.IsSupported(op))
                throw new ArgumentException($"scenario '{Name}': {op?.GetType().Name ?? "null"} is not a step of a concurrent script " +
                                            "(garbage queries and content tags race the allocator; see docs/concurrency.md)");
            op.Validate();
        }
    }

    public ConcurrencyScenario WithBug(ConcurrencyBug? bug) => this with { Bug = bug };

    public override string ToString()
    {
        var lines = new List<string>
        {
            $"scenario {Name}: geometry {Geometry}, oracle {Oracle}, bug {Bug?.Name ?? "none"}" +
            (InterleaveMemoryAccesses ? ", memory accesses interleaved" : "") +
            (ArenaMisalignment != 0 ? $", arenas misaligned by {ArenaMisalignment}" : ""),
            $"  setup: {ScriptText.Format(Setup)}",
        };
        for (int i = 0; i < Threads.Count; i++) lines.Add($"  T{i + 1}: {ScriptText.Format(Threads[i])}");
        return string.Join(Environment.NewLine, lines);
    }
}
