using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.Options;

/// <summary><c>--oracle classic|radix|all</c> (or a comma-separated list).</summary>
public sealed record OracleSelection(IReadOnlyList<OracleKind> Kinds)
{
    public const string All = "all";

    public static OracleSelection Everything { get; } = new([OracleKind.PoolIndex, OracleKind.RadixTree]);

    public static bool TryParse(string? text, out OracleSelection selection, out string? error)
    {
        selection = Everything;
        error = null;
        var kinds = new List<OracleKind>();
        foreach (string name in (text ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (string.Equals(name, All, StringComparison.OrdinalIgnoreCase)) kinds.AddRange(Everything.Kinds);
            else if (OracleNames.TryParse(name, out OracleKind kind)) kinds.Add(kind);
            else
            {
                error = $"unknown oracle '{name}'; expected one of: {OracleNames.Classic}, {OracleNames.Radix}, {All}";
                return false;
            }
        }
        selection = new OracleSelection(kinds.Distinct().ToList());
        return true;
    }
}
