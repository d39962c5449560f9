namespace Archway.Interop.Tests.Harness;

/// <summary>Reads the two-column Field | Value table that cliff prints for a ShowOne command.</summary>
public static class CliTable
{
    /// <summary>Field → value for every row of the table in <paramref name="output"/>; other lines are ignored.</summary>
    public static Dictionary<string, string> Rows(string output)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var cells = line.Trim().Split('|');
            // "| field | value |" splits into "", field, value, "".
            if (cells.Length == 4 && cells[0].Length == 0 && cells[3].Length == 0)
            {
                rows[cells[1].Trim()] = cells[2].Trim();
            }
        }
        return rows;
    }

    /// <summary>
    /// The rows of the table cliff prints for a Lister command, each as column header → value, in order; the header
    /// row is the first row of cells, and border and other lines are ignored.
    /// </summary>
    public static List<Dictionary<string, string>> List(string output)
    {
        List<string>? headers = null;
        var rows = new List<Dictionary<string, string>>();
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith('|') || !trimmed.EndsWith('|') || trimmed.Length < 2)
            {
                continue;
            }
            var cells = trimmed[1..^1].Split('|').Select(cell => cell.Trim()).ToList();
            if (headers is null)
            {
                headers = cells;
                continue;
            }
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < headers.Count && i < cells.Count; i++)
            {
                row[headers[i]] = cells[i];
            }
            rows.Add(row);
        }
        return rows;
    }
}
