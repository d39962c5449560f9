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
}
