using System.Data;
using FluentMigrator.Expressions;
using FluentMigrator.Model;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Generators.MySql;
using Microsoft.Extensions.Options;

namespace Archway.Data.Database;

/// <summary>
/// FluentMigrator's MySQL generator with timestamps that keep microseconds: its <c>DATETIME</c> drops the fraction,
/// and token revocation compares times below the second (Keystone's MySQL schema uses DATETIME(6) the same way).
/// </summary>
internal sealed class MySqlMicrosecondGenerator(MySqlQuoter quoter, IOptions<GeneratorOptions> options)
    : MySql5Generator(quoter, options)
{
    public override string Generate(CreateTableExpression expression)
    {
        WithMicroseconds(expression.Columns);
        return base.Generate(expression);
    }

    public override string Generate(CreateColumnExpression expression)
    {
        WithMicroseconds([expression.Column]);
        return base.Generate(expression);
    }

    public override string Generate(AlterColumnExpression expression)
    {
        WithMicroseconds([expression.Column]);
        return base.Generate(expression);
    }

    private static void WithMicroseconds(IEnumerable<ColumnDefinition> columns)
    {
        foreach (var column in columns)
        {
            if (column.Type is DbType.DateTime or DbType.DateTime2 && column.CustomType is null)
            {
                // The column generator reads CustomType only for a column without a DbType.
                column.Type = null;
                column.CustomType = "DATETIME(6)";
            }
        }
    }
}
