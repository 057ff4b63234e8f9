using Microsoft.Coyote;

namespace PymallocVerify.Concurrency.Campaigns;

/// <summary>The Coyote scheduling strategies a campaign cycles through.</summary>
public enum ExplorationStrategy
{
    /// <summary>Uniformly random choice at every scheduling point.</summary>
    Random,
    /// <summary>Priority-based (PCT): a few priority changes per iteration, good at deep ordering bugs.</summary>
    Pct,
    /// <summary>Stays with the current thread most of the time, switching with a small probability.</summary>
    Probabilistic,
}

public static class ExplorationStrategies
{
    public static IReadOnlyList<ExplorationStrategy> All { get; } = Enum.GetValues<ExplorationStrategy>();

    public static Configuration Apply(this Configuration configuration, ExplorationStrategy strategy) => strategy switch
    {
        ExplorationStrategy.Random => configuration.WithRandomStrategy(),
        ExplorationStrategy.Pct => configuration.WithPrioritizationStrategy(false, 5),
        ExplorationStrategy.Probabilistic => configuration.WithProbabilisticStrategy(3),
        _ => throw new ArgumentException($"unknown strategy {strategy}", nameof(strategy)),
    };

    public static ExplorationStrategy Parse(string name) =>
        Enum.TryParse<ExplorationStrategy>(name, ignoreCase: true, out var strategy) ? strategy
        : throw new ArgumentException($"unknown strategy '{name}'; expected one of: {string.Join(", ", All)}");
}
