using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Archway.Benchmarks.TokenBenchmarks).Assembly).Run(args);
