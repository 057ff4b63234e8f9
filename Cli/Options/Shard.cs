using System.Globalization;

namespace PymallocVerify.Cli.Options;

/// <summary>
/// <c>--shard i/N</c>: this runner takes case indices i−1, i−1+N, i−1+2N, … of every case list, so N runners
/// cover disjoint cases (hence disjoint seeds) and together cover a prefix of every list.
/// </summary>
public readonly record struct Shard
{
    public Shard(int index, int count)
    {
        if (count < 1 || index < 1 || index > count)
            throw new ArgumentException($"shard {index}/{count} is impossible: need 1 <= i <= N");
        Index = index;
        Count = count;
    }

    /// <summary>1-based, as written on the command line.</summary>
    public int Index { get; }

    public int Count { get; }

    public static Shard Whole { get; } = new(1, 1);

    /// <summary>The global index of this shard's <paramref name="ordinal"/>-th case (0-based).</summary>
    public long CaseIndex(long ordinal) => (Index - 1) + ordinal * Count;

    public bool Owns(long caseIndex) => caseIndex >= 0 && caseIndex % Count == Index - 1;

    public static bool TryParse(string? text, out Shard shard, out string? error)
    {
        shard = Whole;
        error = null;
        string[] parts = (text ?? "").Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            error = $"shard '{text}' must be written i/N (e.g. 2/4)";
            return false;
        }
        if (n < 1 || i < 1 || i > n)
        {
            error = $"shard '{text}' is impossible: need 1 <= i <= N";
            return false;
        }
        shard = new Shard(i, n);
        return true;
    }

    public override string ToString() => $"{Index}/{Count}";
}
