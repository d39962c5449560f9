using System.Security.Cryptography;
using Archway.Image.Data;
using Archway.Image.Stores;

namespace Archway.Image.Tests.Data;

/// <summary>
/// The upload copy with several chunks in flight: md5, the os_hash digest and the store's writes each run on their
/// own chain, so these check that the bytes still arrive whole and in order, and that nothing is still running on
/// the chunk buffers once the copy has returned or failed.
/// </summary>
public sealed class HashingCopierTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(HashingCopier.ChunkSize)]
    [InlineData(HashingCopier.ChunkSize * HashingCopier.Depth * 3 + 12_345)]
    public async Task Bytes_are_written_in_order_and_hashed_whole_while_writes_lag(int size)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        var body = new TricklingStream(data);
        // The first write holds on until the reader has had the chance to run a whole ring of buffers ahead; a
        // reader that reused a buffer before its write and hashes were done would change the bytes under them.
        var writer = new RecordingWriter(slowWrites: true, onWrite: async n =>
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (n == 1 && body.Served <= HashingCopier.Depth * HashingCopier.ChunkSize && body.Served < size && waited.ElapsedMilliseconds < 500)
            {
                await Task.Delay(5);
            }
        });

        var result = await HashingCopier.CopyAsync(body, writer, "sha512", long.MaxValue, null,
            new DiskInspector("raw", "bare"), CancellationToken.None);

        Assert.Null(result.Exceeded);
        Assert.Equal(size, result.Size);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), result.Md5);
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), result.Hash);
        Assert.Equal(data, writer.Written.ToArray());
        Assert.True(writer.MostConcurrentWrites <= 1, $"{writer.MostConcurrentWrites} writes overlapped");
    }

    [Fact]
    public async Task A_failed_write_is_the_copys_failure_and_nothing_runs_on_after_it()
    {
        var data = RandomNumberGenerator.GetBytes(HashingCopier.ChunkSize * 10);
        var full = new IOException("No space left on device", unchecked((int)0x8007_0070));
        var writer = new RecordingWriter(slowWrites: true, failOnWrite: 3, failure: full);

        var thrown = await Assert.ThrowsAsync<IOException>(() => HashingCopier.CopyAsync(new TricklingStream(data), writer, "sha256",
            long.MaxValue, null, new DiskInspector("raw", "bare"), CancellationToken.None));

        Assert.Same(full, thrown);
        var writesAtReturn = writer.Writes;
        await Task.Delay(200);
        Assert.Equal(writesAtReturn, writer.Writes);
        Assert.Equal(0, writer.Active);
        // The chunks before the failed one were written, none after it.
        Assert.Equal(3, writer.Writes);
    }

    [Fact]
    public async Task Going_over_the_size_cap_returns_once_every_chunk_in_flight_has_ended()
    {
        var data = RandomNumberGenerator.GetBytes(HashingCopier.ChunkSize * 6);
        var writer = new RecordingWriter(slowWrites: true);

        var result = await HashingCopier.CopyAsync(new TricklingStream(data), writer, "sha512", HashingCopier.ChunkSize * 5 - 1, null,
            new DiskInspector("raw", "bare"), CancellationToken.None);

        Assert.Equal(UploadLimit.SizeCap, result.Exceeded);
        Assert.Equal(0, writer.Active);
        var writes = writer.Writes;
        await Task.Delay(200);
        Assert.Equal(writes, writer.Writes);
    }

    [Fact]
    public async Task A_request_aborted_during_a_write_is_an_interrupted_upload()
    {
        var data = RandomNumberGenerator.GetBytes(HashingCopier.ChunkSize * 8);
        using var aborted = new CancellationTokenSource();
        var writer = new RecordingWriter(slowWrites: true, onWrite: n =>
        {
            if (n == 2)
            {
                aborted.Cancel();
            }
            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<UploadInterruptedException>(() => HashingCopier.CopyAsync(new TricklingStream(data), writer, "sha512",
            long.MaxValue, null, new DiskInspector("raw", "bare"), aborted.Token));
        Assert.Equal(0, writer.Active);
    }

    /// <summary>A body that hands out odd-sized pieces, as a socket does, all of it already received.</summary>
    private sealed class TricklingStream(byte[] data) : Stream
    {
        private readonly Random _random = new(7);
        private int _position;

        public int Served => Volatile.Read(ref _position);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var count = Math.Min(Math.Min(buffer.Length, _random.Next(1, 200_000)), data.Length - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            Volatile.Write(ref _position, _position + count);
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A store object in memory that takes its time, counts overlapping writes and can fail one.</summary>
    private sealed class RecordingWriter(bool slowWrites, int failOnWrite = -1, Exception? failure = null, Func<int, Task>? onWrite = null) : ImageWriter
    {
        private readonly Random _random = new(11);
        private int _active;
        private int _writes;

        public MemoryStream Written { get; } = new();
        public int MostConcurrentWrites { get; private set; }
        public int Active => Volatile.Read(ref _active);
        public int Writes => Volatile.Read(ref _writes);

        public override string Location => "memory://test";

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var active = Interlocked.Increment(ref _active);
            MostConcurrentWrites = Math.Max(MostConcurrentWrites, active);
            try
            {
                var n = Interlocked.Increment(ref _writes);
                if (onWrite is not null)
                {
                    await onWrite(n);
                }
                if (slowWrites)
                {
                    await Task.Delay(_random.Next(0, 4), cancellationToken);
                }
                if (n == failOnWrite)
                {
                    throw failure!;
                }
                // Copied only now, after the delay: a buffer reused too early would show here.
                Written.Write(data.Span);
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }

        public override Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override Task AbortAsync() => Task.CompletedTask;
        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
