using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Reporting;

public static class StopText
{
    public static string Of(StopReason reason) => reason switch
    {
        StopReason.Budget => "budget",
        StopReason.CaseLimit => "case limit",
        StopReason.Exhausted => "all run",
        StopReason.Failure => "FAILURE",
        StopReason.Cancelled => "cancelled",
        StopReason.Skipped => "skipped",
        _ => reason.ToString(),
    };

    /// <summary>The camelCase name used in report.json.</summary>
    public static string Json(StopReason reason) => reason switch
    {
        StopReason.CaseLimit => "caseLimit",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
