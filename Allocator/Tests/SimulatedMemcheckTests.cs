using System.Diagnostics;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using PymallocVerify.Allocator.Simulated;

namespace PymallocVerify.Allocator.Tests;

/// <summary>Memcheck reports (site, operation index, message) and the one suppression with its garbage injection.</summary>
public class SimulatedMemcheckTests
{
    private readonly SimulatedAddressSpace _space = SimulatedAddressSpace.For(Geometry.Classic);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong LoadThroughHelper(SimulatedMemorySpace memory, ulong address) => memory.ReadUInt64(address);

    [Fact]
    public void An_error_names_the_code_site_and_the_operation_index_the_harness_set()
    {
        ulong p = _space.SystemMalloc(8);
        _space.CurrentOperationIndex = 17;
        LoadThroughHelper(new SimulatedMemorySpace(_space), p);
        MemcheckError e = Assert.Single(_space.Errors);
        Assert.Equal("SimulatedMemcheckTests.LoadThroughHelper", e.Site);
        Assert.Equal(17, e.OperationIndex);
        Assert.Equal(
            $"Use of uninitialised value of size 8 at 0x{p:x} (ReadUInt64) in SimulatedMemcheckTests.LoadThroughHelper, op #17: " +
            $"address 0x{p:x} is 0 bytes inside system block #1 [0x{p:x}, +8) placed Heap at op #0",
            e.ToString());
    }

    [Fact]
    public void A_lambda_is_named_after_the_method_that_wrote_it()
    {
        Action read = () => _space.ReadUInt32(0x1234);
        read();
        Assert.Equal("SimulatedMemcheckTests.A_lambda_is_named_after_the_method_that_wrote_it", Assert.Single(_space.Errors).Site);
    }

    private IEnumerable<int> ReadsInItsFinallyBlock(ulong address)
    {
        try { yield return 1; }
        finally { _space.ReadUInt32(address); }
    }

    [Fact]
    public void A_compiler_made_method_with_no_user_name_keeps_its_own_name()
    {
        using (IEnumerator<int> reads = ReadsInItsFinallyBlock(0x1234).GetEnumerator())
            reads.MoveNext(); // disposing it runs the finally block, which the compiler made a method "<>m__Finally1"
        Assert.Equal("SimulatedMemcheckTests.<>m__Finally1", Assert.Single(_space.Errors).Site);
    }

