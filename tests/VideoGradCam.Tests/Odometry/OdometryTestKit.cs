using VideoGradCam.Cam;
using VideoGradCam.Odometry.Data;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

/// <summary>Small helpers shared by the odometry tests.</summary>
static class OdometryTestKit
{
    public static string TempDir() => TestTemp.Dir("odometry");

    public static string TinyDataset(int sequences = 1, int frames = 6, int seed = 3, int width = 64, int height = 24)
    {
        var dir = TempDir();
        SyntheticOdometry.Write(dir,
            new SyntheticOdometry.Options(sequences, frames, Width: width, Height: height, Seed: seed));
        return dir;
    }

    public static Tensor Intrinsics(double f, double cx, double cy) =>
        tensor(new float[] { (float)f, 0, (float)cx, 0, (float)f, (float)cy, 0, 0, 1 }, [1, 3, 3]);

    /// <summary>A deliberately minimal Grad-CAM (pytorch-grad-cam convention), kept in the tests only: weights = mean
    /// gradient over h,w; map = ReLU(Σ w·A), bilinearly upsampled and min-max normalised. [B,H,W].</summary>
    public static Tensor PlainGradCam(ICamModel model, Tensor input,
        Func<IReadOnlyDictionary<string, Tensor>, Tensor> score, string layer)
    {
        var f = model.Forward(input, layer);
        var g = autograd.grad([score(f.Outputs)], [f.Activation])[0];
        var w = g.mean([2, 3], keepdim: true);
        var cam = nn.functional.relu((w * f.Activation).sum(1, keepdim: true));
        var up = nn.functional.interpolate(cam, size: [f.InputSize.H, f.InputSize.W], mode: InterpolationMode.Bilinear,
            align_corners: false);
        var lo = up.amin([1, 2, 3], keepdim: true); var hi = up.amax([1, 2, 3], keepdim: true);
        return ((up - lo) / (hi - lo).clamp(min: 1e-12))[.., 0].detach();
    }
}
