using VideoGradCam.Cam;
using VideoGradCam.Commands;
using VideoGradCam.Models;
using VideoGradCam.Study;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Study;

/// <summary>Explanations at dataset scale: shards split the videos without overlap, and a second run skips finished
/// ones.</summary>
public class ExplainFolderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("explainfolder").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Bad input still gives a readable page: a 97×61 video of 5 frames for an 8-frame model shows every frame
    /// at reading size, each with its source frame index, the repeated ones said so.</summary>
    [Fact]
    public async Task AShortOddSizedVideoGivesAReadablePageWithItsSourceFrames()
    {
        var video = VideoGradCam.Tests.Video.TestVideos.Numbered(Directory.CreateDirectory(Path.Combine(_dir, "clap"))
            .FullName, frames: 5, width: 97, height: 61, name: "odd.avi");
        using var model = VideoModels.Create(new VideoModelConfig(ModelRegistry.CnnLstm.Name, 2, 8));
        var weights = Path.Combine(_dir, "m.pth");
        StateDictLoader.Save(model, weights);
        var ckpt = PretrainedWeights.Import(ModelRegistry.CnnLstm.Name, weights, Path.Combine(_dir, "ckpt"),
            ["clap", "wave"], DataSpec.ImageNet(8, 32, 32), width: 8);
        var s =
            CamStudy.ExplainVideo(Checkpoint.Load(ckpt), video, "true", new CamSettings(), Path.Combine(_dir, "out"));
        // every frame of the video, some of them twice
        Assert.Equal(5, s.SourceFrames.Distinct().Count());
        await using var browser = await VideoGradCam.Plots.HeadlessBrowser.LaunchAsync();
        var (captions, narrowest) = await browser.CheckFrameTilesAsync(s.OutputStem + ".html");
        Assert.Equal(8, captions.Count);
        Assert.True(narrowest >= 150, $"tiles {narrowest:0} px wide");
        Assert.Equal(3, captions.Count(c => c.Contains("repeated: the video is shorter than the clip")));
        Assert.All(captions, (c, t) => Assert.StartsWith($"frame {t} (source {s.SourceFrames[t]}", c));
    }

    /// <summary>A data set's pages, whose MP4s were cut from one ffmpeg stream: each page draws its figure and plays
    /// its own video (twice the clip's size, every frame of the clip) in a browser.</summary>
    [Fact]
    public async Task EveryPageOfADataSetDrawsItsFigureAndPlaysItsOwnVideo()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir, clipsPerClass: 2);
        var loaded = Checkpoint.Load(ckpt);
        var videos = DataSetExplainer.ExplainFolder(loaded, data, "true", new CamSettings(), Path.Combine(_dir, "out"),
            options: new ExplainPipelineOptions(Batch: 3));
        Assert.Equal(4, videos.Count);
        var spec = loaded.Info.Data;
        await using var browser = await VideoGradCam.Plots.HeadlessBrowser.LaunchAsync();
        foreach (var v in videos)
        {
            var page = await browser.CheckAsync(v.Output + ".html");
            Assert.Empty(page.Errors);
            Assert.Equal(1, page.PlotsWithSvg);
            var video = Assert.Single(await browser.CheckVideosAsync(v.Output + ".html"));
            Assert.EndsWith(Path.GetFileName(v.Output) + ".mp4", video.Source);
            Assert.True(video.ReadyState >= 2 && video.Duration > 0, $"{v.Output}: readyState {video.ReadyState}");
            using var capture = new OpenCvSharp.VideoCapture(v.Output + ".mp4");
            Assert.Equal(spec.Frames, capture.FrameCount);
            Assert.Equal(2 * spec.Width, capture.FrameWidth);
        }
    }

    [Fact]
    public void ShardsCoverEveryVideoOnceAndAFinishedVideoIsNotExplainedAgain()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir, clipsPerClass: 2);
        var loaded = Checkpoint.Load(ckpt);
        var output = Path.Combine(_dir, "explained");

        var first = DataSetExplainer.ExplainFolder(loaded, data, "true", new CamSettings(), output, 1, 2);
        var second = DataSetExplainer.ExplainFolder(loaded, data, "true", new CamSettings(), output, 2, 2);
        var all = first.Concat(second).Select(e => e.Video).ToList();
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(first.Concat(second),
            e => Assert.True(File.Exists(e.Output + ".mp4") && File.Exists(e.Output + ".html")));

        var stamp = File.GetLastWriteTimeUtc(first[0].Output + ".json");
        var again = DataSetExplainer.ExplainFolder(loaded, data, "true", new CamSettings(), output, 1, 2);
        Assert.Equal(first.Select(e => e.Video), again.Select(e => e.Video));
        Assert.Equal(first.Select(e => e.TargetProbability), again.Select(e => e.TargetProbability),
            (x, y) => Math.Abs(x - y) < 1e-5);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(first[0].Output + ".json"));
        Assert.True(File.Exists(Path.Combine(output, "index-1-of-2.json")));

        // Dataset scale stays small: one shared plotly.js, pages that load it, and an index page per shard listing each
        // video.
        Assert.Single(Directory.GetFiles(output, "plotly*.js", SearchOption.AllDirectories));
        var page = File.ReadAllText(first[0].Output + ".html");
        Assert.Contains("<script src=\"../plotly.min.js\">", page);
        Assert.Contains("<video src=", page);
        Assert.All(first.Concat(second), e => Assert.True(
            new[] { ".html", ".mp4", ".json", ".png" }.Sum(x => new FileInfo(e.Output + x).Length) < 300_000,
                $"{e.Output}: over 300 KB"));
        var index = File.ReadAllText(Path.Combine(output, "index-1-of-2.html"));
        Assert.All(first, e => Assert.Contains(Path.GetFileName(e.Video), index));
        Assert.Contains(".png\"", index);                                  // thumbnails
        Assert.Contains("rows.sort", index);                              // sortable
    }
}
