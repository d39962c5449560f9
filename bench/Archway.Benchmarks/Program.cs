using Archway.Benchmarks;
using BenchmarkDotNet.Running;

// `--hash-file FILE`: bench/measure.sh's md5+sha512 yardstick for uploads, not a BenchmarkDotNet benchmark.
if (args is ["--hash-file", var path])
{
    return await HashFileBaseline.RunAsync(path);
}

BenchmarkSwitcher.FromAssembly(typeof(TokenBenchmarks).Assembly).Run(args);
return 0;
