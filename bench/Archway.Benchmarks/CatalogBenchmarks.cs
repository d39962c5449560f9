using System.Buffers;
using System.Text.Json;
using Archway.Identity.Catalog;
using Archway.Identity.Tokens;
using BenchmarkDotNet.Attributes;

namespace Archway.Benchmarks;

/// <summary>Rendering the guide's catalog (identity and image, three interfaces each, plus three more services).</summary>
[MemoryDiagnoser]
public class CatalogBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16384);
    private readonly List<CatalogService> _catalog = [];

    [GlobalSetup]
    public void Setup()
    {
        foreach (var (type, port) in new[] { ("identity", 5000), ("image", 9292), ("compute", 8774), ("network", 9696), ("placement", 8778) })
        {
            _catalog.Add(new CatalogService(Guid.NewGuid().ToString("N"), type, type, [.. new[] { "public", "internal", "admin" }
                .Select(i => new CatalogEndpoint(Guid.NewGuid().ToString("N"), i, "RegionOne", $"http://controller:{port}/"))]));
        }
    }

    [Benchmark]
    public int Render()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        writer.WriteStartObject();
        writer.WritePropertyName("catalog");
        TokenJson.WriteCatalog(writer, _catalog);
        writer.WriteEndObject();
        writer.Flush();
        return _buffer.WrittenCount;
    }
}
