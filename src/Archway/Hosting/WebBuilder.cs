namespace Archway.Hosting;

/// <summary>What the Identity and Image web applications start from.</summary>
internal static class WebBuilder
{
    /// <summary>
    /// A slim builder with single-line console logging. Archway's settings come from keystone.conf and
    /// glance-api.conf, never from appsettings.json; left to its defaults, the builder would still watch for
    /// appsettings.json to change, with an inotify watch on every directory under the working directory, each host
    /// its own: 98 directories twice when started in /tmp, every directory on the machine when started in /, and
    /// an upload's writes woke the watcher thread when the data directory was among them.
    /// </summary>
    public static WebApplicationBuilder Create()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Archway", LogLevel.Information);
        return builder;
    }
}
