using PymallocVerify.Model.Linearizability;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// The heap history specification with hand-written concurrent histories: arena events at the memory-space
/// boundary, the three-valued ownership rule, and allocation results validated rather than predicted.
/// </summary>
public class LinearizabilityHeapSpecTests
{
    private const ulong Arena = 0x10000;
    private const ulong Block = Arena + 0x30;          // in the arena's first pool
    private const ulong UncarvedPool = Arena + 0x300;   // a pool nothing has been handed out from
    // Built per use, not in static fields: code run by a type initializer is outside every test, which makes Stryker run
    // the whole suite for each of its mutants.
    private static HeapHistorySpec Spec => new(arenaSize: 1024, poolSize: 256);

    private static TimedCall<HeapCall> At(int thread, long invoked, long returned, HeapCall call) => new(thread, invoked, returned, call);

    /// <summary>A heap with one arena and one block handed out (a single-threaded setup).</summary>
    private static HeapSpecState WithBlock =>
        Spec.Replay(HeapSpecState.Empty, [new ArenaMappedEvent(Arena), new MallocCall(24, Block)]);

    private static LinearizabilityResult<HeapCall> Check(HeapSpecState initial, params TimedCall<HeapCall>[] history) =>
        Spec.Check(history, initial);

    [Fact]
    public void ClassifiesByLiveArenaAndInitializedPool()
    {
        Assert.Equal(Ownership.Owned, Spec.Classify(WithBlock, Block));
        Assert.Equal(Ownership.Owned, Spec.Classify(WithBlock, Arena + 0xff)); // same pool, not a block base
        Assert.Equal(Ownership.Unspecified, Spec.Classify(WithBlock, UncarvedPool));
        Assert.Equal(Ownership.NotOwned, Spec.Classify(WithBlock, Arena + 1024));
        Assert.Equal(Ownership.NotOwned, Spec.Classify(WithBlock, Arena - 1));
        Assert.Equal(Ownership.NotOwned, Spec.Classify(HeapSpecState.Empty, Block));
    }

    [Fact]
    public void UnspecifiedAddressesAcceptEitherAnswer()
    {
        Assert.True(Check(WithBlock, At(1, 1, 2, new IsOwnedCall(UncarvedPool, true))).IsLinearizable);
        Assert.True(Check(WithBlock, At(1, 1, 2, new IsOwnedCall(UncarvedPool, false))).IsLinearizable);
    }

