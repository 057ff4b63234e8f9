using System.Globalization;
using System.Text;

namespace PymallocVerify.Allocator;

/// <summary>One row of sys._debugmallocstats(): a size class with at least one used or full pool.</summary>
public sealed record SizeClassStats(int SizeClass, int BlockSize, long Pools, long BlocksInUse, long AvailableBlocks);

/// <summary>
/// The content of CPython's <c>sys._debugmallocstats()</c>. The byte accounting is an identity:
/// <c>ArenaBytes = AllocatedBytes + AvailableBytes + UnusedPools·POOL_SIZE + PoolHeaderBytes + QuantizationBytes + ArenaAlignmentBytes</c>.
/// </summary>
public sealed record HeapStats(
    Geometry Geometry,
    IReadOnlyList<SizeClassStats> SizeClasses,
    long ArenasAllocatedTotal,
    long ArenasReclaimed,
    int ArenasHighwater,
    int ArenasCurrent,
    long AllocatedBytes,
    long AvailableBytes,
    long UnusedPools,
    long PoolHeaderBytes,
    long QuantizationBytes,
    long ArenaAlignmentBytes)
{
    public long ArenaBytes => (long)ArenasCurrent * Geometry.ArenaSize;

    public long BlocksInUse => SizeClasses.Sum(c => c.BlocksInUse);

    /// <summary>The text CPython prints, byte for byte (checked against libpython 3.8–3.11 in the CPython differential).</summary>
    public string Format()
    {
        var ci = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.Append(ci, $"Small block threshold = {Geometry.SmallRequestThreshold}, in {Geometry.NumSizeClasses} size classes.\n\n");
        s.Append("class   size   num pools   blocks in use  avail blocks\n");
        s.Append("-----   ----   ---------   -------------  ------------\n");
        foreach (var c in SizeClasses)
            s.Append(ci, $"{c.SizeClass,5} {c.BlockSize,6} {c.Pools,11} {c.BlocksInUse,15} {c.AvailableBlocks,13}\n");
        s.Append('\n');
        void Line(string label, long value) => DebugMallocStatsLine.Append(s, label, value);
        Line("# arenas allocated total", ArenasAllocatedTotal);
        Line("# arenas reclaimed", ArenasReclaimed);
        Line("# arenas highwater mark", ArenasHighwater);
        Line("# arenas allocated current", ArenasCurrent);
        Line($"{ArenasCurrent} arenas * {Geometry.ArenaSize} bytes/arena", ArenaBytes);
        s.Append('\n');
        Line("# bytes in allocated blocks", AllocatedBytes);
        Line("# bytes in available blocks", AvailableBytes);
        Line($"{UnusedPools} unused pools * {Geometry.PoolSize} bytes", UnusedPools * Geometry.PoolSize);
        Line("# bytes lost to pool headers", PoolHeaderBytes);
        Line("# bytes lost to quantization", QuantizationBytes);
        Line("# bytes lost to arena alignment", ArenaAlignmentBytes);
        Line("Total", AllocatedBytes + AvailableBytes + UnusedPools * Geometry.PoolSize
                      + PoolHeaderBytes + QuantizationBytes + ArenaAlignmentBytes);
        return s.ToString();
    }
}
