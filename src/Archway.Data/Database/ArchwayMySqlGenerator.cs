using System.Data;
using FluentMigrator.Expressions;
using FluentMigrator.Model;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Generators.MySql;
using Microsoft.Extensions.Options;

namespace Archway.Data.Database;

/// <summary>
/// FluentMigrator's MySQL generator with timestamps that keep microseconds (its <c>DATETIME</c> drops the fraction,
/// and token revocation compares times below the second) and tables in utf8mb4 with binary, exact comparison.
/// </summary>
internal sealed class ArchwayMySqlGenerator(MySqlQuoter quoter, IOptions<GeneratorOptions> options)
    : MySql5Generator(quoter, options)
{
    public override string Generate(CreateTableExpression expression)
    {
        WithColumnTypes(expression.Columns);
        // Names compare exactly, as on SQLite and PostgreSQL: under the server's default utf8mb4_general_ci,
        // 'Défault' would find the Default domain and 'Alice' would collide with 'alice'.
        return base.Generate(expression).Replace("ENGINE = INNODB", "ENGINE = INNODB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin", StringComparison.Ordinal);
    }

    public override string Generate(CreateColumnExpression expression)
    {
        WithColumnTypes([expression.Column]);
        return base.Generate(expression);
    }

    public override string Generate(AlterColumnExpression expression)
    {
        WithColumnTypes([expression.Column]);
        return base.Generate(expression);
    }

    /// <summary>
    /// DATETIME(6) for timestamps; VARCHAR/LONGTEXT in the table's utf8mb4 for strings (FluentMigrator's NVARCHAR is
    /// MySQL's three-byte utf8, which cannot hold every character and compares case-insensitively).
    /// </summary>
    private static void WithColumnTypes(IEnumerable<ColumnDefinition> columns)
    {
        foreach (var column in columns.Where(c => c.CustomType is null))
        {
            var type = column.Type switch
            {
                DbType.DateTime or DbType.DateTime2 => "DATETIME(6)",
                DbType.String or DbType.AnsiString when column.Size is null => "VARCHAR(255)",
                DbType.String or DbType.AnsiString when column.Size <= 16383 => $"VARCHAR({column.Size})",
                DbType.String or DbType.AnsiString => "LONGTEXT",
                _ => null,
            };
            if (type is not null)
            {
                // The column generator reads CustomType only for a column without a DbType.
                column.Type = null;
                column.CustomType = type;
            }
        }
    }
}
