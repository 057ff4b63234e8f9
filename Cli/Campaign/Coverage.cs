using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// How often each garbage class (the value the classic oracle reads at a pool base), each address kind (which part
/// of the address space a query hit) and each concurrency cell (a catalogued scenario under one exploration strategy,
/// e.g. "grow-while-reading/pct"; a read of the ownership test inside a mutation that changes it, e.g. "slot-read
/// before table-publish") was exercised, against the names the family aims to cover.
/// </summary>
public sealed class Coverage
{
    private readonly SortedDictionary<string, long> _garbage = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _addresses = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _scenarios = new(StringComparer.Ordinal);

    public Coverage(IEnumerable<string> expectedGarbageClasses, IEnumerable<string> expectedAddressKinds,
                    IEnumerable<string>? expectedConcurrencyCells = null)
    {
        ExpectedGarbageClasses = expectedGarbageClasses.ToArray();
        ExpectedAddressKinds = expectedAddressKinds.ToArray();
        ExpectedConcurrencyCells = expectedConcurrencyCells?.ToArray() ?? [];
    }

    public IReadOnlyList<string> ExpectedGarbageClasses { get; }
    public IReadOnlyList<string> ExpectedAddressKinds { get; }
    public IReadOnlyList<string> ExpectedConcurrencyCells { get; }
    public IReadOnlyDictionary<string, long> GarbageClasses => _garbage;
    public IReadOnlyDictionary<string, long> AddressKinds => _addresses;
    public IReadOnlyDictionary<string, long> ConcurrencyCells => _scenarios;

    /// <summary>Every name the family aims at, and how many of them were hit ("-" in the summary when it aims at none).</summary>
    public int Expected => ExpectedGarbageClasses.Count + ExpectedAddressKinds.Count + ExpectedConcurrencyCells.Count;

    public int Reached => ExpectedGarbageClasses.Count(_garbage.ContainsKey) + ExpectedAddressKinds.Count(_addresses.ContainsKey) +
                          ExpectedConcurrencyCells.Count(_scenarios.ContainsKey);

    /// <summary>Every expected name not hit yet, garbage classes first, then address kinds, then scenario cells.</summary>
    public IReadOnlyList<string> Missing => [.. MissingGarbageClasses, .. MissingAddressKinds, .. MissingConcurrencyCells];

    public void CountConcurrencyCell(string cell, long times = 1) => Add(_scenarios, cell, times);

    public void CountGarbage(string garbageClass, long times = 1) => Add(_garbage, garbageClass, times);

    public void CountAddress(string addressKind, long times = 1) => Add(_addresses, addressKind, times);

    /// <summary>Adds what a properties run counted: queries whose oracle read saw each garbage class, queries per address kind.</summary>
    public void Record(CoverageTable table)
    {
        foreach (GarbageClass c in Enum.GetValues<GarbageClass>())
            if (table.GarbageHits(c) is > 0 and var hits) CountGarbage(c.ToString(), hits);
        foreach (AddressKind k in Enum.GetValues<AddressKind>())
            if (table.QueriesAt(k) is > 0 and var queries) CountAddress(k.ToString(), queries);
    }

    public IReadOnlyList<string> MissingGarbageClasses => ExpectedGarbageClasses.Where(c => !_garbage.ContainsKey(c)).ToList();
    public IReadOnlyList<string> MissingAddressKinds => ExpectedAddressKinds.Where(c => !_addresses.ContainsKey(c)).ToList();
    public IReadOnlyList<string> MissingConcurrencyCells => ExpectedConcurrencyCells.Where(c => !_scenarios.ContainsKey(c)).ToList();

    /// <summary>"5/6" style: expected names hit / expected names (or "-" when the family aims at none).</summary>
    public static string Fraction(IReadOnlyList<string> expected, IReadOnlyDictionary<string, long> hit) =>
        expected.Count == 0 ? "-" : $"{expected.Count(hit.ContainsKey)}/{expected.Count}";

    private static void Add(SortedDictionary<string, long> map, string key, long times) =>
        map[key] = map.TryGetValue(key, out long n) ? n + times : times;
}
