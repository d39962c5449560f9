using System.Globalization;
using System.Net;
using Archway.KeystoneAuth;

// keystoneauth-bench MODE PORT IDENTITY_URL SERVICE_PASSWORD
//   MODE none: no middleware; warm: the middleware with token_cache_time 300; cold: with caching off (-1).
// The service user is glance on the service project (the install guide's), with SERVICE_PASSWORD.
if (args.Length != 4 || args[0] is not ("none" or "warm" or "cold"))
{
    await Console.Error.WriteLineAsync("usage: KeystoneAuthBench none|warm|cold PORT IDENTITY_URL SERVICE_PASSWORD");
    return 2;
}
var mode = args[0];
var port = int.Parse(args[1], CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
if (mode != "none")
{
    builder.Services.AddKeystoneAuth(new KeystoneAuthOptions
    {
        WwwAuthenticateUri = args[2],
        AuthUrl = args[2],
        AuthType = "password",
        ProjectDomainName = "Default",
        UserDomainName = "Default",
        ProjectName = "service",
        Username = "glance",
        Password = args[3],
        TokenCacheTime = mode == "warm" ? 300 : -1,
    });
}
var app = builder.Build();
if (mode != "none")
{
    app.UseKeystoneAuth();
}
app.MapGet("/ping", () => "pong");
await app.StartAsync();
Console.WriteLine($"ready: {mode} on http://127.0.0.1:{port}/ping");
await app.WaitForShutdownAsync();
return 0;
