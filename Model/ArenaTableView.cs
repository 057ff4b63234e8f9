namespace PymallocVerify.Model;

/// <summary>
/// A snapshot of the allocator's arena table as plain numbers (slot base addresses; 0 = unused), plus the slots
/// that ever held an arena. Used only to pick nasty garbage values — the model's verdicts never look at it.
/// </summary>
public sealed record ArenaTableView(IReadOnlyList<ulong> SlotAddresses, IReadOnlySet<int> EverUsedSlots, ulong ArenaSize)
{
    public static ArenaTableView Empty(ulong arenaSize) => new([], new HashSet<int>(), arenaSize);
}
