using System.Text.Json.Serialization;

namespace PymallocVerify.Model;

/// <summary>
/// The classes of value the classic oracle may find where it reads the arena index. Ordered from the
/// simplest to the most specific: the shrinker moves a failing case toward the start of this list.
/// </summary>
public enum GarbageClass
{
    /// <summary>Exactly maxarenas: the first out-of-range index.</summary>
    TableSize,
    /// <summary>maxarenas + 1.</summary>
    TableSizePlusOne,
    /// <summary>uint.MaxValue (0xFFFFFFFF).</summary>
    UIntMax,
    /// <summary>In range: a slot that never held an arena (base 0).</summary>
    NeverUsedSlot,
    /// <summary>In range: a slot whose arena was returned (base 0 again).</summary>
    ReleasedSlot,
    /// <summary>In range: a slot holding a live arena.</summary>
    LiveSlot,
    /// <summary>In range: the slot of the live arena nearest to p — the case an off-by-one or signed test gets wrong.</summary>
    AdjacentArenaSlot,
    /// <summary>A given value.</summary>
    Random,
}

/// <summary>
/// Symbolic garbage: a class plus a parameter (which slot of that class, modulo their number; or the raw value
/// for <see cref="GarbageClass.Random"/>). Resolved against the arena table when the query runs, so a saved
/// counterexample means the same thing on another run even though addresses differ.
/// </summary>
public sealed record Garbage(GarbageClass Class, [property: JsonRequired] uint Value = 0)
{
    public static Garbage Of(GarbageClass garbageClass) => new(garbageClass);
}

/// <summary>How the resolved garbage reached the oracle's read.</summary>
public enum GarbageDelivery
{
    /// <summary>Not applied: p's pool header was initialised by pymalloc, so its index is not garbage.</summary>
    NotApplied,
    /// <summary>Written into real memory at p's pool base before the query.</summary>
    Written,
    /// <summary>
    /// p's pool base is not memory the test may write (or read): the backend serves the one index read with
    /// the value instead, as if the memory held it — the decision is what is under test, not the page fault.
    /// </summary>
    Simulated,
}

/// <summary>The concrete garbage a query ran with (recorded in counterexample files).</summary>
public sealed record AppliedGarbage(GarbageClass Class, uint Value, GarbageDelivery Delivery);
