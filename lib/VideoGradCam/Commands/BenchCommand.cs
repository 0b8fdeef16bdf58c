namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace bench NAME</c>: performance measurements, reported as ratios measured in one run (never timed
/// assertions in tests). Each benchmark is one entry below, implemented beside the code it measures.
/// </summary>
public static class BenchCommand
{
    public static readonly Verb Verb =
        new("bench", "measure performance; prints a table and writes artifacts/bench/NAME.json",
        [
            Opt.Computed("steps", "training: steps measured per model", "N", "7"),
            Opt.Computed("models", "training: models, comma-separated", "LIST", "the study's"),
            Opt.Computed("sizes", "training: quick, full, study", "LIST", "quick,full"),
            Opt.Computed("repeats", "sampler: repeats per clip", "N", "3"),
            Opt.Computed("clips-per-class", "synth: clips per class", "N", "3"),
            Opt.Computed("frames", "cam: frames per clip", "T", "16"),
            Opt.Computed("size", "cam: frame size (hook-cam: image size, 224)", "S", "112"),
            Opt.Computed("batch", "hook-cam: images per batch; explain-data: clips per pass", "B", "2; explain-data 8"),
            Opt.Computed("threads", "hook-cam: LibTorch threads", "N", "2"),
            Opt.Computed("width", "cam: network width", "W", "16"),
            Opt.Computed("reps", "cam: repeats per measurement (hook-cam: 9, explain-data: 5)", "N", "5"),
            Opt.Computed("checkpoint", "explain-data: the classifier explained", "CKPT",
                "the profile's r3d18, trained or installed when missing"),
            Opt.Computed("data", "explain-data: the class folders explained", "DIR",
                "the profile's synthetic set, generated when missing"),
            Opt.Profile,
            Opt.Computed("explanations", "cam: explanations in the memory run", "N", "1000"),
            Opt.Computed("memory-size", "cam: frame size in the memory run", "S", "32"),
            Opt.Computed("warmup", "cam: explanations before memory is measured", "N", "1500"),
            Opt.Computed("out", "the JSON written", "FILE", "artifacts/bench/NAME.json"),
        ], Run, [("name", "the benchmark: " + string.Join(", ", Benches.Keys))]);

    /// <summary>name -> (summary, run). Add one line per benchmark.</summary>
    public static IReadOnlyDictionary<string, (string Summary, Func<Args, int> Run)> Benches =>
        new Dictionary<string, (string, Func<Args, int>)>
        {
            ["sampler"] =
                ("ms per 16-frame clip: seek/grab sampler vs decoding every frame", SamplerBenchmark.RunSampler),
            ["synth"] =
                ("synthetic action clips generated per second, quick and full sizes", SamplerBenchmark.RunSynth),
            ["training"] =
                ("training clips/s per model at quick and full sizes, peak memory [--steps 7 --models .. --sizes " +
                 "quick,full,study]", TrainingBenchmark.Run),
            ["cam"] =
                ("Grad-CAM engine: map vs full backward, per-frame maps in one pass, memory over 1,000 explanations",
                    CamBenchmark.Run),
            ["convolutions"] =
                ("training and explain in this machine's convolution mode vs unguarded oneDNN, as ratios " +
                 "[--steps 5]", ConvolutionBenchmark.Run),
            ["hook-cam"] =
                ("Grad-CAM on TorchVision.NET resnet18 at layer4 via a forward hook vs forward + gradient by hand, 2 " +
                 "threads [--batch 2 --size 224 --reps 9]", HookCamBenchmark.Run),
            ["explain-data"] =
                ("explain --data in videos/s: decode only, the floor (decode + forward + gradient), JSON only, every " +
                 "output, as ratios to the floor [--profile quick --batch 8 --reps 5]", ExplainDataBenchmark.Run),
        };

    static int Run(Args a)
    {
        var name = a.Positionals.Count > 0 ? a.Positionals[0]
            : throw new UsageException("Which benchmark? " + string.Join(", ", Benches.Keys));
        if (!Benches.TryGetValue(name, out var bench))
            throw new UsageException($"Unknown benchmark '{name}'. Known: {string.Join(", ", Benches.Keys)}.");
        return bench.Run(a);
    }
}
