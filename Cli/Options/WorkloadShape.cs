namespace PymallocVerify.Cli.Options;

/// <summary>The shape of a random allocation workload (<c>--workload</c>).</summary>
public enum WorkloadShape
{
    /// <summary>Mallocs, callocs, reallocs and frees of random sizes, small and large.</summary>
    Mixed,

    /// <summary>A working set of a few hundred live blocks, each replaced at random.</summary>
    Churn,

    /// <summary>Allocate until several arenas fill, then free every other block (fragmentation).</summary>
    Fill,
}

public static class WorkloadShapes
{
    public static string Name(WorkloadShape shape) => shape.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out WorkloadShape shape, out string? error)
    {
        error = null;
        foreach (WorkloadShape s in Enum.GetValues<WorkloadShape>())
        {
            if (string.Equals(Name(s), text, StringComparison.OrdinalIgnoreCase))
            {
                shape = s;
                return true;
            }
        }
        shape = WorkloadShape.Mixed;
        error = $"unknown workload '{text}'; expected one of: {string.Join(", ", Enum.GetValues<WorkloadShape>().Select(Name))}";
        return false;
    }
}
