using System.Diagnostics;
using System.Text.Json;
using VideoGradCam.Cam;
using VideoGradCam.Commands;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Study;

/// <summary>
/// A data set explained across machines, simulated: shards whose k and n come from Slurm's or Kubernetes' variables
/// cover every video exactly once, a killed shard resumes without redoing what it finished, and the merged index lists
/// every video once. Also: batches explain each clip as it is explained alone, and <c>--outputs</c> chooses the files.
/// </summary>
public class ShardedExplainTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("sharded-explain").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly ExplainPipelineOptions JsonOnly = new(Batch: 3, Outputs: ExplanationOutputs.Json);

    static IReadOnlyDictionary<string, string?> Slurm(int id, int min, int count) => new Dictionary<string, string?>
    {
        ["SLURM_ARRAY_TASK_ID"] = $"{id}", ["SLURM_ARRAY_TASK_MIN"] = $"{min}", ["SLURM_ARRAY_TASK_COUNT"] = $"{count}",
    };

    static IReadOnlyDictionary<string, string?> Kubernetes(int index, int completions) =>
        new Dictionary<string, string?>
        {
            ["JOB_COMPLETION_INDEX"] = $"{index}", [ShardChoice.CompletionsVariable] = $"{completions}",
        };

    static List<string> Videos(string data) => VideoDataset.FromFolders(data).Items.Select(i => i.Path).ToList();

    /// <summary>The merged index's videos, and the page's rows (one per video link).</summary>
    static (List<string> Json, string Page) Merged(string output)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "index.json")));
        var videos = doc.RootElement.GetProperty("Videos").EnumerateArray()
            .Select(v => v.GetProperty("Video").GetString()!).ToList();
        return (videos, File.ReadAllText(Path.Combine(output, "index.html")));
    }

    static void AssertEachOnce(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        Assert.Equal(expected.Order(), actual.Order());
        Assert.Equal(actual.Count, actual.Distinct().Count());
    }

    [Fact]
    public void SlurmAndKubernetesShardsCoverEveryVideoOnceAndTheMergedIndexListsEachOnce()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir);
        var loaded = Checkpoint.Load(ckpt);
        var all = Videos(data);
        var schedulers = new Dictionary<string, IReadOnlyDictionary<string, string?>[]>
        {
            ["slurm"] = [Slurm(4, 4, 3), Slurm(5, 4, 3), Slurm(6, 4, 3)],
            ["kubernetes"] = [Kubernetes(0, 4), Kubernetes(1, 4), Kubernetes(2, 4), Kubernetes(3, 4)],
        };
        foreach (var (name, tasks) in schedulers)
        {
            var output = Path.Combine(_dir, name);
            var covered = new List<string>();
            foreach (var environment in tasks)
            {
                var (k, n) = ShardChoice.Parse("auto", environment);
                covered.AddRange(DataSetExplainer.ExplainFolder(loaded, data, "true", new CamSettings(), output, k, n,
                    JsonOnly).Select(v => v.Video));
            }
            AssertEachOnce(all, covered);
            ExplanationIndex.Merge(output);
            var (json, page) = Merged(output);
            AssertEachOnce(all, json);
            foreach (var video in all)
                Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, $">{Path.GetFileName(video)}</a>"));
        }
    }

    [Fact]
    public void AMergeBeforeEveryShardFinishedNamesTheMissingShards()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir, clipsPerClass: 1);
        var output = Path.Combine(_dir, "out");
        DataSetExplainer.ExplainFolder(Checkpoint.Load(ckpt), data, null, new CamSettings(), output, 2, 3, JsonOnly);
        var e = Assert.Throws<InvalidDataException>(() => ExplanationIndex.Merge(output));
        Assert.Contains("shards 1, 3 of 3", e.Message);
        var err = new StringWriter();
        Assert.Equal(1, Cli.Run(["explain", "--merge", "--out", output], new StringWriter(), err));
        Assert.Single(err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void AKilledShardResumesWithoutRedoingItsFinishedVideos()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir);
        var loaded = Checkpoint.Load(ckpt);
        var output = Path.Combine(_dir, "out");
        var options = new ExplainPipelineOptions(Batch: 2);
        var first = DataSetExplainer.ExplainFolder(loaded, data, null, new CamSettings(), output, 1, 2, options);
        Assert.True(first.Count >= 2);

        // Killed while writing the first video: its MP4 and page renamed into place, its JSON not yet; a temp file of
        // another output and the shard's MP4 segments left behind.
        var killed = first[0].Output;
        var folder = Path.GetDirectoryName(killed)!;
        var name = Path.GetFileName(killed);
        File.Delete(killed + ".json");
        File.WriteAllText(Path.Combine(folder, $".{name}.png.999999.tmp.png"), "half");
        var scratch = Path.Combine(output, ".explain-1-of-2.tmp");
        var segments = Directory.CreateDirectory(Path.Combine(scratch, "999999-1")).FullName;
        File.WriteAllText(Path.Combine(segments, "00000000.mp4"), "half");
        var finished = first.Skip(1).ToDictionary(v => v.Output, v => File.GetLastWriteTimeUtc(v.Output + ".mp4"));

        var again = DataSetExplainer.ExplainFolder(loaded, data, null, new CamSettings(), output, 1, 2, options);
        Assert.Equal(first.Select(v => v.Video), again.Select(v => v.Video));
        Assert.True(File.Exists(killed + ".json"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder, $".{name}.*"));
        Assert.False(Directory.Exists(scratch));
        foreach (var (stem, stamp) in finished) Assert.Equal(stamp, File.GetLastWriteTimeUtc(stem + ".mp4"));
        Assert.Equal(first.Select(v => v.TargetProbability), again.Select(v => v.TargetProbability),
            (x, y) => Math.Abs(x - y) < 1e-5);

        DataSetExplainer.ExplainFolder(loaded, data, null, new CamSettings(), output, 2, 2, options);
        AssertEachOnce(Videos(data), ExplanationIndex.Merge(output).Videos.Select(v => v.Video).ToList());
    }

    [Fact]
    public void ABatchOfClipsIsExplainedAsEachClipAlone()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir);
        var loaded = Checkpoint.Load(ckpt);
        var jobs = Videos(data).Select((v, i) => new ExplainJob(v, "", _dir, $"v{i}")).ToList();
        var none = new ExplainPipelineOptions(Outputs: ExplanationOutputs.None);
        var alone = ExplainPipeline.Run(loaded, jobs, "true", new CamSettings(), none with { Batch = 1 });
        var batched = ExplainPipeline.Run(loaded, jobs, "true", new CamSettings(), none with { Batch = 4 });
        Assert.Equal(jobs.Count, batched.Count);
        for (int i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(alone[i].Target, batched[i].Target);
            Assert.Equal(alone[i].TargetProbability, batched[i].TargetProbability, 1e-4);
            Assert.Equal(alone[i].FrameImportance, batched[i].FrameImportance, (x, y) => Math.Abs(x - y) < 1e-4);
        }
        // ... and as a single video's explanation is.
        var single = CamStudy.ExplainVideo(loaded, jobs[1].Video, "true", new CamSettings(), Path.Combine(_dir, "one"));
        Assert.Equal(single.TargetProbability, batched[1].TargetProbability, 1e-4);
    }

    [Fact]
    public void OutputsChooseTheFilesAndTheIndexWorksWithAnySubset()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir, clipsPerClass: 1);
        var loaded = Checkpoint.Load(ckpt);

        var jsonOnly = Path.Combine(_dir, "json");
        var videos = DataSetExplainer.ExplainFolder(loaded, data, null, new CamSettings(), jsonOnly, 1, 1, JsonOnly);
        foreach (var v in videos)
        {
            Assert.True(File.Exists(v.Output + ".json"));
            Assert.All(new[] { ".png", ".mp4", ".html" }, x => Assert.False(File.Exists(v.Output + x)));
        }
        Assert.False(File.Exists(Path.Combine(jsonOnly, DataSetExplainer.PlotlyFile)));
        var index = File.ReadAllText(Path.Combine(jsonOnly, "index.html"));
        Assert.Contains(".json\"", index);
        Assert.Contains("Written per video: json", index);

        var pages = Path.Combine(_dir, "pages");
        videos = DataSetExplainer.ExplainFolder(loaded, data, null, new CamSettings(), pages, 1, 1,
            JsonOnly with { Outputs = ExplanationOutputChoice.Parse("png,html") });
        var page = File.ReadAllText(videos[0].Output + ".html");
        Assert.DoesNotContain("<video", page);
        Assert.Contains("No video was written", page);
        Assert.False(File.Exists(videos[0].Output + ".mp4"));
        Assert.Contains(".png\"", File.ReadAllText(Path.Combine(pages, "index.html")));

        var err = new StringWriter();
        Assert.Equal(2, Cli.Run(["explain", "--checkpoint", ckpt, "--data", data, "--out", pages, "--outputs",
            "json,gif"], new StringWriter(), err));
        Assert.Contains("'gif' is not an output", err.ToString());
    }

    /// <summary>The CLI in real processes, as a scheduler starts it: each with its scheduler's variables, at the same
    /// time, into one folder; then one merge.</summary>
    [Fact]
    public void RealProcessesStartedAsSlurmAndKubernetesTasksCoverEveryVideoOnce()
    {
        var (ckpt, data) = TinyExplainSet.Create(_dir);
        var all = Videos(data);
        foreach (var (name, tasks) in new[]
                 {
                     ("slurm", new[] { Slurm(1, 1, 2), Slurm(2, 1, 2) }),
                     ("kubernetes", new[] { Kubernetes(0, 2), Kubernetes(1, 2) }),
                 })
        {
            var output = Path.Combine(_dir, name);
            var processes = tasks.Select(environment => Start(environment, "explain", "--checkpoint", ckpt, "--data",
                data, "--out", output, "--shard", "auto", "--outputs", "json")).ToList();
            foreach (var p in processes) Finish(p);
            Finish(Start(new Dictionary<string, string?>(), "explain", "--merge", "--out", output));
            var (json, _) = Merged(output);
            AssertEachOnce(all, json);
        }
    }

    static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] argv)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "workspace.dll"));
        foreach (var a in argv) start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SLURM_", StringComparison.Ordinal)
                     || k is "JOB_COMPLETION_INDEX" or ShardChoice.CompletionsVariable).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    static void Finish(Process p)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); throw new TimeoutException("explain"); }
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stderr.Result}\n{stdout.Result}");
        p.Dispose();
    }
}
