namespace PymallocVerify.Properties.Generation;

/// <summary>The shape of a long allocation workload (<see cref="WorkloadGenerator"/>).</summary>
public enum WorkloadShape
{
    /// <summary>Mallocs, callocs, reallocs and frees, small and large: mostly growth for three quarters of the steps, mostly shrinking after (arenas added, then handed back).</summary>
    Mixed,

    /// <summary>A working set of a few hundred live blocks, each replaced at random.</summary>
    Churn,

    /// <summary>Allocate for the first half, then free every other block (fragmented pools over many arenas) and reuse the holes.</summary>
    Fill,
}
