using PymallocVerify.Model.Linearizability;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// The history specification's state as the linearizability search memoises it: states that differ in any part hash
/// apart, and two different states whose hashes collide are still told apart.
/// </summary>
public class HeapSpecStateTests
{
    private const ulong ArenaSize = 1024;
    private const ulong Arena = 0x10000;

    private static HeapHistorySpec Spec => new(arenaSize: (int)ArenaSize, poolSize: 256);

    private static HeapSpecState Replay(params HeapCall[] calls) => Spec.Replay(HeapSpecState.Empty, calls);

    [Fact]
    public void States_that_differ_in_one_part_hash_apart()
    {
        HeapSpecState[] states =
        [
            HeapSpecState.Empty,
            Replay(new ArenaMappedEvent(Arena)),
            Replay(new ArenaMappedEvent(Arena + ArenaSize)),
            Replay(new ArenaMappedEvent(Arena), new MallocCall(16, Arena + 0x30), new FreeCall(Arena + 0x30)),         // pool 0 initialised
            Replay(new ArenaMappedEvent(Arena), new MallocCall(16, Arena + 0x130), new FreeCall(Arena + 0x130)),       // pool 1 initialised
            Replay(new ForeignAllocCall(64, 0x90000)),
            Replay(new ForeignAllocCall(64, 0x90040)),
            Replay(new ForeignAllocCall(32, 0x90000)),                                                                // same base, other end
            Replay(new ForeignAllocCall(32, 0x90020)),                                                                // same end, other base
            Replay(new MallocCall(4096, 0x90000)),                                                                    // same extent, other origin
        ];
        for (int i = 0; i < states.Length; i++)
            for (int j = i + 1; j < states.Length; j++)
            {
                Assert.NotEqual(states[i], states[j]);
                Assert.NotEqual(states[i].GetHashCode(), states[j].GetHashCode());
            }
        Assert.Equal(states[3], Replay(new ArenaMappedEvent(Arena), new MallocCall(16, Arena + 0x30), new FreeCall(Arena + 0x30)));
        Assert.Equal(states[3].GetHashCode(), Replay(new ArenaMappedEvent(Arena), new MallocCall(16, Arena + 0x30), new FreeCall(Arena + 0x30)).GetHashCode());
    }

    [Fact]
    public void Colliding_states_with_different_arenas_are_not_equal()
    {
        var (a, b) = Collision(k => Replay(new ArenaMappedEvent(Scattered(k, 48) * ArenaSize)));
        Assert.NotEqual(a.Arenas, b.Arenas);
        Assert.False(a.Equals(b));
    }

    [Fact]
    public void Colliding_states_whose_blocks_differ_only_in_one_base_are_not_equal()
    {
        // The second block always ends at the same address, so the two states differ in one block's base alone.
        const ulong end = 1UL << 60;
        var (a, b) = Collision(k => Replay(new ForeignAllocCall(16, 0x1000), new ForeignAllocCall(16 * Scattered(k, 52), end - 16 * Scattered(k, 52))));
        Assert.Equal(a.Blocks.First(), b.Blocks.First());
        Assert.Equal(a.Blocks.Last().Value, b.Blocks.Last().Value);
        Assert.False(a.Equals(b));
    }

    /// <summary>
    /// The k-th of distinct numbers in [1, 2^bits], spread over all their bits: an address folded into a 32-bit hash
    /// then collides by chance, whereas consecutive small addresses hash one-to-one and never collide.
    /// </summary>
    private static ulong Scattered(int k, int bits) => (ulong)k * 0x9E3779B97F4A7C15UL % (1UL << bits) + 1;

    /// <summary>
    /// Two different states of <paramref name="family"/> with equal hashes. Random 32-bit hashes collide by the birthday
    /// bound after about 80,000 states; the cap is far beyond that, so the search ends whatever the process's hash seed.
    /// </summary>
    private static (HeapSpecState, HeapSpecState) Collision(Func<int, HeapSpecState> family)
    {
        var seen = new Dictionary<int, HeapSpecState>();
        for (int k = 0; k < 1_000_000; k++)
        {
            HeapSpecState state = family(k);
            if (seen.TryGetValue(state.GetHashCode(), out HeapSpecState? earlier)) return (earlier, state);
            seen.Add(state.GetHashCode(), state);
        }
        throw new InvalidOperationException("no hash collision in 1,000,000 states");
    }
}
