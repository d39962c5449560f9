using Archway.Identity.Config;
using Archway.Identity.Tokens;
using BenchmarkDotNet.Attributes;

namespace Archway.Benchmarks;

/// <summary>Fernet tokens as validation and issue handle them: decode is decrypt + HMAC verify + msgpack unpack.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "archway-bench-keys-" + Guid.NewGuid().ToString("N"));
    private FernetTokenFormatter _formatter = null!;
    private TokenPayload _payload = null!;
    private string _token = "";

    [GlobalSetup]
    public void Setup()
    {
        var repository = new FernetKeyRepository(_keys, 3);
        repository.Setup();
        _formatter = new FernetTokenFormatter(repository, new AuthMethods(KeystoneOptions.DefaultAuthMethods), TimeProvider.System);
        _payload = new TokenPayload(Guid.NewGuid().ToString("N"), 2, DateTimeOffset.UtcNow.AddHours(1).AddTicks(-(DateTimeOffset.UtcNow.Ticks % TimeSpan.TicksPerSecond)),
            ["Xs9Hl0UYQ3ezGYxlB1Jb1A"], ProjectId: Guid.NewGuid().ToString("N"));
        _token = _formatter.Create(_payload);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_keys, recursive: true);

    [Benchmark]
    public string? Decode() => _formatter.TryDecode(_token, out var payload) ? payload.UserId : null;

    [Benchmark]
    public string Encode() => _formatter.Create(_payload);
}
