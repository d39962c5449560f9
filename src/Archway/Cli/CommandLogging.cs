namespace Archway.Cli;

/// <summary>Console logging for management commands that run outside the web host.</summary>
internal static class CommandLogging
{
    public static ILoggerFactory Create() => LoggerFactory.Create(logging =>
    {
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.SetMinimumLevel(LogLevel.Information);
    });
}
