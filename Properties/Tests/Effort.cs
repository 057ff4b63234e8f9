namespace PymallocVerify.Properties.Tests;

/// <summary>PMV_EFFORT (a positive multiplier, default 1) scales how many cases the tests run; seeds stay fixed.</summary>
public static class Effort
{
    public static int Multiplier { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PMV_EFFORT"), out int e) && e > 0 ? e : 1;

    public static int Scale(int cases) => cases * Multiplier;
}
