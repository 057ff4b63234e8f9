using System.Collections.Immutable;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.CPython;

/// <summary>One ownership decision an allocator made during a step (null: it made none).</summary>
/// <param name="Address">The address asked about, in the model's (libpython's) terms.</param>
/// <param name="Garbage">For a re-evaluation: the value planted at the pool's arena index.</param>
public readonly record struct OwnershipDecision(ulong Address, bool? Owned, bool Reevaluation = false, uint Garbage = 0);

/// <summary>What one allocator did in one step: the model's view, the decisions behind it, and its pool-block count.</summary>
public sealed record SideStep(Observation Observation, ImmutableArray<OwnershipDecision> Decisions, long? PoolBlocks);
