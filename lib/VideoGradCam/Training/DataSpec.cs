namespace VideoGradCam.Training;

/// <summary>What the model expects as input: clip frames and size, and the per-channel normalisation
/// <c>(x - mean) / std</c> applied to RGB values in [0,1]. Stored in checkpoints so evaluation feeds the same
/// input.</summary>
/// <param name="ResizeWidth">with <paramref name="ResizeHeight"/>: resize every frame to exactly this size before the
/// centre crop (torchvision's Kinetics recipe, 171x128); 0 = resize the shorter side to <paramref name="Height"/>
/// (aspect kept).</param>
/// <param name="Stride">frame step of a clip of consecutive frames (Kinetics models: 1); 0 = the clip's frames spread
/// evenly over the whole video (the study's models).</param>
public sealed record DataSpec(int Frames, int Height, int Width, double[] Mean, double[] Std, int ResizeWidth = 0,
    int ResizeHeight = 0, int Stride = 0)
{
    /// <summary>torchvision's Kinetics-400 video models' statistics: 16x112x112, mean (0.43216, 0.394666, 0.37645), std
    /// (0.22803, 0.22145, 0.216989).</summary>
    public static DataSpec Kinetics400 { get; } =
        new(16, 112, 112, [0.43216, 0.394666, 0.37645], [0.22803, 0.22145, 0.216989]);

    /// <summary>What torchvision's Kinetics-400 video models were trained on: 16 consecutive frames, each resized to
    /// 128x171 then centre-cropped to 112, Kinetics normalisation (torchvision's <c>VideoClassification</c>
    /// transform).</summary>
    public static DataSpec Kinetics400Recipe { get; } =
        Kinetics400 with { ResizeWidth = 171, ResizeHeight = 128, Stride = 1 };

    /// <summary>How the clip is cut, in words (shown on explanation pages).</summary>
    public string Recipe() =>
        (ResizeWidth > 0 ? $"frames resized to {ResizeWidth}x{ResizeHeight}, "
            : $"shorter side resized to {Height}, ") +
            $"centre crop {Width}x{Height}, " + (Stride > 0 ? $"{Frames} consecutive frames (stride {Stride})"
            : $"{Frames} frames spread over the video");

    /// <summary>ImageNet's normalisation (torchvision's 2D models), at the given clip size.</summary>
    public static DataSpec ImageNet(int frames, int height, int width) =>
        new(frames, height, width, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
}
