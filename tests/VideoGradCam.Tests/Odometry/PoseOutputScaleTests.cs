using VideoGradCam.Odometry.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

/// <summary>The PoseNet's output scales: the translation scale (the pose ceiling's 0.1) and the forward translation's
/// own scale (the study's 0.1) multiply only their outputs, and travel with the checkpoint.</summary>
public class PoseOutputScaleTests
{
    /// <summary>The poses [1,2,6] of the port's PoseNet and of the same weights with <paramref name="scaled"/>'s
    /// output scales, on one random snippet.</summary>
    static (Tensor Port, Tensor Scaled) Poses(PoseExpNet scaled)
    {
        manual_seed(4);
        using var port = new PoseExpNet(2);
        scaled.load_state_dict(port.state_dict());
        var target = rand(1, 3, 24, 64);
        Tensor[] refs = [rand(1, 3, 24, 64), rand(1, 3, 24, 64)];
        return (port.call(target, refs).Pose, scaled.call(target, refs).Pose);
    }

    [Fact]
    public void TranslationScaleMultipliesTranslationsOnly()
    {
        using var scaled = new PoseExpNet(2) { TranslationScale = 0.1 };
        using var scope = NewDisposeScope();
        var (a, b) = Poses(scaled);
        Assert.True((a[.., .., ..3] * 10).allclose(b[.., .., ..3], rtol: 1e-4, atol: 1e-7));
        Assert.True(a[.., .., 3..].allclose(b[.., .., 3..]));
    }

    [Fact]
    public void ForwardTranslationScaleMultipliesTheForwardTranslationOnlyAndTravelsWithTheCheckpoint()
    {
        using var forward = new PoseExpNet(2) { ForwardTranslationScale = 0.1 };
        using (var scope = NewDisposeScope())
        {
            var (a, b) = Poses(forward);
            Assert.True((a[.., .., 2] * 10).allclose(b[.., .., 2], rtol: 1e-4, atol: 1e-7));
            Assert.True(a[.., .., ..2].allclose(b[.., .., ..2]));
            Assert.True(a[.., .., 3..].allclose(b[.., .., 3..]));
        }
        var file = Path.Combine(OdometryTestKit.TempDir(), "m.sfm");
        using (var m = new SfmLearner(new SfmSettings(3, 64, 24, ForwardTranslationScale: 0.1))) m.Save(file);
        using var loaded = SfmLearner.Load(file);
        Assert.Equal(0.1, loaded.PoseNet.ForwardTranslationScale);
        Assert.Equal(0.01, loaded.PoseNet.TranslationScale);
    }
}
