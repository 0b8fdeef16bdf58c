using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

/// <summary>Every test here builds its model after <c>manual_seed(5)</c>: with other tests drawing from the global
/// generator in between, the model differs from run to run, and a model whose map is nearly flat turns float noise into
/// map differences.</summary>
[Collection(SeededCollection.Name)]
public class OdometrySaliencyTests
{
    static (SfmLearner Model, Snippet Snippet, SequenceFrames Frames) Setup()
    {
        manual_seed(5);
        var dir = OdometryTestKit.TinyDataset(frames: 5);
        var frames = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        var model = new SfmLearner(new SfmSettings(3, 64, 24));
        return (model, frames.Snippet([2], 3), frames);
    }

    [Fact]
    public void CamModelExposesPerSampleLossPoseAndTheStudyLayers()
    {
        var (model, snip, frames) = Setup();
        using var _ = model; using var __ = frames;
        var cam = SfmCamModel.For(model, snip.Intrinsics);
        var input = cat([snip.Stacked(), snip.Stacked().flip(3)], 0);   // B = 2
        var pose = cam.Forward(input, SfmCamModel.PoseLayer);
        Assert.Equal(new long[] { 2 }, pose.Outputs["loss"].shape);
        Assert.Equal(new long[] { 2, 12 }, pose.Outputs["pose"].shape);
        Assert.Equal(256, pose.Activation.shape[1]);
        var depth = cam.Forward(input, SfmCamModel.DepthLayer);
        Assert.Equal(new long[] { 2, 16, 24, 64 }, depth.Activation.shape);
        Assert.Throws<ArgumentException>(() => cam.Forward(input, "pose.conv99"));
        Assert.Equal(6 + 2, SfmCamModel.PoseComponent(1, "tz"));
    }

    [Fact]
    public void CamLossUsesTheWeightsTheCheckpointWasTrainedWith()
    {
        var (model, snip, frames) = Setup();
        using var _ = model; using var __ = frames;
        using var scope = NewDisposeScope();
        var input = snip.Stacked();
        IReadOnlyDictionary<string, Tensor> Outputs(LossWeights? given = null) =>
            SfmCamModel.For(model, snip.Intrinsics, given).Forward(input, SfmCamModel.PoseLayer).Outputs;
        // a checkpoint trained on the photometric term alone: the loss is that term (the defaults would add 0.1 x
        // smoothness)
        model.WithSettings(model.Settings with { Loss = new LossWeights(Photometric: 1, Smoothness: 0) });
        var photoOnly = Outputs();
        float photometric = photoOnly["photometric"][0].item<float>();
        Assert.Equal(photometric, photoOnly["loss"][0].item<float>(), 5);
        // one trained on smoothness alone: another loss
        model.WithSettings(model.Settings with { Loss = new LossWeights(Photometric: 0, Smoothness: 1) });
        float smoothOnly = Outputs()["loss"][0].item<float>();
        Assert.True(Math.Abs(smoothOnly - photometric) > 1e-4, $"smoothness {smoothOnly}, photometric {photometric}");
        // weights given explicitly win over the checkpoint's
        Assert.Equal(photometric, Outputs(new LossWeights(Photometric: 1, Smoothness: 0))["loss"][0].item<float>(), 5);
        // a checkpoint from before the loss was recorded was trained with the port's loss
        model.WithSettings(model.Settings with { Loss = null });
        Assert.Equal(Outputs(LossWeights.Port)["loss"][0].item<float>(), Outputs()["loss"][0].item<float>(), 6);
        Assert.True(Math.Abs(
            Outputs(SfmTrainingOptions.StudyLoss)["loss"][0].item<float>() - Outputs()["loss"][0].item<float>()) > 1e-5,
            "the port's smoothness weight (0.1), not the workspace's (0.004)");
    }

