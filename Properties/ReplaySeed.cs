using System.Globalization;
using FsCheck;
using PymallocVerify.Allocator;

namespace PymallocVerify.Properties;

/// <summary>
/// FsCheck's replay seed for one generated case, printed as FsCheck prints it: "(seed,gamma,size)". Generating with
/// the same seed, gamma and size gives the same case (as long as the generators are unchanged).
/// </summary>
public readonly record struct ReplaySeed(ulong Seed, ulong Gamma, int Size)
{
    public Rnd ToRnd() => new(Seed, Gamma);

    /// <summary>The seed of case <paramref name="caseIndex"/> of a campaign seeded with <paramref name="campaignSeed"/>.</summary>
    public static ReplaySeed ForCase(ulong campaignSeed, int caseIndex, int size)
    {
        var random = new SplitMix64(campaignSeed ^ (SplitMix64.Gamma * (ulong)(caseIndex + 1)));
        return new ReplaySeed(random.Next(), random.Next() | 1, size);
    }

    public override string ToString() => $"({Seed},{Gamma},{Size})";

    /// <summary>Parses "(seed,gamma,size)"; <see cref="ArgumentException"/> with the expected shape otherwise.</summary>
    public static ReplaySeed Parse(string text)
    {
        string[] parts = text.Trim().TrimStart('(').TrimEnd(')').Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 3
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong gamma) && (gamma & 1) == 1
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            return new ReplaySeed(seed, gamma, size);
        throw new ArgumentException($"replay seed '{text}' is not of the form (seed,gamma,size) with an odd gamma");
    }
}
