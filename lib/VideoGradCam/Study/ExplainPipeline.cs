using System.Threading.Channels;
using TorchSharp;
using VideoGradCam.Cam;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Study;

/// <summary>
/// Explains many videos as a pipeline rather than a loop: one task decodes ahead (plain arrays, a bounded channel),
/// the calling thread explains batches of clips (one forward and one backward pass per batch, in its own dispose
/// scope) and hands each clip's result on as plain arrays (<see cref="ExplanationData"/>), and a bounded set of writer
/// tasks writes the files while the next batches are explained, every MP4 of the run through one ffmpeg
/// (<see cref="ClipVideos"/>). Only the calling thread touches tensors. The first failure of any stage stops the
/// others and is thrown.
/// </summary>
public static class ExplainPipeline
{
    /// <summary>Many videos' MP4s are encoded at twice the clip's size, with no minimum width: at 2× H.264 keeps the
    /// colour at the clip's full resolution, encoding time grows with the pixels, and each video's page plays its MP4
    /// at 480 px. One video's <c>explain</c> keeps <see cref="CamVideoWriter.MinWidth"/>.</summary>
    public const int VideoMinWidth = 0;

    /// <summary>A decoded clip on its way to the explainer.</summary>
    sealed record Decoded(int Index, ExplainJob Job, SampledClip Clip, ClipAnnotation? Annotation);

    /// <summary>An explained clip on its way to a writer (in its batch).</summary>
    sealed record Explained(int Index, ExplainJob Job, ExplanationData Data, ExplainedVideo Video);

    /// <summary>Explains every job; returns them in the jobs' order. <paramref name="done"/> is called once per video
    /// when its files are written (from a writer task, one call at a time).</summary>
    /// <param name="target">a class name or index, "true", or null / "predicted" (see
    /// <see cref="CamStudy.ResolveTarget"/>).</param>
    public static IReadOnlyList<ExplainedVideo> Run(LoadedCheckpoint checkpoint, IReadOnlyList<ExplainJob> jobs,
        string? target, CamSettings settings, ExplainPipelineOptions? options = null,
        Action<ExplainedVideo>? done = null)
    {
        var o = (options ?? new ExplainPipelineOptions()).Validated();
        if (jobs.Count == 0) return [];
        var decoded = Channel.CreateBounded<Decoded>(
            new BoundedChannelOptions(2 * o.Batch) { SingleWriter = true, SingleReader = true });
        var toWrite =
            Channel.CreateBounded<List<Explained>>(new BoundedChannelOptions(o.Writers) { SingleWriter = true });
        var results = new ExplainedVideo?[jobs.Count];
        using var stop = new CancellationTokenSource();
        var sampler = ClassifierStudy.Sampler(checkpoint.Info.Data);
        var decoder = Task.Run(() => Decode(jobs, sampler, decoded.Writer, stop));
        using var videos = new ClipVideos(o.Scratch ?? Path.Combine(jobs[0].Folder,
            $".explain.{Environment.ProcessId}.tmp"), minWidth: VideoMinWidth);
        var writers = Enumerable.Range(0, o.Writers)
            .Select(_ => Task.Run(() => Write(toWrite.Reader, o, videos, results, done, stop))).ToArray();
        Exception? failure = null;
        try
        {
            ExplainBatches(checkpoint, target, settings, o, decoded.Reader, toWrite.Writer, stop.Token);
            toWrite.Writer.TryComplete();
        }
        catch (Exception e)
        {
            failure = e;
            stop.Cancel();
            toWrite.Writer.TryComplete(e);
        }
        try { Task.WaitAll([decoder, .. writers]); }
        catch (AggregateException) { /* each stage's failure is read below */ }
        if (failure is null && decoder.IsCompletedSuccessfully && writers.All(w => w.IsCompletedSuccessfully))
            try { videos.Complete(); }
            catch (Exception e) { failure = e; }
        var failures = new[] { failure }.Concat(new[] { decoder }.Concat(writers)
            .Select(t => t.Exception?.InnerException)).OfType<Exception>().ToList();
        // The cause, not the cancellations it led to in the other stages.
        var cause = failures.FirstOrDefault(e => e is not (OperationCanceledException or ChannelClosedException))
                    ?? failures.FirstOrDefault();
        if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
        return results.Select((r, i) => r ?? throw new InvalidOperationException(
            $"{jobs[i].Video}: not explained (a stage ended early).")).ToList();
    }

