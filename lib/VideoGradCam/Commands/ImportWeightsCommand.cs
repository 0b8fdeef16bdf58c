using VideoGradCam.Study;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace import-weights</c>: published PyTorch weights (e.g. Kinetics-400 r3d_18) as a checkpoint
/// folder.</summary>
public static class ImportWeightsCommand
{
    public static readonly Verb Verb = new("import-weights",
        "turn published PyTorch weights (torchvision r3d_18, Kinetics-400) into a checkpoint for explain/evaluate",
        [
            Opt.Required("model", "the architecture: " + Models.ModelRegistry.Names(Models.ModelKind.VideoClassifier),
                "MODEL"),
            Opt.Required("weights", "a state_dict saved by torch.save (.pth)", "FILE"),
            Opt.Required("out", "the checkpoint folder written", "CKPT"),
        ], Run);

    static int Run(Args a)
    {
        var model = a.Required("model");
        var weights = a.Required("weights");
        var output = a.Required("out");
        if (Models.ModelRegistry.Find(
            model) is not { Kind: Models.ModelKind.VideoClassifier }) throw new UsageException(
                $"Unknown model '{model}': use {Models.ModelRegistry.Names(Models.ModelKind.VideoClassifier)}.");
        PretrainedWeights.Import(model, weights, output);
        Console.WriteLine(
            $"import-weights: {weights} loaded strictly into {model}; checkpoint {output} (Kinetics-400 classes, " +
            "16x112x112 clips)");
        return 0;
    }
}
