using VideoGradCam.Cam;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Study;

/// <summary>
/// <c>explain --data</c>: every video of class folders explained into one output folder, as shard k of n (videos i
/// with i mod n = k-1, in the data set's order), resumable: a video whose chosen outputs are all written is read back,
/// not explained again; temp files an interrupted run left for the others, and its scratch folder
/// <c>.explain-k-of-n.tmp</c>, are deleted first. The videos go through
/// <see cref="ExplainPipeline"/>; the shard's index is written at the end (<see cref="ExplanationIndex"/>).
/// </summary>
public static class DataSetExplainer
{
    /// <summary>The plotly.js every page of the folder loads (written once, beside the class folders).</summary>
    public const string PlotlyFile = "plotly.min.js";

    public static IReadOnlyList<ExplainedVideo> ExplainFolder(LoadedCheckpoint checkpoint, string data, string? target,
        CamSettings settings, string output, int k = 1, int n = 1, ExplainPipelineOptions? options = null)
    {
        if (n < 1 || k < 1 || k > n) throw new ArgumentException($"Shard {k}/{n}: expected 1 <= k <= n.");
        var scratch = Path.Combine(output, $".explain-{k}-of-{n}.tmp");
        var o = (options ?? new ExplainPipelineOptions()).Validated() with
        {
            PlotlyScript = "../" + PlotlyFile, Scratch = scratch,
        };
        var dataset = VideoDataset.FromFolders(data);
        var items = dataset.Items.Where((_, i) => i % n == k - 1).ToList();
        Directory.CreateDirectory(output);
        // What a killed run of this shard left (other shards write beside it).
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        var plotly = Path.Combine(output, PlotlyFile);
        if (o.Outputs.HasFlag(ExplanationOutputs.Html) && !File.Exists(plotly))
            AtomicFile.WriteAllText(plotly, FigurePage.PlotlyJavaScript);
        var videos = new ExplainedVideo?[items.Count];
        var jobs = new List<(int Index, ExplainJob Job)>();
        using var progress = new Progress($"explain shard {k}/{n}", items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var cls = dataset.ClassNames[items[i].Label];
            var job = new ExplainJob(items[i].Path, cls, Path.Combine(output, cls),
                Path.GetFileNameWithoutExtension(items[i].Path));
            if (ExplanationIndex.IsDone(job.Folder, job.Name, o.Outputs))
            {
                videos[i] = ExplanationIndex.FromJson(job.Video, cls, job.Stem, checkpoint.Info.ClassNames);
                progress.Advance($"{job.Name}: already explained");
                continue;
            }
            ExplanationIndex.RemoveTemporaries(job.Folder, job.Name);
            jobs.Add((i, job));
        }
        var explained = ExplainPipeline.Run(checkpoint, jobs.Select(j => j.Job).ToList(), target, settings, o,
            v => progress.Advance($"{Path.GetFileNameWithoutExtension(v.Video)}: '{v.Target}'"));
        for (int j = 0; j < jobs.Count; j++) videos[jobs[j].Index] = explained[j];
        var index = videos.Select(v => v!).ToList();
        ExplanationIndex.WriteShard(output, data, k, n, o.Outputs, index);
        return index;
    }
}
