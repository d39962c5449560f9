using System.Globalization;

namespace Archway.Cli;

/// <summary>Resolves --keystone-user/--keystone-group names to ids from /etc/passwd and /etc/group.</summary>
internal static class SystemAccounts
{
    public static int? UserId(string? name) => Lookup(name, "/etc/passwd", "user");

    public static int? GroupId(string? name) => Lookup(name, "/etc/group", "group");

    private static int? Lookup(string? name, string file, string kind)
    {
        if (name is null)
        {
            return null;
        }
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && fields[0] == name)
            {
                return int.Parse(fields[2], CultureInfo.InvariantCulture);
            }
        }
        throw new Data.Configuration.ConfigurationException([$"no {kind} named '{name}' in {file}"]);
    }
}
