using VideoGradCam.Runtime;

namespace VideoGradCam.Video;

/// <summary>Sizes and seed of a generated synthetic action set (see <see cref="SyntheticActions"/>).</summary>
public sealed record SyntheticActionSettings
{
    public int ClipsPerClass { get; init; } = 24;
    /// <summary>T: frames per clip.</summary>
    public int Frames { get; init; } = 16;
    /// <summary>Frames are Size x Size pixels.</summary>
    public int Size { get; init; } = 64;
    public int Seed { get; init; } = Seeds.Default;
    public double FramesPerSecond { get; init; } = 25;
    /// <summary>Standard deviation of the per-frame texture noise, in 8-bit grey levels.</summary>
    public double NoiseSigma { get; init; } = 6;
    /// <summary>The classes to write (default: all of <see cref="SyntheticActions.ClassNames"/>).</summary>
    public IReadOnlyList<string> Classes { get; init; } = SyntheticActions.ClassNames;

    /// <summary>quick: 24 clips per class, 16 frames of 64x64. full: 100 clips per class, 16 frames of
    /// 112x112.</summary>
    public static SyntheticActionSettings For(Profile profile) => profile == Profile.Full
        ? new() { ClipsPerClass = 100, Frames = 16, Size = 112 }
        : new() { ClipsPerClass = 24, Frames = 16, Size = 64 };

    public void Validate()
    {
        if (ClipsPerClass < 1) throw new ArgumentException($"ClipsPerClass must be at least 1 (got {ClipsPerClass}).");
        if (Frames < 4) throw new ArgumentException($"Frames must be at least 4 (got {Frames}).");
        if (Size < 32) throw new ArgumentException($"Size must be at least 32 pixels (got {Size}).");
        var unknown = Classes.Except(SyntheticActions.ClassNames).ToList();
        if (unknown.Count > 0) throw new ArgumentException(
            $"Unknown synthetic class(es): {string.Join(", ", unknown)}. Known: " +
            $"{string.Join(", ", SyntheticActions.ClassNames)}.");
        if (Classes.Count == 0) throw new ArgumentException("No classes to generate.");
    }
}
