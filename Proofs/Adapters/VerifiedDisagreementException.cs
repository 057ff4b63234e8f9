namespace PymallocVerify.Proofs;

/// <summary>
/// A production oracle answered differently from the verified procedure on the same inputs, or the heap stepped outside
/// what the proof covers. Thrown by <see cref="VerifiedClassicCheck{TClassic}"/> and <see cref="VerifiedRadixCheck{TRadix}"/>.
/// </summary>
public sealed class VerifiedDisagreementException : Exception
{
    public VerifiedDisagreementException() { }

    public VerifiedDisagreementException(string message) : base(message) { }

    public VerifiedDisagreementException(string message, Exception inner) : base(message, inner) { }
}
