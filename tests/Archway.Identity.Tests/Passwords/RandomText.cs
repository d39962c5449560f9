using System.Text;

namespace Archway.Identity.Tests.Passwords;

/// <summary>Reproducible passwords mixing 1- to 4-byte UTF-8 characters, never NUL.</summary>
internal static class RandomText
{
    public static string Create(Random random, int maxUtf8Bytes)
    {
        var text = new StringBuilder();
        int bytes = 0;
        while (true)
        {
            string next = random.Next(4) switch
            {
                0 => ((char)random.Next(0x21, 0x7f)).ToString(), // ASCII
                1 => ((char)random.Next(0xa0, 0x800)).ToString(), // 2 bytes: é, ß, Ж
                2 => ((char)random.Next(0x800, 0xd800)).ToString(), // 3 bytes: €, 日
                _ => char.ConvertFromUtf32(random.Next(0x10000, 0x10ffff)), // 4 bytes: 🔑
            };
            int size = Encoding.UTF8.GetByteCount(next);
            if (bytes + size > maxUtf8Bytes)
            {
                return text.ToString();
            }

            text.Append(next);
            bytes += size;
        }
    }
}
