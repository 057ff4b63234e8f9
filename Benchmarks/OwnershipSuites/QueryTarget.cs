namespace PymallocVerify.Benchmarks.OwnershipSuites;

/// <summary>What the queried addresses point at.</summary>
public enum QueryTarget
{
    /// <summary>Live pymalloc blocks (the oracle answers true).</summary>
    Owned,
    /// <summary>Foreign, readable memory with garbage arena indices (the oracle answers false).</summary>
    Foreign,
    /// <summary>Half and half, randomly interleaved: the answer's branch is unpredictable.</summary>
    Mixed,
}
