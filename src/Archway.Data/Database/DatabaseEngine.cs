namespace Archway.Data.Database;

public enum DatabaseEngine
{
    Sqlite,
    MySql,
    PostgreSql,
}
