using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace PymallocVerify.Model;

/// <summary>
/// A saved counterexample: enough to re-run the exact case (geometry, oracle, allocator variant, backend layout,
/// operations with symbolic garbage) plus what happened when it was found (concrete garbage values, the failing
/// step, expected vs. observed, the printed program). Written and read by <see cref="CounterexampleFile"/>.
/// </summary>
public sealed record Counterexample
{
    public const string FormatName = "pymalloc-verify/counterexample";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;

    public required ModelGeometry Geometry { get; init; }

    /// <summary>The oracle names a file may give (the allocator's <c>OracleKind</c> names; a test keeps the two equal).</summary>
    public static IReadOnlyList<string> Oracles { get; } = ["PoolIndex", "RadixTree"];

    /// <summary>The ownership oracle's name: one of <see cref="Oracles"/>.</summary>
    public required string Oracle { get; init; }

    /// <summary>The allocator variant it was found on: "real", or the name of a seeded bug from the teeth catalog.</summary>
    public string Variant { get; init; } = "real";

    /// <summary>The generator's replay seed "(seed,gamma)" and size, when the case came from a random campaign.</summary>
    public string? ReplaySeed { get; init; }

    /// <summary>
    /// Where the recording backend places arenas relative to pool alignment, cycled per arena obtained (bytes past a
    /// pool boundary; 0 = pool-aligned arena, as mmap gives; otherwise the first pool is lost, as with malloc).
    /// </summary>
    public ImmutableArray<int> ArenaHeadOffsets { get; init; } = [0];

    /// <summary>Null: the case ran on real memory (the recording backend). Otherwise the simulated space's layout.</summary>
    public SimulatedLayoutSpec? Simulated { get; init; }

    /// <summary>Set when the case ran on a real CPython's pymalloc (libpython) instead of the port: replay runs it there.</summary>
    [JsonPropertyName("cpython")]
    public CPythonSubject? CPython { get; init; }

    public required ImmutableArray<Operation> Operations { get; init; }

    /// <summary>The concrete garbage each query ran with when the case was found (informational: replay re-resolves).</summary>
    public ImmutableArray<GarbageRecord> GarbageValues { get; init; } = [];

    /// <summary>How the case failed when found; null for a passing regression case written by hand.</summary>
    public FailureRecord? Failure { get; init; }

    /// <summary>The program as printed when saved (for humans; ignored when read).</summary>
    public ImmutableArray<string> Program { get; init; } = [];

    /// <summary>
    /// True when shrinking was cut short (its budget ran out): the operations are the shortest failing program found so
    /// far, not a local minimum. Absent means false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ShrinkingIncomplete { get; init; }

    /// <summary>Free-form note, e.g. which seeded bug this case once killed.</summary>
    public string? Note { get; init; }
}

/// <summary>The garbage a query at <see cref="Step"/> (0-based) ran with.</summary>
public sealed record GarbageRecord(int Step, GarbageClass Class, uint Value, GarbageDelivery Delivery);

/// <summary>The first failing step (0-based; equal to the operation count for a failure found at teardown).</summary>
public sealed record FailureRecord(int Step, PropertyFamily Family, string Expected, string Observed, string Message);

/// <summary>
/// The simulated address space a case ran on: the placement seed and the strategies the simulated system allocator
/// chooses from (names of the allocator's ArenaPlacement / ForeignPlacement values), and the page size.
/// </summary>
public sealed record SimulatedLayoutSpec(ulong Seed, ImmutableArray<string> ArenaPlacements, ImmutableArray<string> ForeignPlacements, int PageSize = 4096);

/// <summary>
/// A case run on libpython: the CPython minor version ("3.9"), the port variant compared with it step for step (null: the
/// real allocator against the model only; "port": the faithful port, a "cpython 3.9 differential"), the ownership spec
/// its decisions were judged by, where arenas and system blocks were placed (null: at the arena head offsets), and the
/// library it was found with (informational: replay finds an installed libpython of that version).
/// </summary>
public sealed record CPythonSubject(string Version, string? Port = null, string Spec = "model", SimulatedLayoutSpec? Placement = null, string? Library = null)
{
    public override string ToString() =>
        Port is null ? $"cpython {Version}" : Port == "port" ? $"cpython {Version} differential" : $"cpython {Version} differential against {Port}";
}
