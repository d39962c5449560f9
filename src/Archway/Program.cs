using Archway.Cli;

return await ArchwayCli.RunAsync(args, Console.Out, Console.Error);
