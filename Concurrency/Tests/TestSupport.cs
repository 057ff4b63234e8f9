using System.Globalization;
using PymallocVerify.Concurrency.Campaigns;

namespace PymallocVerify.Concurrency.Tests;

internal static class TestSupport
{
    /// <summary>PMV_EFFORT: a positive multiplier of the iteration budgets (default 1).</summary>
    public static int Effort { get; } = ReadEffort();

    private static int ReadEffort()
    {
        string? text = Environment.GetEnvironmentVariable("PMV_EFFORT");
        if (string.IsNullOrWhiteSpace(text)) return 1;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int effort) && effort >= 1
            ? effort
            : throw new ArgumentException($"PMV_EFFORT must be a positive integer; got '{text}'");
    }

    /// <summary>Where counterexamples go: artifacts/counterexamples/ under the repository root (git-ignored).</summary>
    public static string CounterexampleDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Verification.sln")))
                    return Path.Combine(dir.FullName, "artifacts", "counterexamples");
            return Path.Combine(Path.GetTempPath(), "pymalloc-verify", "counterexamples");
        }
    }

    public static string Save(ConcurrencyCounterexample counterexample)
    {
        string path = Path.Combine(CounterexampleDirectory, ConcurrencyCampaign.FileNameFor(counterexample));
        counterexample.Save(path);
        return path;
    }
}
