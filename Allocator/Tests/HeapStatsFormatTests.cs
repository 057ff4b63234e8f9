namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// <c>HeapStats.Format</c> word for word: the CPython differential compares it byte for byte with libpython's
/// <c>sys._debugmallocstats()</c>, so every column, label and separator is behaviour.
/// </summary>
public class HeapStatsFormatTests
{
    [Fact]
    public void Format_prints_the_table_and_the_byte_accounting_as_cpython_does()
    {
        var stats = new HeapStats(Geometry.Tiny, [new SizeClassStats(0, 16, 1, 3, 10), new SizeClassStats(3, 64, 2, 1234, 2)],
            ArenasAllocatedTotal: 5, ArenasReclaimed: 3, ArenasHighwater: 4, ArenasCurrent: 2, AllocatedBytes: 1234567,
            AvailableBytes: 7, UnusedPools: 3, PoolHeaderBytes: 96, QuantizationBytes: 16, ArenaAlignmentBytes: 256);
        string expected =
            "Small block threshold = 64, in 4 size classes.\n\n" +
            "class   size   num pools   blocks in use  avail blocks\n" +
            "-----   ----   ---------   -------------  ------------\n" +
            "    0     16           1               3            10\n" +
            "    3     64           2            1234             2\n" +
            "\n" +
            "# arenas allocated total           =                    5\n" +
            "# arenas reclaimed                 =                    3\n" +
            "# arenas highwater mark            =                    4\n" +
            "# arenas allocated current         =                    2\n" +
            "2 arenas * 1024 bytes/arena        =                2,048\n" +
            "\n" +
            "# bytes in allocated blocks        =            1,234,567\n" +
            "# bytes in available blocks        =                    7\n" +
            "3 unused pools * 256 bytes         =                  768\n" +
            "# bytes lost to pool headers       =                   96\n" +
            "# bytes lost to quantization       =                   16\n" +
            "# bytes lost to arena alignment    =                  256\n" +
            "Total                              =            1,235,710\n";
        Assert.Equal(expected, stats.Format());
        Assert.Equal(2048, stats.ArenaBytes);
        Assert.Equal(1237, stats.BlocksInUse);
    }
}
