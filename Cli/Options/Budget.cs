using System.Globalization;

namespace PymallocVerify.Cli.Options;

/// <summary>A time budget written with a unit: <c>500ms</c>, <c>60s</c>, <c>2m</c>, <c>1h</c> (decimals allowed: <c>1.5m</c>).</summary>
public readonly record struct Budget(TimeSpan Duration)
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(7);

    public static Budget Parse(string text) =>
        TryParse(text, out Budget budget, out string? error) ? budget : throw new ArgumentException(error);

    public static bool TryParse(string? text, out Budget budget, out string? error)
    {
        budget = default;
        error = null;
        string t = (text ?? "").Trim();
        (string unit, double scaleMs) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => ("ms", 1.0),
            _ when t.EndsWith('s') || t.EndsWith('S') => ("s", 1000.0),
            _ when t.EndsWith('m') || t.EndsWith('M') => ("m", 60_000.0),
            _ when t.EndsWith('h') || t.EndsWith('H') => ("h", 3_600_000.0),
            _ => ("", 0.0),
        };
        if (t.StartsWith('-'))
        {
            error = $"budget '{text}' must be positive (e.g. 500ms, 60s, 2m)";
            return false;
        }
        if (unit.Length == 0)
        {
            error = $"budget '{text}' needs a unit: ms, s, m or h (e.g. 500ms, 60s, 2m)";
            return false;
        }
        string number = t[..^unit.Length];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
            || double.IsNaN(value) || value <= 0)
        {
            error = $"budget '{text}' is not a positive duration (e.g. 500ms, 60s, 2m)";
            return false;
        }
        double ms = value * scaleMs;
        if (ms < 1 || ms > Longest.TotalMilliseconds)
        {
            error = $"budget '{text}' must lie between 1ms and 7 days";
            return false;
        }
        budget = new Budget(TimeSpan.FromMilliseconds(ms));
        return true;
    }

    public override string ToString()
    {
        double ms = Duration.TotalMilliseconds;
        var ci = CultureInfo.InvariantCulture;
        if (ms < 1000 || ms % 1000 != 0) return ms.ToString("0.###", ci) + "ms";
        double s = ms / 1000;
        if (s % 3600 == 0) return (s / 3600).ToString(ci) + "h";
        if (s % 60 == 0) return (s / 60).ToString(ci) + "m";
        return s.ToString(ci) + "s";
    }
}
