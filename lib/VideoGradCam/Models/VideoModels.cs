namespace VideoGradCam.Models;

/// <summary>Builds a video classifier of <see cref="ModelRegistry"/> by name.</summary>
public static class VideoModels
{
    public static VideoClassifier Create(string architecture, int numClasses, int width = 64, int hiddenSize = 256,
        int attentionSize = 128) =>
        Create(new VideoModelConfig(architecture, numClasses, width, hiddenSize, attentionSize));

    public static VideoClassifier Create(VideoModelConfig config)
    {
        if (config.NumClasses < 1) throw new ArgumentException($"NumClasses must be >= 1 (got {config.NumClasses}).");
        if (config.Width < 1) throw new ArgumentException($"Width must be >= 1 (got {config.Width}).");
        var entry = ModelRegistry.Get(config.Architecture, ModelKind.VideoClassifier);
        return entry.Create!(config with { Architecture = entry.Name });
    }

    /// <summary>The 400 Kinetics-400 class names in torchvision's order (the index of r3d_18's logits).</summary>
    public static IReadOnlyList<string> Kinetics400Classes()
    {
        using var s = typeof(VideoModels).Assembly.GetManifestResourceStream("kinetics400_classes.txt")
            ?? throw new InvalidOperationException("The embedded resource kinetics400_classes.txt is missing.");
        using var r = new StreamReader(s);
        return r.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
