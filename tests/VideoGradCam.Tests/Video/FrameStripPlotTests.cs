using OpenCvSharp;
using VideoGradCam.Plots;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Video;

public class FrameStripPlotTests(SmallSyntheticSet set) : IClassFixture<SmallSyntheticSet>
{
    [Fact]
    public void StripShowsFramesThenMaskedFramesAndTheFigureCarriesRelevance()
    {
        var video = Path.Combine(set.Folder, "drink", "drink_0001.avi");
        var a = ClipAnnotation.ForVideo(video);
        using var clip =
            FrameSampler.Sample(video, new FrameSamplerOptions { Frames = 4, ResizeShorterSide = 32, CropSize = 32 });
        using var masks = a.MasksFor(clip);
        using var strip = FrameStripPlot.Composite(clip, masks);
        Assert.Equal(2 * 32 + FrameStripPlot.Gap, strip.Height);
        Assert.Equal(4 * 32 + 3 * FrameStripPlot.Gap, strip.Width);
        int k = Array.FindIndex(a.RelevanceAt(clip.FrameIndices), r => r);
        Assert.True(k >= 0);
        var box = a.EvidenceBoxes[clip.FrameIndices[k]][0];
        var px = strip.At<Vec3b>(32 + FrameStripPlot.Gap + box.Y + box.Height / 2, k * (32 + FrameStripPlot.Gap) + box.X
            + box.Width / 2);
        Assert.Equal(255, px.Item2);                                                         // tinted red (BGR)
        Assert.True(px.Item0 < 120 && px.Item1 < 120);

        var chart = FrameStripPlot.Build(clip, masks, a.RelevanceAt(clip.FrameIndices), title: "drink");
        var html = Plotly.NET.GenericChart.toChartHTML(chart);
        Assert.Contains("\"type\":\"image\"", html);
        Assert.Contains("\"type\":\"bar\"", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Throws<ArgumentException>(() => FrameStripPlot.Build(clip, masks, new double[3]));
    }
}
