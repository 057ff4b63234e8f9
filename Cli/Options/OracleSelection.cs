using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.Options;

/// <summary>
/// <c>--oracle classic|radix|all</c>. <see cref="Explicit"/> says the user named the oracles, so an oracle this
/// build lacks is an error rather than a skipped row.
/// </summary>
public sealed record OracleSelection(IReadOnlyList<OracleKind> Kinds, bool Explicit)
{
    public const string All = "all";

    public static OracleSelection Everything { get; } = new([OracleKind.PoolIndex, OracleKind.RadixTree], false);

    public static bool TryParse(string? text, out OracleSelection selection, out string? error)
    {
        selection = Everything;
        error = null;
        var kinds = new List<OracleKind>();
        bool explicitNames = true;
        foreach (string name in (text ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (string.Equals(name, All, StringComparison.OrdinalIgnoreCase))
            {
                kinds.AddRange(Everything.Kinds);
                explicitNames = false;
            }
            else if (OracleNames.TryParse(name, out OracleKind kind)) kinds.Add(kind);
            else
            {
                error = $"unknown oracle '{name}'; expected one of: {OracleNames.Classic}, {OracleNames.Radix}, {All}";
                return false;
            }
        }
        selection = new OracleSelection(kinds.Distinct().ToList(), explicitNames);
        return true;
    }
}
