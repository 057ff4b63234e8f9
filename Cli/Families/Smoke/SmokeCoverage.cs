using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>The smoke family's coverage vocabulary.</summary>
public static class SmokeCoverage
{
    public const string SystemBlock = "system-block";

    public static string GarbageName(GarbageClass g) => g switch
    {
        GarbageClass.TableLength => "table-length",
        GarbageClass.TableLengthPlusOne => "table-length+1",
        GarbageClass.UIntMax => "uint-max",
        GarbageClass.LiveSlot => "live-slot",
        GarbageClass.NeverUsedSlot => "never-used-slot",
        GarbageClass.ReleasedSlot => "released-slot",
        GarbageClass.Random => "random",
        _ => g.ToString(),
    };

    public static string PartName(BlockPart part) => part switch
    {
        BlockPart.Base => "base",
        BlockPart.Interior => "interior",
        BlockPart.LastByte => "last-byte",
        _ => part.ToString(),
    };

    public static string BlockKind(BlockPart part) => "block-" + PartName(part);

    public static string ForeignKind(BlockPart part) => "foreign-" + PartName(part);

    /// <summary>
    /// Garbage classes are a goal only for the classic oracle, the one that reads the pool base; the radix oracle
    /// reads no pool memory, so for it they are counted (the garbage is still planted) but not aimed at.
    /// </summary>
    public static Coverage New(OracleKind oracle = OracleKind.PoolIndex) => new(
        oracle == OracleKind.PoolIndex ? Enum.GetValues<GarbageClass>().Select(GarbageName) : [],
        Enum.GetValues<BlockPart>().Select(BlockKind)
            .Append(SystemBlock)
            .Concat(Enum.GetValues<BlockPart>().Select(ForeignKind)));
}
