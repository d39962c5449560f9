using System.Collections.Concurrent;
using System.Security.Cryptography;
using Archway.Image.Stores;

namespace Archway.Image.Data;

/// <summary>What an upload's copy produced: the byte count and the hex digests, or which limit it broke.</summary>
internal sealed record CopyResult(long Size, string? Md5, string? Hash, long? VirtualSize, UploadLimit? Exceeded);

internal enum UploadLimit
{
    /// <summary>[DEFAULT] image_size_cap.</summary>
    SizeCap,

    /// <summary>[DEFAULT] user_storage_quota, less what the project already stores.</summary>
    StorageQuota,
}

/// <summary>
/// The upload hot path: the request body goes to the store in 1 MiB chunks through a ring of pooled, aligned buffers.
/// md5 (Glance's checksum), the os_hash_algo digest and the store's write each take the chunks in order on a chain of
/// their own, so none waits for the others and the next chunks are read meanwhile; the reader waits only for a buffer
/// that all three are done with. Nothing buffers the whole body, and the limits are checked as bytes arrive.
/// </summary>
internal static class HashingCopier
{
    public const int ChunkSize = 1024 * 1024;

    /// <summary>
    /// Chunks in flight per upload. Two kept both cores busy only in lock step: md5 and sha512 take about as long per
    /// chunk as each other, and whichever finished first left its core idle until the next chunk was read. Four let
    /// the slower hash run behind by a few chunks while reading and writing go on.
    /// </summary>
    public const int Depth = 4;

    public static async Task<CopyResult> CopyAsync(Stream body, ImageWriter writer, string hashAlgorithm, long sizeCap, long? quotaRemaining,
        DiskInspector inspector, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var hash = IncrementalHash.CreateHash(HashName(hashAlgorithm));
        var buffers = new Memory<byte>[Depth];
        // What each buffer's last chunk is still waiting for; a buffer is read into again only once it has ended.
        var inFlight = new Task[Depth];
        Array.Fill(inFlight, Task.CompletedTask);
        Task md5Chain = Task.CompletedTask, hashChain = Task.CompletedTask, writeChain = Task.CompletedTask;
        var current = 0;
        long total = 0;
        try
        {
            while (true)
            {
                await inFlight[current];
                var buffer = buffers[current].IsEmpty ? buffers[current] = ChunkBuffers.Rent() : buffers[current];
                int read;
                try
                {
                    read = await body.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, cancellationToken);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
                {
                    throw new UploadInterruptedException(e);
                }
                if (read == 0)
                {
                    break;
                }
                total += read;
                // Glance's quota reader wraps the size-cap reader's source, so the quota speaks first.
                if (quotaRemaining is { } remaining && total > remaining)
                {
                    return new CopyResult(total, null, null, null, UploadLimit.StorageQuota);
                }
                if (total > sizeCap)
                {
                    return new CopyResult(total, null, null, null, UploadLimit.SizeCap);
                }
                var chunk = buffer[..read];
                inspector.Inspect(chunk.Span);
                md5Chain = AppendAfterAsync(md5Chain, md5, chunk);
                hashChain = AppendAfterAsync(hashChain, hash, chunk);
                writeChain = WriteAfterAsync(writeChain, writer, chunk, cancellationToken);
                inFlight[current] = Task.WhenAll(md5Chain, hashChain, writeChain);
                current = (current + 1) % Depth;
            }
            // A failed hash or write surfaces here, or at the buffer's wait above.
            await Task.WhenAll(md5Chain, hashChain, writeChain);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // The request was aborted while a write was under way rather than a read: the same interruption.
            throw new UploadInterruptedException(e);
        }
        finally
        {
            // An early return or a failure can leave chunks in flight on buffers about to be returned: let them end.
            try
            {
                await Task.WhenAll(inFlight);
            }
            catch (Exception)
            {
                // Reported by the awaits above, or superseded by the read's failure.
            }
            foreach (var buffer in buffers)
            {
                if (!buffer.IsEmpty)
                {
                    ChunkBuffers.Return(buffer);
                }
            }
        }
        return new CopyResult(total, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(hash.GetHashAndReset()),
            inspector.VirtualSize(total), null);
    }

    /// <summary>
    /// Hashes a chunk once the chain's previous chunk is hashed, on a pool thread: never on the reader's, and after
    /// the first chunk on the thread that hashed the one before.
    /// </summary>
    private static Task AppendAfterAsync(Task previous, IncrementalHash hash, ReadOnlyMemory<byte> chunk) =>
        previous.ContinueWith(static (done, state) =>
        {
            done.GetAwaiter().GetResult();
            var (hash, chunk) = ((IncrementalHash, ReadOnlyMemory<byte>))state!;
            hash.AppendData(chunk.Span);
        }, (hash, chunk), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <summary>Writes a chunk once the previous one is written: the store's writes go in order.</summary>
    private static async Task WriteAfterAsync(Task previous, ImageWriter writer, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        await previous;
        await writer.WriteAsync(chunk, cancellationToken);
    }

    public static HashAlgorithmName HashName(string algorithm) => algorithm switch
    {
        "sha256" => HashAlgorithmName.SHA256,
        "sha384" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}

/// <summary>
/// The upload's 1 MiB chunk buffers: pinned and aligned for the file store's direct writes, and kept for the next
/// upload (up to eight, 8 MiB, two uploads' worth; more concurrent uploads allocate and leave theirs to the collector).
/// </summary>
internal static class ChunkBuffers
{
    private const int MaxRetained = 8;
    private static readonly ConcurrentBag<Memory<byte>> Free = [];

    public static Memory<byte> Rent() => Free.TryTake(out var buffer) ? buffer : DirectIo.AllocateAligned(HashingCopier.ChunkSize);

    public static void Return(Memory<byte> buffer)
    {
        if (Free.Count < MaxRetained)
        {
            Free.Add(buffer);
        }
    }
}

/// <summary>The request body could not be read to its end: the client disconnected or sent less than it announced.</summary>
internal sealed class UploadInterruptedException(Exception inner) : Exception(inner.Message, inner);
