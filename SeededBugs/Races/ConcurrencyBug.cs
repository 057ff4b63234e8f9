using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Concurrent;

namespace PymallocVerify.SeededBugs.Races;

/// <summary>
/// A seeded race in the publication protocol. The concurrency harness calls these methods from its hooks, its lock and
/// its memory (Concurrency/Harness/); each bug overrides the ones it needs, so its whole behaviour is in its own type.
/// <see cref="Scenario"/> names the catalogued scenario (Concurrency/Bugs/ScenarioCatalog.cs) that exposes it.
/// </summary>
/// <param name="Oracle">The oracle whose reads the bug corrupts (a scenario seeded with it must use it); null for any.</param>
/// <param name="Detection">How the harness catches it, as the catalog's table prints it.</param>
public abstract record ConcurrencyBug(string Name, string Description, string Scenario, OracleKind? Oracle, string Detection)
    : SeededBug(Name, Description)
{
    public override OracleKind? RequiredOracle => Oracle;

    public override string Carrier => GetType().Name;

    public override string KilledBy => Detection;

    /// <summary>An arena's slot was just cleared (see <see cref="IHeapHooks.AfterArenaSlotCleared"/>).</summary>
    public virtual void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }

    /// <summary>An arena's memory just went back to the system.</summary>
    public virtual void AfterArenaMemoryReturned(ulong address, IRaceWindow window) { }

    /// <summary>A grown arena table was just published (see <see cref="IHeapHooks.AfterArenaTablePublished"/>).</summary>
    public virtual void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published, IRaceWindow window) { }

    /// <summary>A radix-tree chunk was just linked (see <see cref="IHeapHooks.AfterRadixChunkLinked"/>).</summary>
    public virtual void AfterRadixChunkLinked<T>(T[] chunk, IRaceWindow window) { }

    /// <summary>Whether <paramref name="mutation"/> runs without taking the mutation lock.</summary>
    public virtual bool SkipsLock(Mutation mutation) => false;
}
