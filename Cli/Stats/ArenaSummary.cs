using System.Globalization;
using PymallocVerify.Allocator;
using Spectre.Console;

namespace PymallocVerify.Cli.Stats;

/// <summary>The arena table after a workload: one row per live arena, with its pools by state.</summary>
public static class ArenaSummary
{
    public static Table Build(Geometry geometry, ArenaObject[] arenas, bool ascii)
    {
        var ci = CultureInfo.InvariantCulture;
        ulong poolSize = (ulong)geometry.PoolSize;
        var table = new Table().Border(ascii ? TableBorder.Ascii : TableBorder.Rounded)
            .Title($"arena table: {arenas.Count(a => a.Address != 0)} live of {arenas.Length} slots");
        table.AddColumn(new TableColumn("slot").RightAligned());
        table.AddColumn("base");
        table.AddColumn("first pool");
        table.AddColumn(new TableColumn("pools").RightAligned());
        table.AddColumn(new TableColumn("in use").RightAligned());
        table.AddColumn(new TableColumn("empty (reusable)").RightAligned());
        table.AddColumn(new TableColumn("never carved").RightAligned());
        for (int i = 0; i < arenas.Length; i++)
        {
            ArenaObject a = arenas[i];
            if (a.Address == 0) continue;
            ulong firstPool = (a.Address + poolSize - 1) & ~(poolSize - 1);
            ulong arenaEnd = a.Address + (ulong)geometry.ArenaSize;
            long neverCarved = (long)((arenaEnd - a.PoolAddress) / poolSize);
            long free = a.NFreePools;
            table.AddRow(
                i.ToString(ci),
                "0x" + a.Address.ToString("x", ci),
                firstPool == a.Address ? "aligned" : "lost to alignment",
                a.NTotalPools.ToString(ci),
                (a.NTotalPools - free).ToString(ci),
                (free - neverCarved).ToString(ci),
                neverCarved.ToString(ci));
        }
        return table;
    }
}
