using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Specs;

/// <summary>
/// A generated program for <typeparamref name="TSubject"/>: what an FsCheck property over the allocator takes. Prints
/// as the program itself, so FsCheck's "Falsifiable" report shows the shrunk program.
/// </summary>
public sealed record AllocatorProgram<TSubject>(TestCase Case) where TSubject : IPropertySubject
{
    public override string ToString() =>
        $"{TSubject.Subject.Name}, {Case}:\n{ProgramPrinter.Print(Case.Operations)}";
}
