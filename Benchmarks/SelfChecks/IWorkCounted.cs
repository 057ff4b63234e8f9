namespace PymallocVerify.Benchmarks.SelfChecks;

/// <summary>
/// A suite whose invocation does a deterministic amount of work that is not a compile-time constant (e.g. the
/// operations a seeded property campaign happens to generate). Known after the global setup; the report turns
/// time per invocation into work per second with it.
/// </summary>
public interface IWorkCounted
{
    /// <summary>What one unit of work is, e.g. "operations checked".</summary>
    string WorkUnit { get; }

    /// <summary>Units of work per benchmark operation (per OperationsPerInvoke share of an invocation).</summary>
    double WorkPerOperation { get; }

    /// <summary>
    /// A benchmark method of the same suite that the others are compared with: the report shows each row's time per
    /// unit of work over this method's, same parameters, same run (e.g. a checked operation over a bare heap call).
    /// </summary>
    string? ReferenceMethod => null;
}
