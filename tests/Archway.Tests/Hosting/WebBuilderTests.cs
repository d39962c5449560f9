using Archway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Archway.Tests.Hosting;

/// <summary>The hosts' builder watches no files: a watch on appsettings.json covered every directory under the working directory.</summary>
public sealed class WebBuilderTests
{
    [Fact]
    public async Task No_configuration_file_is_watched_for_changes()
    {
        await using var app = WebBuilder.Create().Build();
        var files = ((IConfigurationRoot)app.Configuration).Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched for changes"));
    }

    [Fact]
    public async Task The_content_root_is_the_installation_not_the_working_directory()
    {
        await using var app = WebBuilder.Create().Build();
        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
    }
}
