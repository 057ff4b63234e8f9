using System.Text;
using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Prints a concurrent history as a timeline: one row per call in invocation order, one column per thread,
/// each call tagged with its [invoked..returned] stamps — overlap is what makes a history interesting.
/// </summary>
public static class HistoryPrinter
{
    private const int ColumnWidth = 34;

    public static IReadOnlyList<string> Lines(IReadOnlyList<TimedCall<HeapCall>> history)
    {
        int threads = history.Count == 0 ? 0 : history.Max(c => c.Thread);
        var lines = new List<string>();
        var header = new StringBuilder("  stamps  ");
        for (int t = 1; t <= threads; t++) header.Append($"T{t}".PadRight(ColumnWidth));
        lines.Add(header.ToString().TrimEnd());
        foreach (var call in history.OrderBy(c => c.Invoked).ThenBy(c => c.Thread))
        {
            string stamps = call.Invoked == call.Returned ? $"{call.Invoked}" : $"{call.Invoked}..{call.Returned}";
            var row = new StringBuilder($"  {stamps,-7} ");
            row.Append(new string(' ', ColumnWidth * Math.Max(call.Thread - 1, 0)));
            row.Append(call.Call.ToString());
            lines.Add(row.ToString());
        }
        return lines;
    }
}
