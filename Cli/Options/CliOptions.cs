using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using PymallocVerify.Allocator;
using PymallocVerify.Properties.Generation;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Options;

/// <summary>
/// The options shared by the commands, each with a parser that turns a bad value into a parse error (one line,
/// exit 2) instead of an exception. A new instance per command: each command owns its options.
/// </summary>
public static class CliOptions
{
    public delegate bool TryParser<T>(string? text, out T value, out string? error);

    /// <summary>
    /// Each option's default as a user writes it ("60s", "all", "1/1"), for --help: the help would otherwise print the
    /// parsed value's record (a Geometry's every field, a list's .NET type name).
    /// </summary>
    public static ConditionalWeakTable<Option, string> DefaultTexts { get; } = new();

    private static T Defaulted<T>(T option, string text) where T : Option
    {
        DefaultTexts.AddOrUpdate(option, text);
        return option;
    }

    public static Option<Budget> Budget(string defaultValue, string description) => Defaulted(new Option<Budget>("--budget", "-b")
    {
        Description = description,
        HelpName = "DURATION",
        DefaultValueFactory = _ => Options.Budget.Parse(defaultValue),
        CustomParser = Parser<Budget>(Options.Budget.TryParse, () => Options.Budget.Parse(defaultValue)),
    }, defaultValue);

    public static Option<ulong> Seed() => Defaulted(new Option<ulong>("--seed", "-s")
    {
        Description = "Campaign seed (decimal or 0x hex); every case's seed derives from it.",
        HelpName = "N",
        DefaultValueFactory = _ => 1UL,
        CustomParser = Parser<ulong>(TryParseSeed, () => 1UL),
    }, "1");

    public static Option<IReadOnlyList<Geometry>> Geometries(string defaultValue) => Defaulted(new Option<IReadOnlyList<Geometry>>("--geometry", "-g")
    {
        Description = "Geometry preset: classic, modern, tiny, all, or a comma list.",
        HelpName = "NAME",
        DefaultValueFactory = _ => ParseOrThrow<IReadOnlyList<Geometry>>(GeometrySelection.TryParse, defaultValue),
        CustomParser = Parser<IReadOnlyList<Geometry>>(GeometrySelection.TryParse,
            () => ParseOrThrow<IReadOnlyList<Geometry>>(GeometrySelection.TryParse, defaultValue)),
    }, defaultValue);

    public static Option<OracleSelection?> Oracles(string? defaultValue, string description) => Defaulted(new Option<OracleSelection?>("--oracle", "-o")
    {
        Description = description,
        HelpName = "NAME",
        DefaultValueFactory = _ => defaultValue is null ? null : ParseOrThrow<OracleSelection>(OracleSelection.TryParse, defaultValue),
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0)
                return defaultValue is null ? null : ParseOrThrow<OracleSelection>(OracleSelection.TryParse, defaultValue);
            if (OracleSelection.TryParse(r.Tokens[^1].Value, out OracleSelection s, out string? e)) return s;
            r.AddError(e!);
            return null;
        },
    }, defaultValue ?? "");

    public static Option<Shard> Shard() => Defaulted(new Option<Shard>("--shard")
    {
        Description = "Run shard i of N (1-based): case indices i-1, i-1+N, ... of every case list.",
        HelpName = "i/N",
        DefaultValueFactory = _ => Options.Shard.Whole,
        CustomParser = Parser<Shard>(Options.Shard.TryParse, () => Options.Shard.Whole),
    }, "1/1");

    public static Option<WorkloadShape> Workload(string description) => Defaulted(new Option<WorkloadShape>("--workload", "-w")
    {
        Description = description,
        HelpName = "SHAPE",
        DefaultValueFactory = _ => WorkloadShape.Mixed,
        CustomParser = Parser<WorkloadShape>(TryParseWorkload, () => WorkloadShape.Mixed),
    }, "mixed");

    public static Option<int?> PositiveInt(string name, string description, string helpName = "N") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return null;
            string text = r.Tokens[^1].Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
            r.AddError($"{name} '{text}' must be a positive integer");
            return null;
        },
    };

    public static Option<string> OutputDirectory() => Defaulted(new Option<string>("--out")
    {
        Description = "Directory for report.json and counterexamples/ (one check run at a time).",
        HelpName = "DIR",
        DefaultValueFactory = _ => "artifacts",
    }, "artifacts");

    /// <summary><c>--libpython FILE</c> (repeatable): a libpython3.X.so to use first for its version (check's cpython family, replay).</summary>
    public static Option<string[]> LibPython(string description) => new("--libpython")
    {
        Description = description,
        HelpName = "FILE",
    };

    /// <summary>Hidden <c>--seeded-bug NAME</c>: a bug of the seeded-bug catalog (docs/teeth.md).</summary>
    public static Option<SeededBug?> SeededBug() => new("--seeded-bug")
    {
        Description = "Test-only: run against a deliberately broken variant (see docs/teeth.md).",
        HelpName = "NAME",
        Hidden = true,
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return null;
            string name = r.Tokens[^1].Value;
            if (SeededBugCatalog.Named(name) is { } bug) return bug;
            r.AddError($"unknown seeded bug '{name}'; known: {string.Join(", ", SeededBugCatalog.All.Select(b => b.Name))}");
            return null;
        },
    };

    /// <summary>Decimal or 0x-prefixed hexadecimal.</summary>
    private static bool TryParseSeed(string? text, out ulong seed, out string? error)
    {
        error = null;
        seed = 0;
        bool parsed = text is not null && (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out seed)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed));
        if (parsed) return true;
        error = $"seed '{text}' must be a non-negative integer (decimal or 0x hex)";
        return false;
    }

    private static bool TryParseWorkload(string? text, out WorkloadShape shape, out string? error)
    {
        error = null;
        foreach (WorkloadShape s in Enum.GetValues<WorkloadShape>())
        {
            shape = s;
            if (string.Equals(s.ToString(), text, StringComparison.OrdinalIgnoreCase)) return true;
        }
        shape = WorkloadShape.Mixed;
        error = $"unknown workload '{text}'; expected one of: {string.Join(", ", Enum.GetNames<WorkloadShape>().Select(n => n.ToLowerInvariant()))}";
        return false;
    }

    private static Func<ArgumentResult, T?> Parser<T>(TryParser<T> tryParse, Func<T> whenAbsent) => r =>
    {
        if (r.Tokens.Count == 0) return whenAbsent();
        if (tryParse(r.Tokens[^1].Value, out T value, out string? error)) return value;
        r.AddError(error ?? $"bad value '{r.Tokens[^1].Value}'");
        return default;
    };

    private static T ParseOrThrow<T>(TryParser<T> tryParse, string text) =>
        tryParse(text, out T value, out string? error) ? value : throw new ArgumentException(error);
}
