using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator;

// Self-checks: asserts where the bookkeeping is written (HeapCheckLevel.Pointers) and the invariants after every
// mutation (HeapCheckLevel.Full).
public sealed partial class PymallocHeap<TMemory, TOracle, THooks>
{
    /// <summary>
    /// Runs the heap's and the oracle's invariants after <paramref name="operation"/>; a broken one is rethrown
    /// naming the call, so a run stops at the mutation that broke the rule rather than at the end of a step.
    /// Returns <paramref name="result"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // Full is for tests; keep it out of the inlined entry points
    private ulong Audited(string operation, ulong first, ulong second, ulong result)
    {
        try
        {
            Audit();
        }
        catch (HeapInvariantException broken)
        {
            string call = operation switch
            {
                nameof(Free) => $"Free(0x{first:x})",
                nameof(Realloc) => $"Realloc(0x{first:x}, {second}) = 0x{result:x}",
                nameof(Calloc) => $"Calloc({first}, {second}) = 0x{result:x}",
                _ => $"{operation}({first}) = 0x{result:x}",
            };
            throw new HeapInvariantException(broken.Invariant, $"after {call}: {broken.Detail}");
        }
        return result;
    }

    /// <summary>
    /// An assert at a mutation site failed. Call sites test <c>_checkPointers</c> first, so the message (an interpolated
    /// string) is built only when a rule is broken and production pays one branch.
    /// </summary>
    [DoesNotReturn]
    private static void Broken(string invariant, string detail) => throw new HeapInvariantException(invariant, detail);
}
