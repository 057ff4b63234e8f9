namespace PymallocVerify.Model;

/// <summary>A counterexample file could not be read: the message is one line naming the file and the problem.</summary>
public sealed class CounterexampleFormatException(string message, Exception? inner = null) : Exception(message, inner);
