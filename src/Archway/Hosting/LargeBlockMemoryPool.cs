using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Archway.Hosting;

/// <summary>
/// Kestrel's memory pool for the Image API. Kestrel's own pool hands out 4 KiB blocks, and its socket transport
/// receives into what is left of one block, so a 1 GiB upload took about 500,000 recv calls of 2 KiB each. With
/// 64 KiB blocks the same upload needs a sixteenth of them. Blocks are pinned (the socket reads into them) and
/// reused; at most <see cref="MaxRetained"/> are kept when returned, the rest are left to the collector.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>4 MiB of idle blocks at most.</summary>
    private const int MaxRetained = 64;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;
    private bool _disposed;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            return block;
        }
        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    private void Return(Block block)
    {
        if (!Volatile.Read(ref _disposed) && Interlocked.Increment(ref _freeCount) <= MaxRetained)
        {
            _free.Enqueue(block);
            return;
        }
        Interlocked.Decrement(ref _freeCount);
    }

    protected override void Dispose(bool disposing)
    {
        Volatile.Write(ref _disposed, true);
        _free.Clear();
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => array;

        public void Dispose() => pool.Return(this);
    }

    /// <summary>What Kestrel asks for its pools (transport and HTTP layers alike).</summary>
    internal sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
    }
}
