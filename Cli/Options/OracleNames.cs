using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.Options;

/// <summary>The command line's names for the ownership oracles.</summary>
public static class OracleNames
{
    public const string Classic = "classic";
    public const string Radix = "radix";

    public static string Of(OracleKind kind) => kind switch
    {
        OracleKind.PoolIndex => Classic,
        OracleKind.RadixTree => Radix,
        _ => kind.ToString(),
    };

    public static bool TryParse(string? text, out OracleKind kind)
    {
        kind = OracleKind.PoolIndex;
        if (string.Equals(text, Classic, StringComparison.OrdinalIgnoreCase)) return true;
        if (!string.Equals(text, Radix, StringComparison.OrdinalIgnoreCase)) return false;
        kind = OracleKind.RadixTree;
        return true;
    }
}
