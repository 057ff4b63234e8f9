using System.Globalization;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Reporting;

/// <summary>Writes which cases a stream ran compactly: "0..11", "1,3..23" (stride = shard count), or a list.</summary>
public static class CaseRange
{
    public static string Format(IReadOnlyList<CaseRecord> cases)
    {
        if (cases.Count == 0) return "none";
        var ci = CultureInfo.InvariantCulture;
        if (cases.Count == 1) return cases[0].Index.ToString(ci);
        long first = cases[0].Index, stride = cases[1].Index - cases[0].Index;
        bool arithmetic = stride > 0;
        for (int i = 1; i < cases.Count && arithmetic; i++)
            arithmetic = cases[i].Index - cases[i - 1].Index == stride;
        if (!arithmetic) return string.Join(",", cases.Select(c => c.Index.ToString(ci)));
        long last = cases[^1].Index;
        if (stride == 1) return $"{first}..{last}";
        return cases.Count == 2 ? $"{first},{last}" : $"{first},{first + stride}..{last}";
    }
}
