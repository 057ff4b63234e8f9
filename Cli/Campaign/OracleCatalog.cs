using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.Campaign;

/// <summary>Which ownership oracles this build of the CLI can instantiate.</summary>
public static class OracleCatalog
{
    /// <summary>Null when the oracle can run; otherwise why not.</summary>
    public static string? UnavailableReason(OracleKind kind) => kind switch
    {
        OracleKind.PoolIndex => null,
        OracleKind.RadixTree => null,
        _ => $"unknown oracle {kind}",
    };

    public static bool IsAvailable(OracleKind kind) => UnavailableReason(kind) is null;
}
