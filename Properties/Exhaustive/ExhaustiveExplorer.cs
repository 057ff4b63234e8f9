using PymallocVerify.Allocator;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// Bounded exhaustive exploration on the simulated backend: every sequence of <see cref="ExplorationAlphabet"/> mutations
/// up to a depth, breadth-first from each root layout (<see cref="ExplorationLayouts"/>), with canonical-state
/// deduplication (<see cref="CanonicalState"/>) and, by default, handle symmetry (<see cref="ExplorationReductions"/>).
/// Every transition runs through <see cref="CaseRunner"/> — the model, memcheck, the every-garbage re-evaluation,
/// invariants. The first transition of a level (in its fixed order) to reach a new state then runs every check query and
/// the teardown, so every property is checked in every state reached; a transition reaching a state already checked
/// stops after its own mutation (equal canonical states get equal checks, the argument in <see cref="CanonicalState"/>).
/// A run re-executes its prefix on a fresh heap (the simulated space and the heap cannot be cloned); the prefix's
/// invariants are not re-audited, because the run that first reached the prefix's state audited every one of its steps
/// and the heap is deterministic (the model and memcheck still check the replay).
/// BFS makes the first counterexample a shortest one: a level is finished before the shortest failure in it is reported.
/// Cancellation is honoured inside a level (between transitions): the result then says which depth was completed.
/// <see cref="ExplorationSession"/> holds one exploration and deepens it level by level (the CLI family resumes it).
/// </summary>
public static class ExhaustiveExplorer
{
    /// <param name="geometry">Usually <see cref="Geometry.Tiny"/>.</param>
    /// <param name="variant">The real allocator (either oracle), the differential pair, or a seeded bug.</param>
    /// <param name="depth">Mutations per sequence (the check queries come on top).</param>
    /// <param name="counterexampleDirectory">Where a counterexample is written; null = not written.</param>
    /// <param name="parallelism">Worker threads (runs of one level are independent; results merge in a fixed order).</param>
    /// <param name="reductions">Which sound reductions merge states (default: all).</param>
    public static ExplorationResult Run(Geometry geometry, HeapVariant variant, int depth,
        CancellationToken cancellation = default, IProgress<ExplorationProgress>? progress = null,
        string? counterexampleDirectory = null, int parallelism = 0, ExplorationReductions reductions = ExplorationReductions.All)
    {
        if (depth < 0) throw new ArgumentException($"depth must not be negative; got {depth}");
        return new ExplorationSession(geometry, variant, counterexampleDirectory, parallelism, reductions).Deepen(depth, cancellation, progress);
    }
}
