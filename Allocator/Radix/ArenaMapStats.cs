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

    public override string ToString() =>
        $"# arena map mid nodes = {MidNodes}, # arena map bot nodes = {BottomNodes}; " +
        $"bytes lost to arena map root = {RootBytes:N0}, mid = {MidBytes:N0}, bot = {BottomBytes:N0}";
}
