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
/// The upload hot path: the request body goes to the store in 1 MiB chunks from two pooled, aligned buffers, so that the
/// next chunk is read while the previous one is written and hashed; md5 (Glance's checksum) and the
/// os_hash_algo digest run side by side on each chunk. Nothing buffers the whole body, and the limits are checked
/// as bytes arrive.
/// </summary>
internal static class HashingCopier
{
    public const int ChunkSize = 1024 * 1024;

    public static async Task<CopyResult> CopyAsync(Stream body, ImageWriter writer, string hashAlgorithm, long sizeCap, long? quotaRemaining,
        DiskInspector inspector, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var hash = IncrementalHash.CreateHash(HashName(hashAlgorithm));
        Memory<byte>[] buffers = [ChunkBuffers.Rent(), ChunkBuffers.Rent()];
        var pending = Task.CompletedTask;
        var current = 0;
        long total = 0;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAtLeastAsync(buffers[current], ChunkSize, throwOnEndOfStream: false, cancellationToken);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
                {
                    throw new UploadInterruptedException(e);
                }
                // The previous chunk must be written and hashed before the next starts: hashes are sequential.
                await pending;
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
                var chunk = buffers[current][..read];
                inspector.Inspect(chunk.Span);
                pending = ProcessAsync(chunk, writer, md5, hash, cancellationToken);
                current ^= 1;
            }
        }
        finally
        {
            // A failed read leaves the last chunk's work running on a buffer about to be returned: let it end.
            try
            {
                await pending;
            }
            catch (Exception) when (!pending.IsCompletedSuccessfully)
            {
                // Its failure is reported by the await in the loop, or superseded by the read's.
            }
            ChunkBuffers.Return(buffers[0]);
            ChunkBuffers.Return(buffers[1]);
        }
        return new CopyResult(total, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(hash.GetHashAndReset()),
            inspector.VirtualSize(total), null);
    }

    /// <summary>Writes one chunk while hashing it: md5 on a pool thread, the os_hash digest on this one.</summary>
    private static async Task ProcessAsync(ReadOnlyMemory<byte> chunk, ImageWriter writer, IncrementalHash md5, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var write = writer.WriteAsync(chunk, cancellationToken).AsTask();
        var md5Task = Task.Run(() => md5.AppendData(chunk.Span), CancellationToken.None);
        hash.AppendData(chunk.Span);
        await md5Task;
        await write;
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
/// upload (up to eight, 8 MiB; more concurrent uploads allocate and leave theirs to the collector).
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
