namespace PymallocVerify.Cli;

/// <summary>Bad usage detected after parsing (an unreadable file, an impossible selection): one line, exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);
