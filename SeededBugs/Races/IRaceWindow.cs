using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Races;

/// <summary>What the concurrency harness lends a seeded race: a scheduling point, and the heap's current arena table.</summary>
public interface IRaceWindow
{
    /// <summary>Another controlled thread may run here (the window the bug opens).</summary>
    void Interleave();

    /// <summary>The arena table the heap publishes now.</summary>
    ArenaObject[] ArenaTable { get; }
}
