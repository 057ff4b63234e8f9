namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// The arena-map lines of CPython 3.10+'s <c>sys._debugmallocstats()</c>: node counts and the bytes they take
/// (sizes as CPython allocates them; see <see cref="ArenaMapLayout"/>).
/// </summary>
public sealed record ArenaMapStats(ArenaMapLayout Layout, int MidNodes, int BottomNodes)
{
    public long RootBytes => Layout.RootBytes;
    public long MidBytes => MidNodes * Layout.MidNodeBytes;
    public long BottomBytes => BottomNodes * Layout.BottomNodeBytes;
    public long TotalBytes => RootBytes + MidBytes + BottomBytes;

    /// <summary>The arena-map section CPython 3.10+ appends to <c>sys._debugmallocstats()</c>, byte for byte.</summary>
    public string Format()
    {
        var text = new System.Text.StringBuilder("\narena map counts\n");
        DebugMallocStatsLine.Append(text, "# arena map mid nodes", MidNodes);
        DebugMallocStatsLine.Append(text, "# arena map bot nodes", BottomNodes);
        text.Append('\n');
        DebugMallocStatsLine.Append(text, "# bytes lost to arena map root", RootBytes);
        DebugMallocStatsLine.Append(text, "# bytes lost to arena map mid", MidBytes);
        DebugMallocStatsLine.Append(text, "# bytes lost to arena map bot", BottomBytes);
        DebugMallocStatsLine.Append(text, "Total", TotalBytes);
        return text.ToString();
    }

    public override string ToString() =>
        $"# arena map mid nodes = {MidNodes}, # arena map bot nodes = {BottomNodes}; " +
        $"bytes lost to arena map root = {RootBytes:N0}, mid = {MidBytes:N0}, bot = {BottomBytes:N0}";
}
