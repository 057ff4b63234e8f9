using System.Text;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Running;

/// <summary>
/// How many queries hit each garbage class (as actually resolved and delivered to the oracle's read) and each
/// address kind, and what the spec said about them. Generators are tuned against these numbers; a test fails
/// when a class is never exercised.
/// </summary>
public sealed class CoverageTable
{
    private readonly Dictionary<(GarbageClass, AddressKind), long> _garbageByKind = [];
    private readonly Dictionary<AddressKind, long> _queriesByKind = [];
    private readonly Dictionary<Ownership, long> _bySpec = [];
    private readonly Dictionary<GarbageDelivery, long> _byDelivery = [];
    private readonly Dictionary<AllocatorSituation, long> _situations = [];

    public long Queries { get; private set; }

    public void RecordQuery(AddressKind kind, Ownership spec, AppliedGarbage garbage)
    {
        Queries++;
        Bump(_queriesByKind, kind);
        Bump(_bySpec, spec);
        Bump(_byDelivery, garbage.Delivery);
        if (garbage.Delivery != GarbageDelivery.NotApplied) Bump(_garbageByKind, (garbage.Class, kind));
    }

    /// <summary>Queries whose oracle read saw garbage of <paramref name="garbageClass"/>.</summary>
    public long GarbageHits(GarbageClass garbageClass) =>
        _garbageByKind.Where(e => e.Key.Item1 == garbageClass).Sum(e => e.Value);

    public long GarbageHits(GarbageClass garbageClass, AddressKind kind) => _garbageByKind.GetValueOrDefault((garbageClass, kind));

    public long QueriesAt(AddressKind kind) => _queriesByKind.GetValueOrDefault(kind);

    public long QueriesWith(Ownership spec) => _bySpec.GetValueOrDefault(spec);

    public long Deliveries(GarbageDelivery delivery) => _byDelivery.GetValueOrDefault(delivery);

    public void RecordSituation(AllocatorSituation situation) => Bump(_situations, situation);

    public long Situations(AllocatorSituation situation) => _situations.GetValueOrDefault(situation);

    /// <summary>The allocator situations never met (empty when every one was).</summary>
    public IReadOnlyList<string> SituationGaps() =>
        [.. Enum.GetValues<AllocatorSituation>().Where(s => Situations(s) == 0).Select(s => $"situation {s}")];

    public void Add(CoverageTable other)
    {
        Queries += other.Queries;
        foreach (var (k, v) in other._garbageByKind) _garbageByKind[k] = _garbageByKind.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other._queriesByKind) _queriesByKind[k] = _queriesByKind.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other._bySpec) _bySpec[k] = _bySpec.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other._byDelivery) _byDelivery[k] = _byDelivery.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other._situations) _situations[k] = _situations.GetValueOrDefault(k) + v;
    }

    /// <summary>The classes and kinds never exercised (empty when coverage is complete).</summary>
    public IReadOnlyList<string> Gaps()
    {
        var gaps = new List<string>();
        foreach (GarbageClass c in Enum.GetValues<GarbageClass>())
            if (GarbageHits(c) == 0) gaps.Add($"garbage class {c}");
        foreach (AddressKind k in Enum.GetValues<AddressKind>())
            if (QueriesAt(k) == 0) gaps.Add($"address kind {k}");
        foreach (Ownership o in Enum.GetValues<Ownership>())
            if (QueriesWith(o) == 0) gaps.Add($"spec answer {o}");
        foreach (GarbageDelivery d in Enum.GetValues<GarbageDelivery>())
            if (Deliveries(d) == 0) gaps.Add($"garbage delivery {d}");
        return gaps;
    }

    /// <summary>A markdown table: garbage class (rows) × address kind (columns), plus the spec and delivery totals.</summary>
    public string Format()
    {
        var kinds = Enum.GetValues<AddressKind>();
        var text = new StringBuilder();
        text.Append("| garbage \\ address | ").AppendJoin(" | ", kinds).Append(" | total |\n");
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", kinds.Length + 1))).Append('\n');
        foreach (GarbageClass c in Enum.GetValues<GarbageClass>())
            text.Append($"| {c} | ").AppendJoin(" | ", kinds.Select(k => GarbageHits(c, k))).Append($" | {GarbageHits(c)} |\n");
        text.Append("| (queries) | ").AppendJoin(" | ", kinds.Select(QueriesAt)).Append($" | {Queries} |\n");
        text.Append("\nspec: ").AppendJoin(", ", Enum.GetValues<Ownership>().Select(o => $"{o} {QueriesWith(o)}"));
        text.Append("; delivery: ").AppendJoin(", ", Enum.GetValues<GarbageDelivery>().Select(d => $"{d} {Deliveries(d)}")).Append('\n');
        text.Append("situations: ").AppendJoin(", ", Enum.GetValues<AllocatorSituation>().Select(s => $"{s} {Situations(s)}")).Append('\n');
        return text.ToString();
    }

    private static void Bump<TKey>(Dictionary<TKey, long> counts, TKey key) where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
