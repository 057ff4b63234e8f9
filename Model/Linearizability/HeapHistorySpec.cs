using System.Numerics;
using static PymallocVerify.Model.Linearizability.HeapCall;

namespace PymallocVerify.Model.Linearizability;

/// <summary>
/// The sequential specification a concurrent heap history is checked against. It validates observed
/// results rather than predicting them: any block may come back from malloc as long as it overlaps no live
/// block, and ownership answers are judged by the three-valued rule — a block-bearing (initialized) pool
/// of a live arena must be owned, an address in no live arena must not be, the rest may go either way.
/// Live arenas are learned from the memory space's events, never from the allocator's own tables.
/// </summary>
public sealed class HeapHistorySpec
{
    public HeapHistorySpec(ulong arenaSize, ulong poolSize)
    {
        if (!BitOperations.IsPow2(arenaSize) || !BitOperations.IsPow2(poolSize) || poolSize > arenaSize)
            throw new ArgumentException(
                $"arena size ({arenaSize}) and pool size ({poolSize}) must be powers of two with pool size <= arena size");
        ArenaSize = arenaSize;
        PoolSize = poolSize;
    }

    public ulong ArenaSize { get; }
    public ulong PoolSize { get; }

    public ulong PoolOf(ulong address) => address & ~(PoolSize - 1);

    /// <summary>The live arena containing <paramref name="address"/>, if any.</summary>
    public ulong? ArenaOf(HeapSpecState state, ulong address)
    {
        foreach (ulong arena in state.Arenas)
            if (address - arena < ArenaSize) return arena;
        return null;
    }

    public Ownership Classify(HeapSpecState state, ulong address) =>
        OwnershipSpec.Classify(ArenaOf(state, address) is not null, state.InitializedPools.Contains(PoolOf(address)));

    /// <summary>Checks a concurrent history that starts from <paramref name="initial"/>.</summary>
    public LinearizabilityResult<HeapCall> Check(IReadOnlyList<TimedCall<HeapCall>> history, HeapSpecState initial, long maxStates = 2_000_000) =>
        LinearizabilityChecker.Check(history, initial, Step, maxStates);

    /// <summary>
    /// Applies calls known to be sequential (e.g. a single-threaded setup phase) in order; throws
    /// <see cref="InvalidOperationException"/> naming the first call the specification rejects.
    /// </summary>
    public HeapSpecState Replay(HeapSpecState initial, IEnumerable<HeapCall> calls)
    {
        var state = initial;
        foreach (var call in calls)
        {
            var result = Step(state, call);
            state = result.Next ?? throw new InvalidOperationException($"sequential call {call} rejected: {result.Rejection}");
        }
        return state;
    }

    public TransitionResult<HeapSpecState> Step(HeapSpecState state, HeapCall call) => call switch
    {
        MallocCall m => Adopt(state, m.Result, m.Size, BlockOrigin.System),
        CallocCall c => Adopt(state, c.Result, c.Size * c.Count, BlockOrigin.System),
        ReallocCall r => Realloc(state, r),
        FreeCall f => Release(state, f.Address, foreign: false),
        IsOwnedCall q => Query(state, q),
        ForeignAllocCall fa => Adopt(state, fa.Result, fa.Size, BlockOrigin.Foreign),
        ForeignFreeCall ff => Release(state, ff.Address, foreign: true),
        ArenaMappedEvent e => Map(state, e.Base),
        ArenaUnmappedEvent e => Unmap(state, e.Base),
        _ => throw new ArgumentException($"unknown heap call {call}", nameof(call)),
    };

    private TransitionResult<HeapSpecState> Query(HeapSpecState state, IsOwnedCall query)
    {
        ulong p = query.Address;
        Ownership spec = Classify(state, p);
        if (spec.Allows(query.Result)) return TransitionResult<HeapSpecState>.Accept(state);
        return TransitionResult<HeapSpecState>.Reject(spec == Ownership.Owned
            ? $"answered false, but {Hex(p)} is in initialized pool {Hex(PoolOf(p))} of live arena {Hex(ArenaOf(state, p)!.Value)}: Owned"
            : $"answered true, but {Hex(p)} lies in no live arena: NotOwned");
    }

