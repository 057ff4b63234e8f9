using PymallocVerify.Cli;
using PymallocVerify.Cli.Reporting;
using Spectre.Console;

// The first Ctrl+C stops the campaign between cases (the report still prints); a second one ends the process.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    cancel.Cancel();
};

bool interactive = !Console.IsOutputRedirected
                   && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
                   && AnsiConsole.Profile.Capabilities.Interactive;
var app = new CliApp(new CliOutput(Console.Out, Console.Error, interactive), cancellation: cancel.Token);
return app.Run(args);