    [StackTraceHidden]
    private sealed class HiddenWrapper(SimulatedAddressSpace space)
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public uint Read(ulong address) => space.ReadUInt32(address);
    }

    [Fact]
    public void A_type_hidden_from_stack_traces_is_skipped_for_its_caller()
    {
        new HiddenWrapper(_space).Read(0x1234);
        Assert.Equal("SimulatedMemcheckTests.A_type_hidden_from_stack_traces_is_skipped_for_its_caller", Assert.Single(_space.Errors).Site);
    }

    [Fact]
    public void Code_compiled_at_run_time_is_skipped_for_the_code_that_ran_it()
    {
        MethodCallExpression read = Expression.Call(Expression.Constant(_space),
            typeof(SimulatedAddressSpace).GetMethod(nameof(SimulatedAddressSpace.ReadUInt32))!, Expression.Constant(0x1234UL));
        Expression.Lambda<Action>(read).Compile()();
        Assert.Equal("SimulatedMemcheckTests.Code_compiled_at_run_time_is_skipped_for_the_code_that_ran_it", Assert.Single(_space.Errors).Site);
    }

    [Fact]
    public void Recorded_reports_are_capped_but_counted_and_can_be_cleared()
    {
        _space.MaxRecordedReports = 3;
        for (int i = 0; i < 10; i++) _space.ReadUInt64(0x1000);
        Assert.Equal((3, 10L), (_space.Errors.Count, _space.ErrorCount));
        _space.ClearReports();
        Assert.Equal((0, 0L), (_space.Errors.Count, _space.ErrorCount));
    }

    [Fact]
    public void Throw_on_error_stops_at_the_first_report()
    {
        _space.ThrowOnError = true;
        var e = Assert.Throws<MemcheckException>(() => _space.ReadUInt64(0x1000));
        Assert.Equal(MemcheckErrorKind.UnmappedRead, e.Error.Kind);
        Assert.StartsWith("Access not within mapped region", e.Message);
    }

    [Fact]
    public void The_shipped_suppression_is_the_classic_oracles_index_read_only()
    {
        Suppression only = Assert.Single(_space.Suppressions);
        Assert.Same(Suppression.ClassicOracleArenaIndexRead, only);
        Assert.Equal(MemoryAccess.ReadArenaIndex, only.Access);
    }

    [Fact]
    public void An_undefined_index_read_is_suppressed_and_recorded_with_its_state()
    {
        ulong p = _space.SystemMalloc(64);
        _space.CurrentOperationIndex = 4;
        Assert.Equal(0u, _space.ReadArenaIndex(p + 32)); // stored bytes when no garbage provider is set
        Assert.Empty(_space.Errors);
        SuppressedRead r = Assert.Single(_space.SuppressedReads);
        Assert.Equal(("pymalloc-address-in-range", p + 32, 4, ShadowState.Undefined, 4L), (r.SuppressionName, r.Address, r.Size, r.State, r.OperationIndex));
        Assert.True(r.Addressable);
        Assert.False(r.Defined);
        Assert.Equal(p, r.Region!.Base);
    }

    [Fact]
    public void An_unaddressable_index_read_is_suppressed_too()
    {
        ulong p = _space.SystemMalloc(16);
        _space.ReadArenaIndex(p + 16); // the redzone after the block
        SuppressedRead r = Assert.Single(_space.SuppressedReads);
        Assert.Equal(ShadowState.Unaddressable, r.State);
        Assert.False(r.Addressable);
        Assert.Null(r.Region);
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Injected_garbage_is_what_an_undefined_index_read_returns()
    {
        ulong p = _space.SystemMalloc(64);
        foreach (uint garbage in new[] { 0u, 1u, 16u, 17u, uint.MaxValue })
        {
            _space.InjectGarbage(garbage);
            Assert.Equal(garbage, _space.ReadArenaIndex(p + 32));
        }
        Assert.Equal([0UL, 1UL, 16UL, 17UL, uint.MaxValue], _space.SuppressedReads.Select(r => r.ReturnedValue));

        var asked = new List<GarbageRequest>();
        _space.Garbage = (in GarbageRequest request) => { asked.Add(request); return 0x1_0000_0007; }; // high bits dropped
        Assert.Equal(7u, _space.ReadArenaIndex(p + 32));
        Assert.Equal((MemoryAccess.ReadArenaIndex, p + 32, 4, ShadowState.Undefined), (asked[0].Access, asked[0].Address, asked[0].Size, asked[0].State));
    }

    [Fact]
    public void A_defined_index_is_read_as_it_is_whatever_garbage_is_set()
    {
        ulong p = _space.SystemMalloc(64);
        _space.WriteUInt32(p + 32, 9);
        _space.InjectGarbage(1234);
        Assert.Equal(9u, _space.ReadArenaIndex(p + 32));
        Assert.Empty(_space.SuppressedReads);
        Assert.Equal(1, _space.GetStats().ArenaIndexReads);
    }

    [Fact]
    public void No_suppression_covers_an_unmapped_index_read()
    {
        _space.InjectGarbage(5);
        Assert.Equal(5u, _space.ReadArenaIndex(0x7000_0000_0020)); // a defined result, no fault
        MemcheckError e = Assert.Single(_space.Errors);
        Assert.Equal((MemcheckErrorKind.UnmappedRead, MemoryAccess.ReadArenaIndex), (e.Kind, e.Access));
        Assert.Empty(_space.SuppressedReads);
    }

    [Fact]
    public void The_suppression_is_what_allows_the_read_and_it_covers_no_other_access()
    {
        ulong p = _space.SystemMalloc(64);
        _space.ReadUInt32(p + 32); // same bytes, ordinary read: reported
        Assert.Equal((MemcheckErrorKind.UninitialisedValue, MemoryAccess.ReadUInt32), (_space.Errors[0].Kind, _space.Errors[0].Access));

        _space.ClearReports();
        _space.Suppressions.Clear(); // run without valgrind-python.supp
        _space.ReadArenaIndex(p + 32);
        Assert.Equal((MemcheckErrorKind.UninitialisedValue, MemoryAccess.ReadArenaIndex), (_space.Errors[0].Kind, _space.Errors[0].Access));
        Assert.Empty(_space.SuppressedReads);
    }
}
