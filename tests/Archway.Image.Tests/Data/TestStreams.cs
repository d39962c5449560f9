using System.Net;
using System.Net.Http.Headers;

namespace Archway.Image.Tests.Data;

/// <summary>Request bodies that behave like real clients: sent in pieces, paused, or cut off part way.</summary>
internal sealed class ControlledContent(byte[] data, int failAfter = -1, TaskCompletionSource? pauseAfterFirstChunk = null, bool sendLength = true) : HttpContent
{
    private const int Chunk = 64 * 1024;

    /// <summary>Completes once the first chunk has been sent (the server then holds the upload).</summary>
    public TaskCompletionSource FirstChunkSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < data.Length; offset += Chunk)
        {
            if (failAfter >= 0 && offset >= failAfter)
            {
                throw new IOException("the client went away");
            }
            var length = Math.Min(Chunk, data.Length - offset);
            await stream.WriteAsync(data.AsMemory(offset, length));
            await stream.FlushAsync();
            if (offset == 0)
            {
                FirstChunkSent.TrySetResult();
                if (pauseAfterFirstChunk is not null)
                {
                    await pauseAfterFirstChunk.Task;
                }
            }
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = data.Length;
        return sendLength;
    }

    public static ControlledContent OctetStream(byte[] data, int failAfter = -1, TaskCompletionSource? pause = null, bool sendLength = true)
    {
        var content = new ControlledContent(data, failAfter, pause, sendLength);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
