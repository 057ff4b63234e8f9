using System.Globalization;
using System.Text;

namespace PymallocVerify.Allocator;

/// <summary>
/// One "label = value" line of <c>sys._debugmallocstats()</c>, laid out as CPython's <c>printone</c> does: the label
/// padded to 35 columns, '=', the value with thousands separators right-aligned in 21 columns.
/// </summary>
internal static class DebugMallocStatsLine
{
    public static void Append(StringBuilder text, string label, long value) =>
        text.Append(label.PadRight(35)).Append('=')
            .Append(value.ToString("N0", CultureInfo.InvariantCulture).PadLeft(21)).Append('\n');
}
