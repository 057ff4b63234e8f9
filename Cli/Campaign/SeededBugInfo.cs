namespace PymallocVerify.Cli.Campaign;

/// <summary>A deliberately broken variant a family can run against (hidden <c>--seeded-bug</c>, <c>mutants</c>).</summary>
public sealed record SeededBugInfo(string Name, string Description);
