using System.Runtime.InteropServices;
using PymallocVerify.Cli;
using PymallocVerify.Cli.Reporting;
using Spectre.Console;

// SIGINT (Ctrl+C) and SIGTERM stop a campaign between cases: the listing, report.json and JUnit are still written and
// the exit code says which signal it was (130, 143). A second signal, or one during a command that does not watch for
// it (replay, stats), ends the process the default way.
using var cancel = new CancellationTokenSource();
int interruptedExit = ExitCodes.Interrupted;
CliApp? app = null;

void Stop(PosixSignalContext context, int exitCode)
{
    if (cancel.IsCancellationRequested || app is not { WatchesInterrupts: true }) return;
    context.Cancel = true;
    interruptedExit = exitCode;
    cancel.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, ExitCodes.Interrupted));
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, ExitCodes.Terminated));

bool interactive = !Console.IsOutputRedirected
                   && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
                   && AnsiConsole.Profile.Capabilities.Interactive;
app = new CliApp(new CliOutput(Console.Out, Console.Error, interactive), cancellation: cancel.Token,
                 interruptedExitCode: () => interruptedExit);
return app.Run(args);
