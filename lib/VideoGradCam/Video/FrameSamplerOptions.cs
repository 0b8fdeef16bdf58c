namespace VideoGradCam.Video;

/// <summary>Order of the axes of one clip tensor.</summary>
public enum ClipLayout
{
    /// <summary>[T, C, H, W]: frames first (per-frame 2D CNNs).</summary>
    TCHW,
    /// <summary>[C, T, H, W]: channels first (torchvision's video models, 3D CNNs).</summary>
    CTHW,
}

/// <summary>Where the square crop is taken after the shorter side is resized.</summary>
public enum CropMode { Center, Random }

/// <summary>What to do when a video has fewer frames than the clip asks for.</summary>
public enum ShortVideoPolicy
{
    /// <summary>Take every frame once, then repeat the last frame until the clip is full.</summary>
    RepeatLast,
    /// <summary>Throw an <see cref="InvalidDataException"/> naming the file and both counts.</summary>
    Fail,
}

/// <summary>Per-channel mean and std (RGB order, on pixel values scaled to [0,1]).</summary>
public sealed record Normalization(string Name, float[] Mean, float[] Std)
{
    /// <summary>torchvision image models.</summary>
    public static readonly Normalization ImageNet = new("imagenet", [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>torchvision video models trained on Kinetics-400 (r3d_18, mc3_18, r2plus1d_18).</summary>
    public static readonly Normalization Kinetics =
        new("kinetics", [0.43216f, 0.394666f, 0.37645f], [0.22803f, 0.22145f, 0.216989f]);

    /// <summary>No normalisation: pixel values in [0,1].</summary>
    public static readonly Normalization None = new("none", [0f, 0f, 0f], [1f, 1f, 1f]);

    public static Normalization Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "imagenet" => ImageNet,
        "kinetics" => Kinetics,
        "none" => None,
        _ => throw new ArgumentException($"Unknown normalisation '{name}': use imagenet, kinetics or none."),
    };
}

/// <summary>A part of a video to sample from, in seconds (end exclusive). Frame folders use
/// <see cref="FrameSamplerOptions.FolderFramesPerSecond"/> to turn seconds into frames.</summary>
public sealed record TimeWindow(double StartSeconds, double EndSeconds)
{
    public (int First, int End) ToFrames(double fps, int frameCount)
    {
        int first = Math.Clamp((int)Math.Floor(StartSeconds * fps), 0, frameCount);
        int end = Math.Clamp((int)Math.Ceiling(EndSeconds * fps), first, frameCount);
        return (first, end);
    }
}

/// <summary>
/// How <see cref="FrameSampler"/> turns a video into clips. Defaults match torchvision's Kinetics video models:
/// 16 frames, shorter side 128, centre crop 112, Kinetics normalisation, layout [C,T,H,W].
/// </summary>
public sealed record FrameSamplerOptions
{
    /// <summary>T: frames per clip.</summary>
    public int Frames { get; init; } = 16;

    /// <summary>Sample from this part of the video only; null = the whole video.</summary>
    public TimeWindow? Window { get; init; }

    /// <summary>Clips per video (for testing). Clip k takes the k-th of K interleaved grids of equally spaced
    /// frames, so every clip spans the whole window.</summary>
    public int ClipsPerVideo { get; init; } = 1;

    /// <summary>Resize so the shorter side has this many pixels (aspect kept); 0 = keep the decoded size.</summary>
    public int ResizeShorterSide { get; init; } = 128;

    /// <summary>Resize every frame to exactly this size instead (torchvision's Kinetics recipe: 171x128); null =
    /// shorter side.</summary>
    public (int Width, int Height)? ResizeTo { get; init; }

    /// <summary>Frame step of a window of consecutive frames; 0 = the clip's frames spread over the whole
    /// window.</summary>
    public int Stride { get; init; }

    /// <summary>With <see cref="Stride"/>: the first frame of clip 0 (clip k starts where clip k-1 ended); null = the
    /// <see cref="ClipsPerVideo"/> windows spread evenly over the video (one window: the middle).</summary>
    public int? StartFrame { get; init; }

    /// <summary>Square crop of this side after resizing; 0 = no crop.</summary>
    public int CropSize { get; init; } = 112;

    public CropMode Crop { get; init; } = CropMode.Center;

    /// <summary>Mirror every frame of the clip left-right (augmentation; the loader sets it per clip).</summary>
    public bool FlipHorizontal { get; init; }

    public Normalization Normalization { get; init; } = Normalization.Kinetics;

    public ClipLayout Layout { get; init; } = ClipLayout.CTHW;

    public ShortVideoPolicy ShortVideo { get; init; } = ShortVideoPolicy.RepeatLast;

    /// <summary>Frame rate assumed for frame-image folders (they carry none).</summary>
    public double FolderFramesPerSecond { get; init; } = 25;

    /// <summary>Seed for the random crop (used only with <see cref="CropMode.Random"/>).</summary>
    public int Seed { get; init; } = Runtime.Seeds.Default;

    public void Validate()
    {
        if (Frames < 1) throw new ArgumentException($"Frames must be at least 1 (got {Frames}).");
        if (ClipsPerVideo < 1) throw new ArgumentException($"ClipsPerVideo must be at least 1 (got {ClipsPerVideo}).");
        if (ResizeShorterSide < 0 || CropSize < 0) throw new ArgumentException(
            "ResizeShorterSide and CropSize must be >= 0.");
        if (Stride < 0) throw new ArgumentException(
            $"Stride must be 0 (spread) or a frame step of 1 or more (got {Stride}).");
        if (StartFrame < 0) throw new ArgumentException($"StartFrame must be 0 or more (got {StartFrame}).");
        if (ResizeShorterSide > 0 && CropSize > ResizeShorterSide)
            throw new ArgumentException(
                $"CropSize {CropSize} is larger than the resized shorter side {ResizeShorterSide}.");
    }
}
