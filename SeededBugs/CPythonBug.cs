using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs;

/// <summary>What a CPython seeded bug breaks: the port the differential compares with libpython, or the spec its decisions are judged by.</summary>
public enum CPythonBugSide
{
    Port,
    Spec,
}

/// <summary>
/// A seeded bug that only the real-CPython checks can see: the port configured as a CPython version, broken, against
/// libpython's own pymalloc (the differential must catch it), or a broken ownership spec that libpython's decisions
/// must contradict. Its behaviour lives beside the checks (<c>Properties/CPython/PortVariant</c>,
/// <c>OwnershipSpecVariant</c>), found by this name. Hunted on 3.8 or 3.9, where planted garbage reaches the classic test.
/// </summary>
public sealed record CPythonBug(string Name, string Description, CPythonBugSide Side) : SeededBug(Name, Description)
{
    public override string Carrier => Side == CPythonBugSide.Port ? "PortVariant (the port under the differential)" : "OwnershipSpecVariant";

    public override string KilledBy => Side == CPythonBugSide.Port ? "the differential against libpython" : "libpython's decisions under garbage";

    public override OracleKind? RequiredOracle => OracleKind.PoolIndex;
}
