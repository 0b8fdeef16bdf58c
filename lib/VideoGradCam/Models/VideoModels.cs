namespace VideoGradCam.Models;

/// <summary>Builds the study's video classifiers by name.</summary>
public static class VideoModels
{
    public const string R3D18Name = "r3d18";
    public const string MC318Name = "mc3_18";
    public const string CnnLstmName = "cnn-lstm";
    public const string CnnLstmAttentionName = "cnn-lstm-attention";

    public static IReadOnlyList<string> Architectures { get; } = [R3D18Name, MC318Name, CnnLstmName, CnnLstmAttentionName];

    public static VideoClassifier Create(string architecture, int numClasses, int width = 64, int hiddenSize = 256, int attentionSize = 128) =>
        Create(new VideoModelConfig(architecture, numClasses, width, hiddenSize, attentionSize));

    public static VideoClassifier Create(VideoModelConfig config)
    {
        if (config.NumClasses < 1) throw new ArgumentException($"NumClasses must be >= 1 (got {config.NumClasses}).");
        if (config.Width < 1) throw new ArgumentException($"Width must be >= 1 (got {config.Width}).");
        return config.Architecture switch
        {
            R3D18Name or "r3d_18" => new R3D18(config with { Architecture = R3D18Name }),
            MC318Name or "mc3" => new R3D18(config with { Architecture = MC318Name }),
            CnnLstmName => new CnnLstm(config),
            CnnLstmAttentionName => new CnnLstm(config),
            _ => throw new ArgumentException(
                $"Unknown architecture '{config.Architecture}'. Known: {string.Join(", ", Architectures)}."),
        };
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
