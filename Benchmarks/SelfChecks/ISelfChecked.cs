namespace PymallocVerify.Benchmarks.SelfChecks;

/// <summary>
/// A benchmark class that can say whether one run of a benchmark body did the right thing. `--validate` runs every
/// body once per parameter combination (after the same setup BenchmarkDotNet uses) and then calls this.
/// </summary>
public interface ISelfChecked
{
    /// <summary>Throws <see cref="SelfCheckFailedException"/> when the state or <paramref name="result"/> is wrong.</summary>
    void Verify(string benchmark, object? result);
}

/// <summary>The benchmark bodies of this class must allocate no managed memory (checked by `--validate`).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NoManagedAllocationAttribute : Attribute;

public sealed class SelfCheckFailedException(string message) : Exception(message);

public static class Check
{
    public static void That(bool condition, string failure)
    {
        if (!condition) throw new SelfCheckFailedException(failure);
    }
}
