namespace PymallocVerify.Model;

/// <summary>
/// Resolves symbolic <see cref="Garbage"/> to the 32-bit value written at a pool base. When a class has no
/// member in the current table (e.g. no released slot yet) it falls back to the nearest simpler class and
/// reports the class actually used, so coverage counts what really ran.
/// </summary>
public static class GarbageResolver
{
    public static (uint Value, GarbageClass Actual) Resolve(Garbage garbage, ArenaTableView table, ulong address)
    {
        IReadOnlyList<ulong> slots = table.SlotAddresses;
        uint size = (uint)slots.Count;
        switch (garbage.Class)
        {
            case GarbageClass.TableSize: return (size, GarbageClass.TableSize);
            case GarbageClass.TableSizePlusOne: return (size + 1, GarbageClass.TableSizePlusOne);
            case GarbageClass.UIntMax: return (uint.MaxValue, GarbageClass.UIntMax);
            case GarbageClass.Random: return (garbage.Value, GarbageClass.Random);
            case GarbageClass.NeverUsedSlot:
                return Pick(garbage, i => slots[i] == 0 && !table.EverUsedSlots.Contains(i), slots.Count)
                       ?? (size, GarbageClass.TableSize);
            case GarbageClass.ReleasedSlot:
                return Pick(garbage, i => slots[i] == 0 && table.EverUsedSlots.Contains(i), slots.Count)
                       ?? Resolve(Garbage.Of(GarbageClass.NeverUsedSlot), table, address);
            case GarbageClass.LiveSlot:
                return Pick(garbage, i => slots[i] != 0, slots.Count) ?? (size, GarbageClass.TableSize);
            case GarbageClass.AdjacentArenaSlot:
                int best = -1;
                ulong bestDistance = ulong.MaxValue;
                for (int i = 0; i < slots.Count; i++)
                {
                    if (slots[i] == 0) continue;
                    ulong d = Distance(address, slots[i], table.ArenaSize);
                    if (d < bestDistance) (best, bestDistance) = (i, d);
                }
                return best >= 0 ? ((uint)best, GarbageClass.AdjacentArenaSlot) : (size, GarbageClass.TableSize);
            default:
                throw new ArgumentException($"unknown garbage class {garbage.Class}");
        }
    }

    private static (uint, GarbageClass)? Pick(Garbage garbage, Func<int, bool> member, int count)
    {
        var members = new List<int>();
        for (int i = 0; i < count; i++) if (member(i)) members.Add(i);
        return members.Count == 0 ? null : ((uint)members[(int)(garbage.Value % (uint)members.Count)], garbage.Class);
    }

    /// <summary>Distance from p to [base, base + size): 0 inside.</summary>
    private static ulong Distance(ulong p, ulong arenaBase, ulong size)
    {
        // Stryker disable once Equality : at p == arenaBase this branch and the next both give 0
        if (p < arenaBase) return arenaBase - p;
        return p - arenaBase < size ? 0 : p - (arenaBase + size - 1);
    }
}
