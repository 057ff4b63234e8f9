namespace PymallocVerify.Model.Linearizability;

public enum LinearizabilityVerdict
{
    /// <summary>Some order that respects real time is accepted by the specification.</summary>
    Linearizable,
    /// <summary>No such order exists.</summary>
    NotLinearizable,
    /// <summary>The search hit its state budget before deciding.</summary>
    Inconclusive,
}
