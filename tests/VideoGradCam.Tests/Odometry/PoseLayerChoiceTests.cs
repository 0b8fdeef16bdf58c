using VideoGradCam.Cam;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

public class PoseLayerChoiceTests
{
    [Theory]
    [InlineData(128, 40, "pose.conv3", 5, 16)]   // quick: conv4 would be 8x3, fewer than 4 rows
    [InlineData(208, 64, "pose.conv4", 4, 13)]   // full
    [InlineData(64, 24, "pose.conv2", 6, 16)]    // the tests' tiny frames: conv3 is 8x3
    public void TheDeepestLayerWithAtLeastFourByFourCellsIsChosen(int width, int height, string layer, int rows,
        int columns)
    {
        using var model = new SfmLearner(new SfmSettings(5, width, height));
        var chosen = PoseLayerChoice.Deepest(model);
        Assert.Equal(layer, chosen.Layer);
        Assert.Equal((rows, columns), (chosen.Height, chosen.Width));
        var sizes = PoseLayerChoice.Sizes(model);
        Assert.Equal(SfmCamModel.PoseEncoderLayers, sizes.Select(s => s.Layer));
        // conv7: one cell up to 128 pixels
        if (width <= 128) Assert.Equal((1, 1), (sizes[^1].Height, sizes[^1].Width));
        // each stride-2 conv halves the map
        for (int i = 1; i < sizes.Count; i++)
            Assert.Equal(((sizes[i - 1].Height + 1) / 2, (sizes[i - 1].Width + 1) / 2),
                (sizes[i].Height, sizes[i].Width));
        var deeper = sizes[SfmCamModel.PoseEncoderLayers.ToList().IndexOf(layer) + 1];
        Assert.True(deeper.Height < PoseLayerChoice.MinSide || deeper.Width < PoseLayerChoice.MinSide);
        Assert.Throws<ArgumentException>(() => PoseLayerChoice.Deepest(model, minSide: 200));
    }

    [Fact]
    public void AnEncoderLayerThePoseNetDoesNotReturnIsCapturedAndGivesTheSameMapAsAPlainGradCam()
    {
        using var scope = NewDisposeScope();
        var dir = OdometryTestKit.TinyDataset(frames: 5, width: 128, height: 40);
        using var frames = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 128, 40);
        using var model = new SfmLearner(new SfmSettings(3, 128, 40));
        var snippet = frames.Snippet([2], 3);
        var cam = SfmCamModel.For(model, snippet.Intrinsics);
        var forward = cam.Forward(snippet.Stacked(), "pose.conv3");
        Assert.Equal(new long[] { 1, 64, 5, 16 }, forward.Activation.shape);
        Assert.True(forward.Activation.requires_grad);
        // the same activation as the PoseNet computes: conv4 is conv3's output convolved, as the PoseNet returns it
        var conv4 = cam.Forward(snippet.Stacked(), SfmCamModel.PoseMidLayer).Activation;
        Assert.Equal(new long[] { 1, 128, 3, 8 }, conv4.shape);
        using var r =
            new CamEngine(cam, CamMethod.GradCam).Explain(snippet.Stacked(), [new NegativeLossTarget()], "pose.conv3");
        var plain = OdometryTestKit.PlainGradCam(cam, snippet.Stacked(), o => -o["loss"].sum(), "pose.conv3");
        Assert.True(r.Maps[.., 0].allclose(plain, atol: 1e-4));
        Assert.Throws<ArgumentException>(() => cam.Forward(snippet.Stacked(), "pose.conv8"));
    }
}
