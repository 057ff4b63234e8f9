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
/// <c>OwnershipSpecVariant</c>), found by this name. Hunted on the versions that decide with <paramref name="Oracle"/>:
/// by default 3.8 or 3.9, where planted garbage reaches the classic test; a bug in the arena map, on 3.10 or 3.11.
/// </summary>
public sealed record CPythonBug(string Name, string Description, CPythonBugSide Side, OracleKind Oracle = OracleKind.PoolIndex)
    : SeededBug(Name, Description)
{
    public override string Carrier => Side == CPythonBugSide.Port ? "PortVariant (the port under the differential)" : "OwnershipSpecVariant";

    public override string KilledBy => Side == CPythonBugSide.Port ? "the differential against libpython" : "libpython's decisions under garbage";

    public override OracleKind? RequiredOracle => Oracle;
}
