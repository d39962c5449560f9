using Archway.KeystoneAuth;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddIniFile("myservice.conf");
builder.Services.AddKeystoneAuth(builder.Configuration.GetSection("keystone_authtoken"));
var app = builder.Build();
app.UseKeystoneAuth();
app.MapGet("/whoami", (HttpContext c) => new { user = c.User.Identity!.Name, project = c.Request.Headers["X-Project-Id"].ToString() });
app.MapGet("/admin-only", (HttpContext c) => c.User.IsInRole("admin") ? Results.Ok("hello, admin") : Results.StatusCode(403));
app.Run();
