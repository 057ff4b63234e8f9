namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// What the explorer may merge beyond equal canonical states. Each reduction is sound for the explorer's model
/// (the argument is beside the code that relies on it): no failing program within the depth is lost, and the shortest
/// counterexample keeps its length.
/// </summary>
[Flags]
public enum ExplorationReductions
{
    /// <summary>Canonical-state deduplication only: blocks are hashed in handle order.</summary>
    None = 0,

    /// <summary>States equal up to a renaming of block handles and of foreign handles are one state
    /// (<see cref="CanonicalState"/>).</summary>
    HandleSymmetry = 1,

    All = HandleSymmetry,
}
