using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs;

/// <summary>Something built from the heap's oracle and hooks type arguments (a heap factory, a harness run).</summary>
public interface IHeapTypeVisitor<out TResult>
{
    TResult Visit<TOracle, THooks>()
        where TOracle : struct, IOwnershipOracle
        where THooks : struct, IHeapHooks;
}