    static async Task Decode(IReadOnlyList<ExplainJob> jobs, FrameSamplerOptions sampler, ChannelWriter<Decoded> output,
        CancellationTokenSource stop)
    {
        try
        {
            for (int i = 0; i < jobs.Count; i++)
            {
                var video = jobs[i].Video;
                if (!File.Exists(video) && !Directory.Exists(video))
                    throw new FileNotFoundException($"{video}: no such video.", video);
                var clip = FrameSampler.SamplePixels(video, sampler);
                var json = Path.ChangeExtension(video, ".json");
                var annotation = File.Exists(json) ? ClipAnnotation.Load(json) : null;
                await output.WriteAsync(new Decoded(i, jobs[i], clip, annotation), stop.Token);
            }
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            stop.Cancel();
            throw;
        }
    }

    static void ExplainBatches(LoadedCheckpoint checkpoint, string? target, CamSettings settings,
        ExplainPipelineOptions options, ChannelReader<Decoded> input, ChannelWriter<List<Explained>> output,
        CancellationToken stop)
    {
        int size = options.Batch;
        bool images = (options.Outputs & (ExplanationOutputs.Html | ExplanationOutputs.Png | ExplanationOutputs.Mp4))
                      != 0;
        var model = checkpoint.Model;
        model.to(ComputeDevice.Default);
        var engine = new CamEngine(model.AsCamModel(), settings.Method, settings.WeightingFor(model));
        var batch = new List<Decoded>(size);
        while (Wait(input, stop))
        {
            batch.Clear();
            while (batch.Count < size)
            {
                if (input.TryRead(out var d)) batch.Add(d);
                else if (!Wait(input, stop)) break;
            }
            if (batch.Count == 0) break;
            output.WriteAsync(ExplainBatch(checkpoint, engine, target, settings, batch, images), stop).AsTask()
                .GetAwaiter().GetResult();
        }
    }

    /// <summary>True when an item can be read; false when the channel is done; the decoder's failure if it
    /// failed.</summary>
    static bool Wait(ChannelReader<Decoded> input, CancellationToken stop) =>
        input.WaitToReadAsync(stop).AsTask().GetAwaiter().GetResult();

    /// <summary>One forward and one backward pass for the batch; every clip's result as plain arrays (its frames and
    /// maps only when <paramref name="images"/>: a page, thumbnail or video is written).</summary>
    static List<Explained> ExplainBatch(LoadedCheckpoint checkpoint, CamEngine engine, string? target,
        CamSettings settings, List<Decoded> batch, bool images)
    {
        var names = checkpoint.Info.ClassNames;
        var model = checkpoint.Model;
        var layer = settings.LayerFor(model);
        var given = batch.Select(d => CamStudy.ResolveTarget(names, target, d.Annotation, FolderClass(d.Job.Video,
            names))).ToList();
        IReadOnlyList<ICamTarget>? targets = given.Any(g => g is null) ? null
            : given.Select(g => (ICamTarget)new ClassTarget(g!.Value)).ToList();
        using var scope = NewDisposeScope();
        // B × [C,T,H,W] -> [B,C,T,H,W]
        var input = stack(batch.Select(d => tensor(d.Clip.Pixels, d.Clip.Shape)).ToArray()).to(ComputeDevice.Default);
        var result = engine.Explain(input, targets, layer);
        // maps [B,T,H,W]
        int b = batch.Count, T = (int)result.Maps.shape[1], h = (int)result.Maps.shape[2],
            w = (int)result.Maps.shape[3];
        var maps = images ? Floats(result.Maps) : null;
        var importance = Floats(result.FrameImportance);
        var gradient = Floats(result.GradientImportance);
        var outputs = result.Outputs.ToDictionary(kv => kv.Key, kv => Floats(kv.Value));
        var probabilities = Floats(result.Outputs["logits"].softmax(1));                         // [B,K]
        int k = names.Count, frame = T * h * w;
        var explained = new List<Explained>(b);
        for (int i = 0; i < b; i++)
        {
            var d = batch[i];
            int classIndex = ((ClassTarget)result.Targets[i]).ClassIndex;
            var logits = outputs["logits"].AsSpan(i * k, k);
            int predicted = 0;
            for (int c = 1; c < k; c++) if (logits[c] > logits[predicted]) predicted = c;
            float pTarget = probabilities[i * k + classIndex], pPredicted = probabilities[i * k + predicted];
            var title = CamStudy.Title(d.Job.Video, d.Clip.FrameIndices, null, model.Architecture, settings.Method,
                engine.Weighting, layer, names[classIndex], pTarget, names[predicted], pPredicted);
            var own = outputs.ToDictionary(kv => kv.Key, kv => Slice(kv.Value, i, b));
            var record = new Dictionary<string, object?>
            {
                ["video"] = d.Job.Video, ["class"] = d.Job.Class, ["target"] = names[classIndex],
                ["predicted"] = names[predicted], ["target_probability"] = pTarget,
            };
            var imp = importance[(i * T)..((i + 1) * T)];
            var data = new ExplanationData(title, T, h, w, images ? Denormalised(d.Clip) : [],
                maps is null ? [] : maps[(i * frame)..((i + 1) * frame)],
                imp, gradient[(i * T)..((i + 1) * T)], own.GetValueOrDefault("attention"), own, d.Clip.FrameIndices,
                record);
            var video = new ExplainedVideo(d.Job.Video, d.Job.Class, d.Job.Stem, names[classIndex], names[predicted],
                pTarget, imp.Select(v => (double)v).ToArray());
            explained.Add(new Explained(d.Index, d.Job, data, video));
        }
        return explained;
    }

