using System.Collections.Immutable;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend.CPython;

namespace PymallocVerify.Properties.CPython;

/// <summary>The first way two allocators' steps differ: what differs, and how each side shows it.</summary>
public sealed record StepDifference(string What, string Real, string Port);

/// <summary>
/// Compares one step of libpython and of the port, with every address written as an offset from its own region: the
/// result, the ownership decisions, the system-boundary events (arenas obtained and returned, raw calls), the bytes read
/// back, the pool-block count and the arena table.
/// </summary>
public static class DifferentialComparison
{
    public static StepDifference? Compare(SideStep real, IAllocatorSide realSide, SideStep port, IAllocatorSide portSide)
    {
        PlacementRegion r = realSide.Region, p = portSide.Region;
        Observation a = real.Observation, b = port.Observation;
        if (a.Fault != b.Fault) return new("fault", a.Fault ?? "none", b.Fault ?? "none");
        if (At(a.Address, r) != At(b.Address, p)) return new("address", At(a.Address, r), At(b.Address, p));

        ImmutableArray<OwnershipDecision> da = MainDecisions(real.Decisions), db = MainDecisions(port.Decisions);
        if (!da.Select(d => d.Owned).SequenceEqual(db.Select(d => d.Owned)))
            return new("ownership decision", Decisions(da), Decisions(db));

        if (a.Events.Length != b.Events.Length || !a.Events.Select(e => Event(e, r)).SequenceEqual(b.Events.Select(e => Event(e, p))))
            return new("system calls", Events(a.Events, r), Events(b.Events, p));

        if (!a.Content.IsDefault || !b.Content.IsDefault)
        {
            ImmutableArray<byte> ca = a.Content.IsDefault ? [] : a.Content, cb = b.Content.IsDefault ? [] : b.Content;
            if (!ca.SequenceEqual(cb)) return new("bytes read back", Convert.ToHexString(ca.AsSpan()), Convert.ToHexString(cb.AsSpan()));
        }
        if (real.PoolBlocks != port.PoolBlocks)
            return new("blocks in pools (_Py_GetAllocatedBlocks without raw blocks)", $"{real.PoolBlocks}", $"{port.PoolBlocks}");
        return CompareArenaTables(realSide, portSide);
    }

    /// <summary>The arena tables: same length (maxarenas), and each slot unused or holding an arena at the same offset.</summary>
    public static StepDifference? CompareArenaTables(IAllocatorSide realSide, IAllocatorSide portSide)
    {
        bool same = realSide.MaxArenas == portSide.MaxArenas;
        for (int i = 0; same && i < realSide.MaxArenas; i++)
            same = Slot(realSide, i) == Slot(portSide, i);
        return same ? null : new("arena table", Table(realSide), Table(portSide));
    }

    /// <summary>An address as an offset from its region ("region+0x40030"), NULL, or absolute outside the region.</summary>
    public static string At(ulong address, PlacementRegion region) =>
        address == 0 ? "NULL" : region.OffsetOf(address) is long o ? $"region+0x{o:x}" : $"0x{address:x}";

    public static string Event(SystemEvent e, PlacementRegion r) => e switch
    {
        ArenaObtained a => $"arena obtained at {At(a.Base, r)}",
        ArenaReturned a => $"arena returned: {At(a.Base, r)}",
        SystemMallocCalled m => $"raw malloc({m.Size}) = {At(m.Address, r)}",
        SystemCallocCalled c => $"raw calloc({c.Count}, {c.Size}) = {At(c.Address, r)}",
        SystemReallocCalled c => $"raw realloc({At(c.OldAddress, r)}, {c.Size}) = {At(c.NewAddress, r)}",
        SystemFreeCalled f => $"raw free({At(f.Address, r)})" + (f.Known ? "" : " of a pointer never handed out"),
        _ => e.ToString(),
    };

    public static string Events(ImmutableArray<SystemEvent> events, PlacementRegion r) =>
        events.IsDefaultOrEmpty ? "no system call" : string.Join("; ", events.Select(e => Event(e, r)));

    private static ImmutableArray<OwnershipDecision> MainDecisions(ImmutableArray<OwnershipDecision> decisions) =>
        decisions.IsDefault ? [] : [.. decisions.Where(d => !d.Reevaluation)];

    private static string Decisions(ImmutableArray<OwnershipDecision> decisions) =>
        decisions.Length == 0 ? "no decision"
            : string.Join(", ", decisions.Select(d => d.Owned switch { true => "owned", false => "not owned", null => "none" }));

    private static long Slot(IAllocatorSide side, int i) =>
        side.SlotAddress(i) is var a && a == 0 ? -1 : side.Region.OffsetOf(a) ?? long.MinValue;

    private static string Table(IAllocatorSide side)
    {
        var slots = new List<string>();
        for (int i = 0; i < side.MaxArenas; i++)
            if (side.SlotAddress(i) is var a and not 0) slots.Add($"[{i}] {At(a, side.Region)}");
        return $"{side.MaxArenas} slots" + (slots.Count == 0 ? ", none live" : ": " + string.Join(", ", slots));
    }
}
