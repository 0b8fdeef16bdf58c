namespace VideoGradCam.Training;

/// <summary>What the model expects as input: clip frames and size, and the per-channel normalisation
/// <c>(x - mean) / std</c> applied to RGB values in [0,1]. Stored in checkpoints so evaluation feeds the same input.</summary>
public sealed record DataSpec(int Frames, int Height, int Width, double[] Mean, double[] Std)
{
    /// <summary>torchvision's Kinetics-400 video models: 16x112x112, mean (0.43216, 0.394666, 0.37645), std (0.22803, 0.22145, 0.216989).</summary>
    public static DataSpec Kinetics400 { get; } = new(16, 112, 112, [0.43216, 0.394666, 0.37645], [0.22803, 0.22145, 0.216989]);

    /// <summary>ImageNet's normalisation (torchvision's 2D models), at the given clip size.</summary>
    public static DataSpec ImageNet(int frames, int height, int width) => new(frames, height, width, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
}
