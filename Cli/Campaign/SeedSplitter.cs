using System.Text;
using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// Derives every case's seed from the campaign seed, the family, the configuration and the case index, with no
/// shared random stream: a case's seed does not depend on which other cases ran, so shards, budgets and
/// orderings never change what a given case checks. Within one stream, distinct indices give distinct seeds
/// (an odd-step sequence through SplitMix64's bijective finalizer).
/// </summary>
public static class SeedSplitter
{
    public static ulong StreamSeed(ulong campaignSeed, string family, string configuration) =>
        SplitMix64.Mix(campaignSeed ^ Fnv1a($"{family}|{configuration}"));

    public static ulong CaseSeed(ulong campaignSeed, string family, string configuration, long caseIndex) =>
        SplitMix64.Mix(StreamSeed(campaignSeed, family, configuration) + (ulong)caseIndex * SplitMix64.Gamma);

    /// <summary>FNV-1a over UTF-8: stable across processes (string.GetHashCode is randomized per process).</summary>
    public static ulong Fnv1a(string text)
    {
        ulong hash = 0xCBF29CE484222325;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001B3;
        }
        return hash;
    }
}
