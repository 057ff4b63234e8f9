namespace PymallocVerify.Model;

/// <summary>Turns an <see cref="AddressExpression"/> into a concrete address in a given model state.</summary>
public static class AddressResolver
{
    /// <summary>The address, or null when the expression refers to an object the state does not have (the query is skipped).</summary>
    public static ulong? Resolve(ModelState state, AddressExpression expression)
    {
        ModelGeometry g = state.Geometry;
        ulong arenaSize = (ulong)g.ArenaSize;
        return expression switch
        {
            BlockAddress e => state.ResolveBlock(e.Handle) is { } b
                ? Add(e.Edge == Edge.Start ? b.Address : b.Address + b.Size, e.Offset) : null,
            PoolAddress e => state.ResolveBlock(e.Handle) is { } b
                ? Add(g.PoolBaseOf(b.Address) + (e.Edge == Edge.Start ? 0UL : (ulong)g.PoolSize), e.Offset) : null,
            ArenaAddress e => state.ResolveArena(e.Arena) is { } a
                ? Add(e.Edge == Edge.Start ? a.Base : a.End, e.Offset) : null,
            ForeignAddress e => state.ResolveForeign(e.Handle) is { } f ? Add(f.Address, e.Offset) : null,
            FreedArenaAddress e => state.ResolveReleasedArena(e.Arena) is { } r ? r.Base + e.Offset % r.Size : null,
            LowAddress e => e.Value % arenaSize,
            TopAddress e => ulong.MaxValue - e.Distance % arenaSize,
            _ => throw new ArgumentException($"unknown address expression {expression.GetType().Name}"),
        };
    }

    private static ulong Add(ulong address, long offset) => unchecked(address + (ulong)offset);
}
