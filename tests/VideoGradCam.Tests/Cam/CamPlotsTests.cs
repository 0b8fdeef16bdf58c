using System.Text.Json;
using OpenCvSharp;
using VideoGradCam.Plots;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

public class CamPlotsTests
{
    [Fact]
    public void ColormapIsWarmForHighAndCoolForLow()
    {
        var high = Colormap.Jet(1.0);
        var low = Colormap.Jet(0.0);
        Assert.True(high.R > 100 && high.B == 0 && high.G == 0);
        Assert.True(low.B > 100 && low.R == 0 && low.G == 0);
        Assert.Equal(1f, Colormap.Channel(0.5f, 1));                          // green peaks in the middle
        Assert.Equal(0f, Colormap.Channel(0f, 0));
        Assert.Equal(Colormap.Jet(0.5).G / 255.0, Colormap.Channel(0.5f, 1), 2);
    }

    [Fact]
    public void OverlayBlendsFrameAndHeat()
    {
        using var scope = NewDisposeScope();
        var frames = zeros(2, 4, 5, 3);
        var maps = ones(2, 4, 5);
        var o = CamOverlay.Blend(frames, maps, alpha: 0.5);
        Assert.Equal(ScalarType.Byte, o.dtype);
        Assert.Equal(new long[] { 2, 4, 5, 3 }, o.shape);
        Assert.Equal(Colormap.Jet(1.0).R / 2, o[0, 0, 0, 0].item<byte>(), 1.0);
        Assert.Throws<ArgumentException>(() => CamOverlay.Blend(frames, ones(2, 4, 6)));
    }

