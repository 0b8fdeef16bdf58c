using VideoGradCam.Odometry;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

/// <summary>The PoseNet's output scales: the translation scale (the pose ceiling's 0.1) and the forward translation's
/// own scale (the study's 0.1) multiply only their outputs, and travel with the checkpoint.</summary>
public class PoseOutputScaleTests
{
    [Fact]
    public void TranslationScaleMultipliesTranslationsOnly()
    {
        manual_seed(4);
        using var port = new PoseExpNet(2);
        using var scaled = new PoseExpNet(2) { TranslationScale = 0.1 };
        scaled.load_state_dict(port.state_dict());
        using var scope = NewDisposeScope();
        var target = rand(1, 3, 24, 64); Tensor[] refs = [rand(1, 3, 24, 64), rand(1, 3, 24, 64)];
        var a = port.call(target, refs).Pose; var b = scaled.call(target, refs).Pose;
        Assert.True((a[.., .., ..3] * 10).allclose(b[.., .., ..3], rtol: 1e-4, atol: 1e-7));
        Assert.True(a[.., .., 3..].allclose(b[.., .., 3..]));
    }

    [Fact]
    public void ForwardTranslationScaleMultipliesTheForwardTranslationOnlyAndTravelsWithTheCheckpoint()
    {
        manual_seed(4);
        using var port = new PoseExpNet(2);
        using var forward = new PoseExpNet(2) { ForwardTranslationScale = 0.1 };
        forward.load_state_dict(port.state_dict());
        using (var scope = NewDisposeScope())
        {
            var target = rand(1, 3, 24, 64); Tensor[] refs = [rand(1, 3, 24, 64), rand(1, 3, 24, 64)];
            var a = port.call(target, refs).Pose; var b = forward.call(target, refs).Pose;
            Assert.True((a[.., .., 2] * 10).allclose(b[.., .., 2], rtol: 1e-4, atol: 1e-7));
            Assert.True(a[.., .., ..2].allclose(b[.., .., ..2]));
            Assert.True(a[.., .., 3..].allclose(b[.., .., 3..]));
        }
        var dir = Directory.CreateTempSubdirectory("fwd-scale").FullName;
        try
        {
            var file = Path.Combine(dir, "m.sfm");
            using (var m = new SfmLearner(new SfmSettings(3, 64, 24, ForwardTranslationScale: 0.1))) m.Save(file);
            using var loaded = SfmLearner.Load(file);
            Assert.Equal(0.1, loaded.PoseNet.ForwardTranslationScale);
            Assert.Equal(0.01, loaded.PoseNet.TranslationScale);
        }
        finally { Directory.Delete(dir, true); }
    }
}
