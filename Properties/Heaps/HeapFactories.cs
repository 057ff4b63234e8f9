using PymallocVerify.SeededBugs;

namespace PymallocVerify.Properties.Heaps;

/// <summary>The heap factory for a pair of heap type arguments (the real heap's or a seeded bug's).</summary>
public sealed class HeapFactories : IHeapTypeVisitor<IHeapFactory>
{
    public static HeapFactories Instance { get; } = new();

    public IHeapFactory Visit<TOracle, THooks>()
        where TOracle : struct, Allocator.IOwnershipOracle
        where THooks : struct, Allocator.IHeapHooks => HeapFactory<TOracle, THooks>.Instance;
}
