namespace PymallocVerify.Model.Tests;

/// <summary>Each address expression's kind: the coverage counts of the properties and the CLI are kept per kind.</summary>
public class AddressKindTests
{
    [Fact]
    public void Every_expression_reports_its_own_kind_and_edge()
    {
        Assert.Equal(AddressKind.BlockBase, new BlockAddress(0, Edge.Start, 5).Kind);
        Assert.Equal(AddressKind.BlockEnd, new BlockAddress(0, Edge.End, 0).Kind);
        Assert.Equal(AddressKind.PoolBase, new PoolAddress(0, Edge.Start, 0).Kind);
        Assert.Equal(AddressKind.PoolEnd, new PoolAddress(0, Edge.End, 0).Kind);
        Assert.Equal(AddressKind.ArenaBase, new ArenaAddress(0, Edge.Start, 0).Kind);
        Assert.Equal(AddressKind.ArenaEnd, new ArenaAddress(0, Edge.End, 0).Kind);
        Assert.Equal(AddressKind.Foreign, new ForeignAddress(0, 0).Kind);
        Assert.Equal(AddressKind.FreedArena, new FreedArenaAddress(0, 0).Kind);
        Assert.Equal(AddressKind.Low, new LowAddress(0).Kind);
        Assert.Equal(AddressKind.NearTop, new TopAddress(0).Kind);
    }
}
