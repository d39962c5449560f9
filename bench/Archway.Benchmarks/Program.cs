using Archway.Benchmarks;
using BenchmarkDotNet.Running;

// `--hash-file FILE [--write-to DIR]`: bench/measure.sh's md5+sha512 yardstick for uploads (with DIR, the same with a
// direct write of each chunk beside the hashes), not a BenchmarkDotNet benchmark.
switch (args)
{
    case ["--hash-file", var path]:
        return await HashFileBaseline.RunAsync(path, writeDirectory: null);
    case ["--hash-file", var path, "--write-to", var directory]:
        return await HashFileBaseline.RunAsync(path, directory);
}

BenchmarkSwitcher.FromAssembly(typeof(TokenBenchmarks).Assembly).Run(args);
return 0;