    /// <summary>A writer task: writes each explained clip's page and thumbnail, and hands its overlays to the shared
    /// MP4 stream when MP4s are chosen; a clip's JSON is written once its MP4 is in place (else at once).</summary>
    static async Task Write(ChannelReader<List<Explained>> input, ExplainPipelineOptions options, ClipVideos videos,
        ExplainedVideo?[] results, Action<ExplainedVideo>? done, CancellationTokenSource stop)
    {
        try
        {
            while (await input.WaitToReadAsync(stop.Token))
            while (input.TryRead(out var batch))
                foreach (var e in batch)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    Directory.CreateDirectory(e.Job.Folder);
                    var stem = Path.Combine(e.Job.Folder, e.Job.Name);
                    var overlays = ExplanationFiles.WritePageAndThumbnail(stem, e.Data, options.Outputs,
                        options.PlotlyScript);
                    void Finish()
                    {
                        if (options.Outputs.HasFlag(ExplanationOutputs.Json))
                            ExplanationFiles.WriteRecord(stem, e.Data);
                        lock (results)
                        {
                            results[e.Index] = e.Video;
                            done?.Invoke(e.Video);
                        }
                    }
                    if (options.Outputs.HasFlag(ExplanationOutputs.Mp4))
                        videos.Add(stem + ".mp4", overlays!, e.Data.T, e.Data.H, e.Data.W, Finish);
                    else Finish();
                }
        }
        catch (Exception)
        {
            stop.Cancel();
            throw;
        }
    }

    /// <summary>The class a video's folder names, when it is one of the model's classes.</summary>
    static string? FolderClass(string video, IReadOnlyList<string> names) =>
        Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(video))) is { } folder && names.Contains(folder)
            ? folder : null;

    /// <summary>Row <paramref name="i"/> of <paramref name="rows"/> equal rows.</summary>
    static float[] Slice(float[] values, int i, int rows)
    {
        int n = values.Length / rows;
        return values[(i * n)..((i + 1) * n)];
    }

    /// <summary>A normalised clip <c>[C,T,H,W]</c> (or <c>[T,C,H,W]</c>) -> frames <c>[T,H,W,3]</c> in [0,1], as
    /// <see cref="CamOverlay.Denormalise"/> computes them (x · std + mean, clamped), without a tensor.</summary>
    static float[] Denormalised(SampledClip clip)
    {
        int T = clip.FrameIndices.Length, h = clip.Height, w = clip.Width, plane = h * w;
        var mean = clip.Normalization.Mean;
        var std = clip.Normalization.Std;
        var frames = new float[T * plane * 3];
        for (int c = 0; c < 3; c++)
        for (int t = 0; t < T; t++)
        {
            int from = (clip.Layout == ClipLayout.TCHW ? t * 3 + c : c * T + t) * plane, to = t * plane * 3 + c;
            for (int p = 0; p < plane; p++)
                frames[to + 3 * p] = Math.Clamp(clip.Pixels[from + p] * std[c] + mean[c], 0f, 1f);
        }
        return frames;
    }

    static float[] Floats(Tensor t)
    {
        using var c = t.detach().cpu().to(ScalarType.Float32).contiguous().flatten();
        return c.data<float>().ToArray();
    }
}