    [Fact]
    public void NegativeLossMapsEqualPlainGradCamOfTheNegatedLoss()
    {
        var (model, snip, frames) = Setup();
        using var _ = model; using var __ = frames;
        var e = OdometrySaliency.Explain(model, snip, dofLayer: SfmCamModel.PoseMidLayer);
        var cam = SfmCamModel.For(model, snip.Intrinsics);
        // and the deepest with 4x4 cells at 64x24 (16x6)
        Assert.Equal([.. SfmCamModel.Layers, "pose.conv2"], e.NegativeLossMaps.Keys);
        Assert.Equal((6, 16), e.LayerSizes!["pose.conv2"]);
        foreach (var layer in e.NegativeLossMaps.Keys)
        {
            var expected = OdometryTestKit.PlainGradCam(cam, snip.Stacked(), o => -o["loss"].sum(), layer)[0];
            var got = tensor(e.NegativeLossMaps[layer].Cast<float>().ToArray(), expected.shape);
            var activation = cam.Forward(snip.Stacked(), layer).Activation;
            // a 1x1 activation (pose.conv7 at 64x24) gives a constant map: all zeros, not stretched rounding noise
            bool singleCell = activation.shape[2] * activation.shape[3] == 1;
            Assert.True(singleCell ? got.abs().max().item<float>() == 0 : got.allclose(expected, atol: 1e-4), layer);
        }
        var tz = OdometryTestKit.PlainGradCam(cam, snip.Stacked(),
            o => o["pose"][.., SfmCamModel.PoseComponent(1, "tz")].sum(), SfmCamModel.PoseMidLayer)[0];
        Assert.True(tensor(e.PerDof.Maps["tz (t+1)"].Cast<float>().ToArray(), tz.shape).allclose(tz, atol: 1e-4));
        Assert.Equal(6, e.PerDof.Maps.Count);
        Assert.Equal(24, e.ErrorMap.GetLength(0));
        Assert.True(e.ErrorMap.Cast<float>().All(v => v >= 0 && float.IsFinite(v)));
    }

    /// <summary>A whole sequence explained in batches gives each snippet's own map; <c>explain --sequence</c> writes
    /// its page (frame labels as text, a colour bar) and the numbers.</summary>
    [Fact]
    public void SequenceSaliencyMatchesEachSnippetsMapAndTheCommandWritesItsPage()
    {
        manual_seed(5);
        var dir = OdometryTestKit.TinyDataset(frames: 12);
        using var frames = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        using var model = new SfmLearner(new SfmSettings(3, 64, 24));
        using var s = SequenceSaliencyExplainer.Explain(model, frames, SfmCamModel.PoseMidLayer, every: 1);
        // every target with a neighbour on both sides, in two batches
        Assert.Equal(Enumerable.Range(1, 10), s.Frames);
        Assert.Equal(new long[] { 10, 24, 64, 3 }, s.Images.shape);
        foreach (int i in new[] { 0, 9 })
        {
            var single = OdometrySaliency.Explain(model, frames.Snippet([s.Frames[i]], 3))
                .NegativeLossMaps[SfmCamModel.PoseMidLayer];
            Assert.True(tensor(single.Cast<float>().ToArray(), [24, 64]).allclose(s.Maps[i], atol: 1e-4),
                $"snippet {s.Frames[i]}");
        }
        using (var every3 = SequenceSaliencyExplainer.Explain(model, frames, SfmCamModel.PoseMidLayer, every: 3))
            Assert.Equal(new[] { 1, 4, 7, 10 }, every3.Frames);

        var ckpt = Path.Combine(dir, "sfm.sfm");
        model.Save(ckpt);
        var output = Path.Combine(dir, "explained");
        Assert.Equal(0, VideoGradCam.Commands.Cli.Run(["explain", "--checkpoint", ckpt, "--data", dir, "--sequence",
            frames.Name, "--every", "2", "--out", output]));
        var html = File.ReadAllText(Path.Combine(output, "sequence.html"));
        Assert.Contains("<b>frame 9</b>", html);
        Assert.Contains("Grad-CAM<br>(0 low, 1 high", html);
        Assert.Contains("\"frames\": [", File.ReadAllText(Path.Combine(output, "sequence.json")));
        Assert.Equal(2, VideoGradCam.Commands.Cli.Run(["explain", "--checkpoint", ckpt, "--data", dir, "--sequence",
            frames.Name, "--layer", "pose.conv9", "--out", output]));
    }

