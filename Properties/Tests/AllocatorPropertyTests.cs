using FsCheck;
using PymallocVerify.Properties.Specs;
using static PymallocVerify.Properties.Specs.AllocatorSpecs;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// The properties of docs/properties.md on the production allocator: rows 1–4 on each geometry over real memory, then
/// all of them with the radix oracle, with both oracles on one heap, and on the simulated space with memcheck in the
/// loop. The subject is the parameter's type; a program runs once for all the rows of its subject.
/// </summary>
public class AllocatorPropertyTests
{
    public const int Classic = 60, Modern = 20, Tiny = 200, Micro = 300, LongPrograms = 60;

    [AllocatorProperty(Classic, LongPrograms)] public Property Classic_ownership_agrees_with_the_spec_under_every_garbage(AllocatorProgram<OnClassic> p) => Ownership(p);
    [AllocatorProperty(Classic, LongPrograms)] public Property Classic_frees_and_reallocs_reach_the_right_allocator(AllocatorProgram<OnClassic> p) => Routing(p);
    [AllocatorProperty(Classic, LongPrograms)] public Property Classic_blocks_never_overlap_and_keep_their_contents(AllocatorProgram<OnClassic> p) => Blocks(p);
    [AllocatorProperty(Classic, LongPrograms)] public Property Classic_invariants_hold_after_every_mutation(AllocatorProgram<OnClassic> p) => Invariants(p);

    [AllocatorProperty(Modern, LongPrograms)] public Property Modern_ownership_agrees_with_the_spec_under_every_garbage(AllocatorProgram<OnModern> p) => Ownership(p);
    [AllocatorProperty(Modern, LongPrograms)] public Property Modern_frees_and_reallocs_reach_the_right_allocator(AllocatorProgram<OnModern> p) => Routing(p);
    [AllocatorProperty(Modern, LongPrograms)] public Property Modern_blocks_never_overlap_and_keep_their_contents(AllocatorProgram<OnModern> p) => Blocks(p);
    [AllocatorProperty(Modern, LongPrograms)] public Property Modern_invariants_hold_after_every_mutation(AllocatorProgram<OnModern> p) => Invariants(p);

    [AllocatorProperty(Tiny)] public Property Tiny_ownership_agrees_with_the_spec_under_every_garbage(AllocatorProgram<OnTiny> p) => Ownership(p);
    [AllocatorProperty(Tiny)] public Property Tiny_frees_and_reallocs_reach_the_right_allocator(AllocatorProgram<OnTiny> p) => Routing(p);
    [AllocatorProperty(Tiny)] public Property Tiny_blocks_never_overlap_and_keep_their_contents(AllocatorProgram<OnTiny> p) => Blocks(p);
    [AllocatorProperty(Tiny)] public Property Tiny_invariants_hold_after_every_mutation(AllocatorProgram<OnTiny> p) => Invariants(p);

    [AllocatorProperty(Micro)] public Property Micro_ownership_agrees_with_the_spec_under_every_garbage(AllocatorProgram<OnMicro> p) => Ownership(p);
    [AllocatorProperty(Micro)] public Property Micro_frees_and_reallocs_reach_the_right_allocator(AllocatorProgram<OnMicro> p) => Routing(p);
    [AllocatorProperty(Micro)] public Property Micro_blocks_never_overlap_and_keep_their_contents(AllocatorProgram<OnMicro> p) => Blocks(p);
    [AllocatorProperty(Micro)] public Property Micro_invariants_hold_after_every_mutation(AllocatorProgram<OnMicro> p) => Invariants(p);

    // The radix tree (the model then requires true on all of a live arena, and every arena's span is probed).
    [AllocatorProperty(Classic / 3, LongPrograms)] public Property Classic_radix_holds_every_property(AllocatorProgram<OnClassicRadix> p) => Everything(p);
    [AllocatorProperty(Modern / 3, LongPrograms)] public Property Modern_radix_holds_every_property(AllocatorProgram<OnModernRadix> p) => Everything(p);
    [AllocatorProperty(Tiny / 3)] public Property Tiny_radix_holds_every_property(AllocatorProgram<OnTinyRadix> p) => Everything(p);
    [AllocatorProperty(Micro / 3)] public Property Micro_radix_holds_every_property(AllocatorProgram<OnMicroRadix> p) => Everything(p);

    // Both oracles on one heap: they agree with each other and with the model wherever the spec decides.
    [AllocatorProperty(Classic / 3, LongPrograms)] public Property Classic_oracles_agree_on_every_specified_query(AllocatorProgram<OnClassicDifferential> p) => Ownership(p);
    [AllocatorProperty(Modern / 3, LongPrograms)] public Property Modern_oracles_agree_on_every_specified_query(AllocatorProgram<OnModernDifferential> p) => Ownership(p);
    [AllocatorProperty(Tiny / 3)] public Property Tiny_oracles_agree_on_every_specified_query(AllocatorProgram<OnTinyDifferential> p) => Ownership(p);
    [AllocatorProperty(Micro / 3)] public Property Micro_oracles_agree_on_every_specified_query(AllocatorProgram<OnMicroDifferential> p) => Ownership(p);

    // The simulated space: adversarial placement, memcheck in the loop, every garbage value re-evaluated.
    [AllocatorProperty(10)] public Property Classic_is_memcheck_clean_under_adversarial_placement(AllocatorProgram<OnClassicSimulated> p) => Everything(p);
    [AllocatorProperty(60)] public Property Tiny_is_memcheck_clean_under_adversarial_placement(AllocatorProgram<OnTinySimulated> p) => Everything(p);
    [AllocatorProperty(60)] public Property Tiny_arenas_reopened_at_released_addresses_are_new_arenas(AllocatorProgram<OnTinySimulatedReuse> p) => Everything(p);
    [AllocatorProperty(60)] public Property Micro_is_memcheck_clean_under_adversarial_placement(AllocatorProgram<OnMicroSimulated> p) => Everything(p);
    [AllocatorProperty(60)] public Property Micro_radix_is_memcheck_clean_under_adversarial_placement(AllocatorProgram<OnMicroSimulatedRadix> p) => Everything(p);
    [AllocatorProperty(10)] public Property Modern_radix_is_memcheck_clean_under_adversarial_placement(AllocatorProgram<OnModernSimulatedRadix> p) => Everything(p);
    [AllocatorProperty(60)] public Property Micro_oracles_are_memcheck_clean_under_adversarial_placement(AllocatorProgram<OnMicroSimulatedDifferential> p) => Everything(p);
}