    [Fact]
    public void AnOwnedBlockReportedForeignIsRejected()
    {
        var result = Check(WithBlock, At(1, 1, 2, new IsOwnedCall(Block, false)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains("Owned", Assert.Single(result.Blocked).Reason);
    }

    [Fact]
    public void AFreedBlockInALiveArenaIsStillOwned()
    {
        // An initialized pool keeps its header: the block's pool is still pymalloc's after the free.
        Assert.False(Check(WithBlock, At(0, 1, 2, new FreeCall(Block)), At(1, 3, 4, new IsOwnedCall(Block, false))).IsLinearizable);
        Assert.True(Check(WithBlock, At(0, 1, 2, new FreeCall(Block)), At(1, 3, 4, new IsOwnedCall(Block, true))).IsLinearizable);
    }

    [Fact]
    public void AQueryOverlappingAnArenaReleaseMayStillSeeIt()
    {
        var result = Check(WithBlock,
            At(1, 1, 6, new IsOwnedCall(Block, true)),
            At(0, 2, 5, new FreeCall(Block)),
            At(0, 4, 4, new ArenaUnmappedEvent(Arena)));
        Assert.True(result.IsLinearizable, result.Explain());
    }

    [Fact]
    public void AQueryInvokedAfterTheArenaWasReturnedMustNotClaimIt()
    {
        var result = Check(WithBlock,
            At(0, 1, 5, new FreeCall(Block)),
            At(0, 3, 3, new ArenaUnmappedEvent(Arena)),
            At(1, 4, 6, new IsOwnedCall(Block, true)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains(result.Blocked, b => b.Reason.Contains("lies in no live arena"));
    }

    [Fact]
    public void AnArenaCannotBeReturnedWhileItHoldsALiveBlock()
    {
        var result = Check(WithBlock, At(0, 1, 1, new ArenaUnmappedEvent(Arena)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains("still in it", Assert.Single(result.Blocked).Reason);
    }

    [Fact]
    public void TheArenaMappedInsideAMallocIsOrderedBeforeItsResult()
    {
        // The search first tries the malloc alone (a system block there), which the arena event then refuses.
        var result = Check(HeapSpecState.Empty,
            At(0, 1, 4, new MallocCall(24, Block)),
            At(0, 2, 2, new ArenaMappedEvent(Arena)),
            At(1, 3, 5, new IsOwnedCall(Block, true)));
        Assert.True(result.IsLinearizable, result.Explain());
        Assert.IsType<ArenaMappedEvent>(result.Witness[0].Call);
    }

    [Fact]
    public void ADoubleHandOutIsRejected()
    {
        var result = Check(WithBlock, At(0, 1, 3, new MallocCall(16, Block + 0x40)), At(1, 2, 4, new MallocCall(16, Block + 0x40)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains("overlaps live Pool block", result.Explain());
    }

    [Fact]
    public void AnOverlappingFreeAndMallocMayReuseTheBlock()
    {
        var result = Check(WithBlock, At(0, 1, 3, new FreeCall(Block)), At(1, 2, 4, new MallocCall(24, Block)));
        Assert.True(result.IsLinearizable, result.Explain());
    }

    [Fact]
    public void AMallocThatCompletedBeforeTheFreeBeganCannotReuseTheBlock()
    {
        var result = Check(WithBlock, At(1, 1, 2, new MallocCall(24, Block)), At(0, 3, 4, new FreeCall(Block)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void ReallocMovesTheBlockAndAFailedReallocKeepsIt()
    {
        var moved = Spec.Replay(WithBlock, [new ReallocCall(Block, 200, Arena + 0x100)]);
        Assert.False(moved.Blocks.ContainsKey(Block));
        Assert.Equal(Ownership.Owned, Spec.Classify(moved, Arena + 0x100));
        var failed = Spec.Replay(WithBlock, [new ReallocCall(Block, 200, 0)]);
        Assert.True(failed.Blocks.ContainsKey(Block));
        Assert.Throws<InvalidOperationException>(() => Spec.Replay(WithBlock, [new ReallocCall(Block + 0x100, 8, 0)]));
    }

    [Fact]
    public void ForeignBlocksAreNeverOwnedAndNeverFreedThroughTheHeapSpecAsPoolBlocks()
    {
        var state = Spec.Replay(WithBlock, [new ForeignAllocCall(64, 0x90000)]);
        Assert.Equal(Ownership.NotOwned, Spec.Classify(state, 0x90000));
        Assert.False(Check(state, At(1, 1, 2, new IsOwnedCall(0x90000, true))).IsLinearizable);
        Assert.Throws<InvalidOperationException>(() => Spec.Replay(state, [new ForeignFreeCall(Block)]));
        Assert.Throws<InvalidOperationException>(() => Spec.Replay(state, [new ForeignAllocCall(8, Arena + 0x200)]));
        Assert.Empty(Spec.Replay(state, [new ForeignFreeCall(0x90000), new FreeCall(Block)]).Blocks);
    }

    [Fact]
    public void UnmappingForgetsTheArenasInitializedPools()
    {
        var state = Spec.Replay(WithBlock, [new FreeCall(Block), new ArenaUnmappedEvent(Arena), new ArenaMappedEvent(Arena)]);
        Assert.Equal(Ownership.Unspecified, Spec.Classify(state, Block)); // the address came back, its pool did not
    }

    [Fact]
    public void ArenasCannotOverlapEachOtherOrLiveBlocks()
    {
        Assert.Throws<InvalidOperationException>(() => Spec.Replay(WithBlock, [new ArenaMappedEvent(Arena + 512)]));
        var system = Spec.Replay(HeapSpecState.Empty, [new MallocCall(4096, 0x20000)]);
        Assert.Throws<InvalidOperationException>(() => Spec.Replay(system, [new ArenaMappedEvent(0x20000 + 1024)]));
    }

    [Fact]
    public void BadGeometryIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new HeapHistorySpec(1000, 256));
        Assert.Throws<ArgumentException>(() => new HeapHistorySpec(1024, 2048));
    }

    [Fact]
    public void StatesWithTheSameContentsAreEqual()
    {
        var again = Spec.Replay(HeapSpecState.Empty, [new ArenaMappedEvent(Arena), new MallocCall(24, Block)]);
        Assert.Equal(WithBlock, again);
        Assert.Equal(WithBlock.GetHashCode(), again.GetHashCode());
        Assert.NotEqual(WithBlock, Spec.Replay(WithBlock, [new FreeCall(Block)]));
    }
}
