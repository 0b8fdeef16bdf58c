using VideoGradCam.Cam;
using VideoGradCam.Plots;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Plots;

public class CamViewTests
{
    [Fact]
    public void OverlayIsShowCamOnImageForAFrameAndForAClip()
    {
        using var frame = full(new long[] { 8, 6, 3 }, 0.5f);
        using var map = zeros(8, 6);
        using var one = CamView.Overlay(frame, map, alpha: 0);
        Assert.Equal(new long[] { 8, 6, 3 }, one.shape);
        Assert.Equal(ScalarType.Byte, one.dtype);
        Assert.Equal(128, one[0, 0, 0].item<byte>());               // alpha 0: the frame itself
        using var clip = CamView.Overlay(full(new long[] { 4, 8, 6, 3 }, 0.5f), ones(4, 8, 6), alpha: 1);
        Assert.Equal(new long[] { 4, 8, 6, 3 }, clip.shape);
        Assert.True(clip[0, 0, 0, 0].item<byte>() > clip[0, 0, 0, 2].item<byte>()); // alpha 1, map 1: jet's red end
    }

    [Fact]
    public void FramesComeFromAnyInputLayoutAndAreShownInZeroToOne()
    {
        using var image = randn(2, 3, 8, 6);
        using var clip = randn(new long[] { 2, 3, 4, 8, 6 });
        using var timeFirst = clip.permute(0, 2, 1, 3, 4);
        using var f1 = CamView.Frames(image, 1);
        using var f2 = CamView.Frames(clip, 1);
        using var f3 = CamView.Frames(timeFirst, 1);
        Assert.Equal(new long[] { 1, 8, 6, 3 }, f1.shape);
        Assert.Equal(new long[] { 4, 8, 6, 3 }, f2.shape);
        Assert.True(allclose(f2, f3));
        Assert.True(f2.min().item<float>() >= 0 && f2.max().item<float>() <= 1);
        using var d = CamView.Frames(zeros(1, 3, 2, 2), 0,
            new VideoGradCam.Video.Normalization("test", [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]));
        Assert.Equal(0.5f, d[0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void OneCallShowsAUsersModelsMapAndWritesItsExplainPage()
    {
        manual_seed(1);
        var net = nn.Sequential(("conv", nn.Conv2d(3, 4, 3, padding: 1)), ("relu", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flat", nn.Flatten()), ("fc", nn.Linear(4, 2)));
        using var images = rand(1, 3, 16, 16);
        using var cam = GradCam.For(net, "relu").Explain(images, 1);
        var chart = CamView.Show(images, cam, title: "mine");
        Assert.Contains("data:image/png;base64", Plotly.NET.GenericChart.toChartHTML(chart));
        var dir = TestTemp.Dir("cam-view");
        var page = CamView.WritePage(dir, "mine", images, cam);
        Assert.True(File.Exists(page));
        Assert.True(File.Exists(Path.Combine(dir, "mine.json")));
    }
}
