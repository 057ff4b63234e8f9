using System.Globalization;

namespace PymallocVerify.Cli.Reporting;

/// <summary>Human-sized numbers for progress lines and tables.</summary>
public static class RateText
{
    public static string PerSecond(long count, TimeSpan elapsed) =>
        elapsed.TotalSeconds <= 0 ? "-" : Compact(count / elapsed.TotalSeconds) + "/s";

    public static string Compact(double value)
    {
        var ci = CultureInfo.InvariantCulture;
        return value switch
        {
            >= 1e9 => (value / 1e9).ToString("0.0", ci) + "G",
            >= 1e6 => (value / 1e6).ToString("0.0", ci) + "M",
            >= 1e4 => (value / 1e3).ToString("0", ci) + "k",
            _ => value.ToString("0", ci),
        };
    }

    /// <summary>"37 ms" below a second, "2.4s" above.</summary>
    public static string Duration(TimeSpan t) =>
        t < TimeSpan.FromSeconds(1) ? t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms" : Seconds(t);

    /// <summary>At most six characters: "12.3s" under a minute, "12m05s" under an hour, "27h46m" above.</summary>
    public static string Clock(TimeSpan t)
    {
        var ci = CultureInfo.InvariantCulture;
        if (t < TimeSpan.FromMinutes(1)) return Seconds(t);
        if (t < TimeSpan.FromHours(1)) return $"{(int)t.TotalMinutes}m{t.Seconds.ToString("00", ci)}s";
        return $"{(long)t.TotalHours}h{t.Minutes.ToString("00", ci)}m";
    }

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 case", "2 cases", "1,000 cases".</summary>
    public static string Plural(long n, string noun) => $"{Count(n)} {noun}{(n == 1 ? "" : "s")}";
}
