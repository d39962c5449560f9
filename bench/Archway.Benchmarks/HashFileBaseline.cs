using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Archway.Image.Stores;

namespace Archway.Benchmarks;

/// <summary>
/// The upload yardstick issue 7 names beside a plain copy: md5 and sha512 over the same bytes in one .NET process.
/// Reads the file in 1 MiB chunks from two buffers (the next chunk is read while the previous one is hashed) and runs
/// md5 on one thread and sha512 on another, as the upload's copier does, without the write to the store. Prints the
/// MiB/s on standard output and the digests on standard error (to check them against md5sum/sha512sum).
/// <para>
/// With a directory to write to, a third thread also writes each chunk to a new file there through the file store's
/// writer (O_DIRECT): an upload without its network side. Not a target; it shows what the disk's writes take from hashing
/// on the machine at hand (on a VM whose disk is served by the host, more than the guest's own CPU accounting shows).
/// </para>
/// </summary>
internal static class HashFileBaseline
{
    private const int ChunkSize = 1024 * 1024;

    public static async Task<int> RunAsync(string path, string? writeDirectory)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Memory<byte>[] buffers = [DirectIo.AllocateAligned(ChunkSize), DirectIo.AllocateAligned(ChunkSize)];
        await using var file = new FileStream(path, new FileStreamOptions { Options = FileOptions.SequentialScan, BufferSize = 0 });
        // The file store's own writer: O_DIRECT while chunks are aligned, and never committed, so disposing it removes
        // the file.
        await using var copy = writeDirectory is null
            ? null
            : new FileStore(writeDirectory, ChunkSize, filePermissions: 0).Create($"hash-yardstick-{Environment.ProcessId}");
        var clock = Stopwatch.StartNew();
        var pending = Task.CompletedTask;
        var current = 0;
        long total = 0;
        while (true)
        {
            var read = await file.ReadAtLeastAsync(buffers[current], ChunkSize, throwOnEndOfStream: false);
            // Hashes are sequential: the previous chunk must be through both before the next one starts.
            await pending;
            if (read == 0)
            {
                break;
            }
            total += read;
            var chunk = buffers[current][..read];
            pending = Task.WhenAll(
                Task.Run(() => md5.AppendData(chunk.Span)),
                Task.Run(() => sha512.AppendData(chunk.Span)),
                copy?.WriteAsync(chunk, CancellationToken.None).AsTask() ?? Task.CompletedTask);
            current ^= 1;
        }
        var md5Hex = Convert.ToHexStringLower(md5.GetHashAndReset());
        var sha512Hex = Convert.ToHexStringLower(sha512.GetHashAndReset());
        clock.Stop();
        await Console.Error.WriteLineAsync($"md5 {md5Hex}\nsha512 {sha512Hex}\n{total} bytes in {clock.Elapsed.TotalSeconds:F3} s"
            + (copy is null ? "" : $", written to {copy.Location}"));
        Console.WriteLine((total / 1048576.0 / clock.Elapsed.TotalSeconds).ToString("F1", CultureInfo.InvariantCulture));
        return 0;
    }
}
