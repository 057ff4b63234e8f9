namespace PymallocVerify.Properties.CPython;

/// <summary>What a CPython run checked, beyond the operations themselves.</summary>
public sealed class CPythonRunCounters
{
    /// <summary>Operations executed on libpython (teardown frees included).</summary>
    public long Operations { get; set; }

    /// <summary>Ownership decisions libpython made and the spec judged (probes before frees and reallocs, queries,
    /// re-evaluations under other garbage).</summary>
    public long Decisions { get; set; }

    /// <summary>Of those, re-evaluations of a query under every other garbage value at the same pool's arena index.</summary>
    public long Reevaluations { get; set; }

    /// <summary>Queries whose pool header lies outside test memory (libpython's read there could fault): not asked.</summary>
    public long UnaskableQueries { get; set; }

    /// <summary>Steps compared with the port (differential runs).</summary>
    public long ComparedSteps { get; set; }

    public void Add(CPythonRunCounters other)
    {
        Operations += other.Operations;
        Decisions += other.Decisions;
        Reevaluations += other.Reevaluations;
        UnaskableQueries += other.UnaskableQueries;
        ComparedSteps += other.ComparedSteps;
    }

    public override string ToString() =>
        $"{Operations:N0} operations, {Decisions:N0} ownership decisions ({Reevaluations:N0} under re-planted garbage), " +
        $"{ComparedSteps:N0} steps compared with the port, {UnaskableQueries:N0} queries not askable";
}