    [Fact]
    public void FaithfulnessComparesSalientWithRandomMasksOfEqualSize()
    {
        var (model, snip, frames) = Setup();
        using var _ = model; using var __ = frames;
        var map = new float[24, 64];
        for (int c = 0; c < 8; c++) for (int r = 0; r < 24; r++) map[r, c] = 1;   // left eighth
        var f = RegressionFaithfulness.Check(model, snip, map, fraction: 0.125, randomTrials: 2);
        Assert.Equal(24 * 8, f.MaskedPixels);
        Assert.NotEqual(f.BaseLoss, f.SalientLoss);
        Assert.Equal((f.SalientLoss - f.BaseLoss) / (f.RandomLoss - f.BaseLoss), f.Ratio, 9);
        Assert.Equal((f.SalientLoss - f.BaseLoss) / (f.ShiftedLoss - f.BaseLoss), f.RatioShifted, 9);
        // no layer size given: no random-map control
        Assert.Null(f.RatioRandomMap);

        // the reversed control masks the map's k lowest pixels: those the negated map puts on top
        var ranked = new float[24, 64];
        var negated = new float[24, 64];
        for (int r = 0; r < 24; r++) for (int c = 0; c < 64; c++) negated[r, c] =
            -(ranked[r, c] = (r * 64 + c) * 7 % 1536);
        var g = RegressionFaithfulness.Check(model, snip, ranked, fraction: 0.125, randomTrials: 2);
        Assert.Equal(RegressionFaithfulness.Check(model, snip, negated, fraction: 0.125, randomTrials: 2).SalientLoss,
            g.Losses.Least, tolerance: 1e-6);
        Assert.NotEqual(g.SalientLoss, g.Losses.Least);
        Assert.Equal((f.Losses.Least - f.BaseLoss) / (f.RandomLoss - f.BaseLoss), f.RatioLeast, 9);
        Assert.Equal((g.SalientLoss - g.BaseLoss) / (g.Losses.Least - g.BaseLoss), g.RatioTopBottom, 9);

        var withMap =
            RegressionFaithfulness.Check(model, snip, map, fraction: 0.125, randomTrials: 2, layerSize: (3, 8));
        // the same masks, the same losses
        Assert.Equal(f.BaseLoss, withMap.BaseLoss, tolerance: 1e-6);
        Assert.Equal(f.RandomLoss, withMap.RandomLoss, tolerance: 1e-6);
        Assert.Equal((withMap.SalientLoss - withMap.BaseLoss) / (withMap.Losses.RandomMap!.Value - withMap.BaseLoss),
            withMap.RatioRandomMap!.Value, 9);
        // seeded
        Assert.Equal(withMap.Losses.RandomMap!.Value, RegressionFaithfulness.Check(model, snip, map, fraction: 0.125,
            randomTrials: 2, layerSize: (3, 8)).Losses.RandomMap!.Value, tolerance: 1e-9);
        Assert.NotEqual(withMap.Losses.RandomMap, RegressionFaithfulness.Check(model, snip, map, fraction: 0.125,
            randomTrials: 2, seed: 8, layerSize: (3, 8)).Losses.RandomMap);
    }

    [Fact]
    public void TheRandomMapIsDrawnAtTheLayersResolutionAndUpsampledAsGradCamMaps()
    {
        using var scope = NewDisposeScope();
        var (cells, map) = RegressionFaithfulness.RandomLayerMap((5, 16), (40, 128), new Generator(1));
        Assert.Equal(new long[] { 5, 16 }, cells.shape);
        Assert.Equal(new long[] { 40, 128 }, map.shape);
        // exactly the engine's upsampling of those cells (bilinear, align_corners = false)
        var expected = nn.functional.interpolate(cells.view(1, 1, 5, 16), [40, 128], mode: InterpolationMode.Bilinear,
            align_corners: false)[0, 0];
        Assert.True(map.allclose(expected, rtol: 0, atol: 1e-6));
        // blobs of a cell's size, not scattered pixels: at most one local maximum per cell, where a pixel-resolution
        // map has hundreds
        Assert.InRange(LocalMaxima(OdometrySaliency.ToArray(map)), 1, 5 * 16);
        Assert.True(LocalMaxima(OdometrySaliency.ToArray(
            RegressionFaithfulness.RandomLayerMap((40, 128), (40, 128), new Generator(1)).Map)) > 200);
        // seeded: the same generator state gives the same map
        Assert.True(RegressionFaithfulness.RandomLayerMap((5, 16), (40, 128), new Generator(1))
            .Map.allclose(map, rtol: 0, atol: 0));
        Assert.Throws<ArgumentException>(
            () => RegressionFaithfulness.RandomLayerMap((0, 16), (40, 128), new Generator(1)));
    }

    /// <summary>Pixels strictly above their 4 neighbours (inside the frame).</summary>
    static int LocalMaxima(float[,] m)
    {
        int h = m.GetLength(0), w = m.GetLength(1), count = 0;
        for (int y = 1; y < h - 1; y++)
            for (int x = 1; x < w - 1; x++)
                if (m[y, x] > m[y - 1, x] && m[y, x] > m[y + 1, x] && m[y, x] > m[y, x - 1]
                    && m[y, x] > m[y, x + 1]) count++;
        return count;
    }
}