    private TransitionResult<HeapSpecState> Realloc(HeapSpecState state, ReallocCall call)
    {
        if (call.Address == 0) return Adopt(state, call.Result, call.Size, BlockOrigin.System);
        if (!state.Blocks.ContainsKey(call.Address))
            return TransitionResult<HeapSpecState>.Reject($"{Hex(call.Address)} is not a live block");
        if (call.Result == 0) return TransitionResult<HeapSpecState>.Accept(state); // failure: the old block stays valid
        var without = state.With(blocks: state.Blocks.Remove(call.Address));
        return Adopt(without, call.Result, call.Size, BlockOrigin.System);
    }

    /// <param name="origin">What the block is if it lies in no arena (a heap result inside a live arena is a pool block).</param>
    private TransitionResult<HeapSpecState> Adopt(HeapSpecState state, ulong address, ulong size, BlockOrigin origin)
    {
        if (address == 0) return TransitionResult<HeapSpecState>.Accept(state); // out of memory is always allowed
        ulong end = address + Math.Max(size, 1UL);
        if (end <= address) return TransitionResult<HeapSpecState>.Reject($"block {Hex(address)} + {size} wraps the address space");
        foreach (var (start, block) in state.Blocks)
            if (start < end && address < block.End)
                return TransitionResult<HeapSpecState>.Reject(
                    $"{Hex(address)}..{Hex(end)} overlaps live {block.Origin} block {Hex(start)}..{Hex(block.End)}");

        var pools = state.InitializedPools;
        if (ArenaOf(state, address) is { } arena)
        {
            if (origin == BlockOrigin.Foreign)
                return TransitionResult<HeapSpecState>.Reject($"foreign block {Hex(address)} lies in live arena {Hex(arena)}");
            if (end - arena > ArenaSize)
                return TransitionResult<HeapSpecState>.Reject($"pool block {Hex(address)}..{Hex(end)} runs past the end of arena {Hex(arena)}");
            origin = BlockOrigin.Pool;
            pools = pools.Add(PoolOf(address));
        }
        else
        {
            foreach (ulong a in state.Arenas)
                if (a < end && address < a + ArenaSize)
                    return TransitionResult<HeapSpecState>.Reject($"{Hex(address)}..{Hex(end)} straddles live arena {Hex(a)}");
        }
        return TransitionResult<HeapSpecState>.Accept(state.With(pools: pools, blocks: state.Blocks.Add(address, new SpecBlock(end, origin))));
    }

    private static TransitionResult<HeapSpecState> Release(HeapSpecState state, ulong address, bool foreign)
    {
        if (address == 0 && !foreign) return TransitionResult<HeapSpecState>.Accept(state);
        if (!state.Blocks.TryGetValue(address, out var block))
            return TransitionResult<HeapSpecState>.Reject($"{Hex(address)} is not a live block");
        if (foreign != (block.Origin == BlockOrigin.Foreign))
            return TransitionResult<HeapSpecState>.Reject($"{Hex(address)} is a {block.Origin} block");
        return TransitionResult<HeapSpecState>.Accept(state.With(blocks: state.Blocks.Remove(address)));
    }

    private TransitionResult<HeapSpecState> Map(HeapSpecState state, ulong arenaBase)
    {
        ulong end = arenaBase + ArenaSize;
        if (arenaBase == 0 || end <= arenaBase)
            return TransitionResult<HeapSpecState>.Reject($"arena base {Hex(arenaBase)} is not a usable address");
        foreach (ulong a in state.Arenas)
            if (a < end && arenaBase < a + ArenaSize)
                return TransitionResult<HeapSpecState>.Reject($"overlaps live arena {Hex(a)}");
        foreach (var (start, block) in state.Blocks)
            if (start < end && arenaBase < block.End)
                return TransitionResult<HeapSpecState>.Reject($"maps over live {block.Origin} block {Hex(start)}");
        return TransitionResult<HeapSpecState>.Accept(state.With(arenas: state.Arenas.Add(arenaBase)));
    }

    private TransitionResult<HeapSpecState> Unmap(HeapSpecState state, ulong arenaBase)
    {
        if (!state.Arenas.Contains(arenaBase))
            return TransitionResult<HeapSpecState>.Reject("not a live arena");
        foreach (var (start, block) in state.Blocks)
            if (start - arenaBase < ArenaSize)
                return TransitionResult<HeapSpecState>.Reject($"live {block.Origin} block {Hex(start)} is still in it");
        return TransitionResult<HeapSpecState>.Accept(state.With(
            arenas: state.Arenas.Remove(arenaBase),
            pools: state.InitializedPools.Except(state.InitializedPools.Where(p => p - arenaBase < ArenaSize))));
    }
}
