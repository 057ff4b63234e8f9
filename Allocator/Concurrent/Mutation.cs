namespace PymallocVerify.Allocator.Concurrent;

/// <summary>The front-end operations that change the heap and so take the mutation lock.</summary>
public enum Mutation
{
    Malloc,
    Calloc,
    Realloc,
    Free,
    /// <summary>Inspection under the lock (stats, invariant checks, disposal).</summary>
    Inspect,
}
