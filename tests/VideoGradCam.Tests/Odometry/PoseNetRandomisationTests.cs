using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

public class PoseNetRandomisationTests
{
    static Tensor[] Parameters(TorchSharp.torch.nn.Module m) =>
        m.parameters().Select(p => p.detach().clone()).ToArray();

    static bool Same(Tensor[] a, Tensor[] b) => a.Length == b.Length
        && a.Zip(b).All(x => x.First.allclose(x.Second, rtol: 0, atol: 0));

    [Fact]
    public void TheRandomisedCopyChangesThePoseNetOnlyAndLeavesTheModelAndItsMapsAsTheyWere()
    {
        using var scope = NewDisposeScope();
        var dir = OdometryTestKit.TinyDataset(frames: 8);
        using var frames = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        using var model = new SfmLearner(new SfmSettings(3, 64, 24));
        var (poseBefore, depthBefore) = (Parameters(model.PoseNet), Parameters(model.DepthNet));
        var (mapsBefore, _) = SequenceSaliencyExplainer.Maps(model, frames, [1, 3, 5], "pose.conv2");

        using var randomised = PoseNetRandomisation.RandomisedCopy(model, seed: 3);
        Assert.NotSame(model.PoseNet, randomised.PoseNet);
        // the copy's PoseNet is re-initialised
        Assert.False(Same(poseBefore, Parameters(randomised.PoseNet)));
        Assert.True(Same(depthBefore, Parameters(randomised.DepthNet)));                // its DepthNet is the model's
        Assert.All(randomised.PoseNet.named_parameters().Where(p => p.name.EndsWith("bias")),
            p => Assert.Equal(0, p.parameter.abs().max().item<float>()));
        var (randomMaps, size) = SequenceSaliencyExplainer.Maps(randomised, frames, [1, 3, 5], "pose.conv2");
        Assert.Equal((6, 16), size);

        // the model given is untouched: same weights, same maps
        Assert.True(Same(poseBefore, Parameters(model.PoseNet)));
        Assert.True(Same(depthBefore, Parameters(model.DepthNet)));
        var (mapsAfter, _) = SequenceSaliencyExplainer.Maps(model, frames, [1, 3, 5], "pose.conv2");
        Assert.True(mapsBefore.allclose(mapsAfter, rtol: 0, atol: 1e-6));

        // the same seed gives the same PoseNet; another seed another
        using (var again = PoseNetRandomisation.RandomisedCopy(model, seed: 3)) Assert.True(
            Same(Parameters(randomised.PoseNet), Parameters(again.PoseNet)));
        using (var other = PoseNetRandomisation.RandomisedCopy(model, seed: 4)) Assert.False(
            Same(Parameters(randomised.PoseNet), Parameters(other.PoseNet)));

        var rho = PoseNetRandomisation.RankCorrelations(mapsBefore, randomMaps);
        Assert.Equal(3, rho.Length);
        Assert.All(rho, r => Assert.InRange(r, -1, 1));
        // 0: a flat map
        Assert.All(PoseNetRandomisation.RankCorrelations(mapsBefore, mapsAfter),
            r => Assert.True(r == 0 || r > 0.999, $"rho {r}"));
    }

    [Fact]
    public void RankCorrelationIsOneForTheSameRankingMinusOneForTheReverseAndZeroForAFlatMap()
    {
        using var scope = NewDisposeScope();
        var maps = rand([2, 4, 6], generator: new Generator(9));
        var rho = PoseNetRandomisation.RankCorrelations(maps, maps * 3 + 1);
        Assert.All(rho, r => Assert.Equal(1, r, 9));
        Assert.All(PoseNetRandomisation.RankCorrelations(maps, -maps), r => Assert.Equal(-1, r, 9));
        Assert.All(PoseNetRandomisation.RankCorrelations(maps, zeros_like(maps)), r => Assert.Equal(0, r));
        Assert.Throws<ArgumentException>(() => PoseNetRandomisation.RankCorrelations(maps, maps[.., ..3]));
    }
}
