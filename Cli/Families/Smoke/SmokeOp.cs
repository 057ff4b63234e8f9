using System.Globalization;

namespace PymallocVerify.Cli.Families.Smoke;

public enum SmokeOpKind { Malloc, Calloc, Realloc, Free, QueryBlock, QueryForeign }

/// <summary>Which byte of a live block a query asks about.</summary>
public enum BlockPart { Base, Interior, LastByte }

/// <summary>
/// The value written at a foreign region's pool base before the classic oracle reads it there (the
/// <c>arenaindex</c> field of a pool header that is not one). Each is a case of the ownership argument.
/// </summary>
public enum GarbageClass { TableLength, TableLengthPlusOne, UIntMax, LiveSlot, NeverUsedSlot, ReleasedSlot, Random }

/// <summary>
/// One step of a smoke workload. Handles are indices into the executor's live list, chosen by the generator
/// from the live count, so the same seed always produces the same program.
/// </summary>
public readonly record struct SmokeOp(
    SmokeOpKind Kind,
    ulong Size = 0,
    ulong Count = 0,
    int Handle = 0,
    BlockPart Part = BlockPart.Base,
    int Region = 0,
    GarbageClass Garbage = GarbageClass.Random,
    uint RandomValue = 0)
{
    public override string ToString() => Kind switch
    {
        SmokeOpKind.Malloc => $"Malloc({Size})",
        SmokeOpKind.Calloc => $"Calloc({Count}, {Size})",
        SmokeOpKind.Realloc => $"Realloc(#{Handle}, {Size})",
        SmokeOpKind.Free => $"Free(#{Handle})",
        SmokeOpKind.QueryBlock => $"IsOwned(#{Handle} {SmokeCoverage.PartName(Part)})",
        SmokeOpKind.QueryForeign => $"IsOwned(foreign region {Region} {SmokeCoverage.PartName(Part)}, arena index = {GarbageText})",
        _ => Kind.ToString(),
    };

    private string GarbageText => Garbage == GarbageClass.Random
        ? "random 0x" + RandomValue.ToString("x8", CultureInfo.InvariantCulture)
        : SmokeCoverage.GarbageName(Garbage);
}