    [Fact]
    public void Mp4IsWrittenAtomicallyAndReadsBack()
    {
        using var scope = NewDisposeScope();
        var dir = Directory.CreateTempSubdirectory("cam-mp4-");
        try
        {
            var frames = CamOverlay.Blend(rand(6, 32, 32, 3), rand(6, 32, 32));
            var path = Path.Combine(dir.FullName, "clip.mp4");
            var codec = CamVideoWriter.WriteMp4(path, frames, fps: 6);
            Assert.Equal(["clip.mp4"], dir.GetFiles().Select(f => f.Name));
            using var cap = new VideoCapture(path);
            Assert.True(cap.IsOpened());
            int n = 0;
            using var m = new Mat();
            // 32 px enlarged 10x
            while (cap.Read(m) && !m.Empty()) { Assert.Equal(CamVideoWriter.MinWidth, m.Width); n++; }
            Assert.Equal(6, n);
            // With ffmpeg (setup installs it) the video is H.264, which browsers and VS Code play; ffprobe says so.
            Assert.NotNull(CamVideoWriter.FindFfmpeg());
            Assert.Equal("h264", codec);
            var probe = VideoGradCam.Runtime.ExternalProcess.Run("ffprobe",
                ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of",
                    "default=nw=1:nk=1", path]);
            Assert.Equal("h264", probe.Output.Trim());
        }
        finally { dir.Delete(true); }
    }

    /// <summary>The heatmaps' values, written by hand: each map value rounded to two decimals; a NaN is refused.
    /// </summary>
    [Fact]
    public void FigureHeatmapsHoldTheMapsRoundedAndRefuseANaN()
    {
        var maps = new[] { 0f, 0.004f, 0.005001f, 0.5f, 0.123f, 0.999f, 1f, 0.07f };              // [2,2,2]
        var json = CamPlots.FigureJson(maps, 2, 2, 2, [0.5f, 0.5f], "clip");
        using var doc = JsonDocument.Parse(json);
        var z = doc.RootElement.GetProperty("data").EnumerateArray().Take(2)
            .SelectMany(t => t.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray()))
            .Select(v => v.GetDouble()).ToArray();
        Assert.Equal([0, 0, 0.01, 0.5, 0.12, 1, 1, 0.07], z);
        maps[5] = float.NaN;
        var e = Assert.Throws<InvalidDataException>(() => CamPlots.FigureJson(maps, 2, 2, 2, [0.5f, 0.5f], "clip"));
        Assert.Contains("frame 1", e.Message);
    }

    [Fact]
    public void FigureHasOneHeatmapPerFrameAndASliderStepEach()
    {
        using var scope = NewDisposeScope();
        var json = CamPlots.FigureJson(rand(4, 6, 6), full(4, 0.25f), "clip", gradientImportance: full(4, 0.25f),
            attention: full(4, 0.25f));
        using var doc = JsonDocument.Parse(json);
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal(4 + 3, data.GetArrayLength());
        Assert.Equal(4, data.EnumerateArray().Count(t => t.GetProperty("type").GetString() == "heatmap"));
        var steps = doc.RootElement.GetProperty("layout").GetProperty("sliders")[0].GetProperty("steps");
        Assert.Equal(4, steps.GetArrayLength());
        var visible = steps[2].GetProperty("args")[1].EnumerateArray().Select(v => v.GetBoolean()).ToArray();
        Assert.Equal([false, false, true, false, true, true, true], visible);
    }

    [Fact]
    public void ExplanationWritesPageVideoAndImportanceJson()
    {
        using var scope = NewDisposeScope();
        var dir = Directory.CreateTempSubdirectory("cam-explain-");
        try
        {
            var clips = randn(new long[] { 2, 3, 4, 16, 16 });
            using var r = new VideoGradCam.Cam.CamEngine(new TinyCnnLstm())
                .Explain(clips, [new VideoGradCam.Cam.ClassTarget(0), new VideoGradCam.Cam.ClassTarget(1)], "features");
            var frames = CamOverlay.Denormalise(clips[1], [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);
            CamPlots.WriteExplanation(dir.FullName, "clip1", frames, r, 1, "clip 1, class 1");
            Assert.Equal(["clip1.html", "clip1.json", "clip1.mp4", "clip1.png"],
                dir.GetFiles().Select(f => f.Name).Order());
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "clip1.json")));
            var imp =
                doc.RootElement.GetProperty("frame_importance").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(4, imp.Length);
            Assert.Equal(r.FrameImportance[1, 2].item<float>(), imp[2], 5);
        }
        finally { dir.Delete(true); }
    }

    /// <summary>The explain page plays its video in Chromium (H.264), as VS Code's and browsers' players
    /// would.</summary>
    [Fact]
    public async Task TheExplainPagesVideoPlaysInABrowser()
    {
        var dir = Directory.CreateTempSubdirectory("cam-video-");
        try
        {
            using (var scope = NewDisposeScope())
            {
                var clips = randn(new long[] { 1, 3, 6, 16, 16 });
                using var r = new VideoGradCam.Cam.CamEngine(new TinyCnnLstm())
                    .Explain(clips, [new VideoGradCam.Cam.ClassTarget(0)], "features");
                CamPlots.WriteExplanation(dir.FullName, "clip",
                    CamOverlay.Denormalise(clips[0], [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]), r, 0, "clip");
            }
            await using var browser = await HeadlessBrowser.LaunchAsync();
            var videos = await browser.CheckVideosAsync(Path.Combine(dir.FullName, "clip.html"));
            var video = Assert.Single(videos);
            Assert.EndsWith("clip.mp4", video.Source);
            Assert.True(video.ReadyState >= 2, $"readyState {video.ReadyState}");
            Assert.True(video.Duration > 0, $"duration {video.Duration}");
        }
        finally { dir.Delete(true); }
    }

    /// <summary>A comparison strip read in a browser: every frame label is text in the page, tiles are at least 150 CSS
    /// px wide even for a 16×16 clip, and a clip longer than a line (four 160 px frames in a 960 px column) continues
    /// below.</summary>
    [Fact]
    public async Task StripsShowLabelsAsTextAndFramesAtReadingSize()
    {
        var dir = Directory.CreateTempSubdirectory("cam-strip-");
        try
        {
            var page = Path.Combine(dir.FullName, "strip.html");
            using (var scope = NewDisposeScope())
            {
                var overlays = CamOverlay.Blend(rand(10, 16, 16, 3), rand(10, 16, 16));
                var chart = CamComparisonPlot.Strips([("model a\npred x", overlays), ("model b\npred y", overlays)],
                    [0, 3, 6, 9, 12, 15, 18, 21, 24, 24], "clip.avi · true class 'x' · Grad-CAM for 'x'");
                new FigurePage("strip").Figure(chart).Save(page);
            }
            await using var browser = await HeadlessBrowser.LaunchAsync();
            var strip = Assert.Single(await browser.CheckStripsAsync(page));
            Assert.Equal(10, strip.FrameLabels);
            Assert.True(strip.TileWidth >= 150, $"tiles {strip.TileWidth:0} px");
            var html = File.ReadAllText(page);
            Assert.Contains("frame 24</b> (repeated)", html);                 // a short clip's repeated frame is said
            Assert.Contains("model a<br>pred x", html);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void StripHasOneImagePerFrame()
    {
        using var scope = NewDisposeScope();
        var html = CamPlots.StripHtml(CamOverlay.Blend(rand(3, 8, 8, 3), rand(3, 8, 8)), "strip", full(3, 1f / 3));
        Assert.Equal(3, html.Split("data:image/jpeg;base64,").Length - 1);
        Assert.Contains("importance 0.333", html);
        var page = CamPlots.PageHtml("t", CamPlots.FigureJson(rand(3, 8, 8), full(3, 1f / 3), "t"), html);
        Assert.Contains("Plotly.newPlot", page);
        // A video shorter than the clip repeats its last frame: the strip says so.
        var shortVideo =
            CamPlots.StripHtml(CamOverlay.Blend(rand(3, 8, 8, 3), rand(3, 8, 8)), "strip", sourceFrames: [0, 4, 4]);
        Assert.Contains("frame 2 (source 4, repeated", shortVideo);
        Assert.DoesNotContain("frame 1 (source 4, repeated", shortVideo);
    }
}
