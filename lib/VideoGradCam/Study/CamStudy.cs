using TorchSharp;
using VideoGradCam.Cam;
using VideoGradCam.Cam.Metrics;
using VideoGradCam.Models;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Study;

/// <summary>A clip of one video prepared for a checkpoint: the normalised tensor [C,T,H,W] and where its frames came
/// from.</summary>
public sealed record PreparedClip(Clip Clip, ClipAnnotation? Annotation) : IDisposable
{
    public void Dispose() => Clip.Dispose();
}

/// <summary>
/// Grad-CAM on the video classifiers: one clip explained and exported (<c>./workspace explain</c>), and every metric
/// of the engine measured on the synthetic set's ground truth (<c>./workspace evaluate-cam</c>).
/// </summary>
public static class CamStudy
{
    /// <param name="window">which frames: a window of the video (null: the checkpoint's recipe, one clip).</param>
    public static PreparedClip Prepare(LoadedCheckpoint checkpoint, string video, ClipWindow? window = null)
    {
        if (!File.Exists(video) && !Directory.Exists(video)) throw new FileNotFoundException($"{video}: no such video.",
            video);
        var sampler = ClassifierStudy.Sampler(checkpoint.Info.Data);
        if (window is { } w) sampler =
            sampler with { Stride = w.Stride ?? sampler.Stride, StartFrame = w.Start, ClipsPerVideo = w.Count };
        var clip = FrameSampler.Sample(video, sampler, window?.Index ?? 0);
        var json = Path.ChangeExtension(video, ".json");
        return new PreparedClip(clip, File.Exists(json) ? ClipAnnotation.Load(json) : null);
    }

    /// <summary>The class to explain: a name, an index, "true" (the annotation's label, else the class its folder
    /// names), or null for the predicted class (the engine's default target, from the explained pass itself).</summary>
    public static int? ResolveTarget(IReadOnlyList<string> classNames, string? target, ClipAnnotation? annotation,
        string? folderClass = null)
    {
        if (target is null or "predicted") return null;
        if (target == "true")
            return (annotation?.Label ?? folderClass) is { } label && classNames.Contains(label)
                ? classNames.ToList().IndexOf(label)
                : throw new ArgumentException(
                    "--target true needs the video's class: an annotation (.json) beside it or a folder named after " +
                    $"one of the model's classes ({string.Join(", ", classNames.Take(5))}" +
                    $"{(classNames.Count > 5 ? ", ..." : "")}).");
        if (int.TryParse(target, out var index) && index >= 0 && index < classNames.Count) return index;
        return ClassTarget.ByName(classNames, target).ClassIndex;
    }

    /// <summary>Explains one clip of <paramref name="video"/> in memory (see <see cref="ClipExplanation"/>).</summary>
    public static ClipExplanation Explain(LoadedCheckpoint checkpoint, string video, string? target,
        CamSettings settings, ClipWindow? window = null)
    {
        var model = checkpoint.Model;
        model.to(ComputeDevice.Default);
        using var scope = NewDisposeScope();
        using var prepared = Prepare(checkpoint, video, window);
        var input = prepared.Clip.Frames.unsqueeze(0).to(ComputeDevice.Default);           // [C,T,H,W] -> [1,C,T,H,W]
        var names = checkpoint.Info.ClassNames;
        var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(video)));
        var truth = folder is not null && names.Contains(folder) ? folder : null;
        var given = ResolveTarget(names, target, prepared.Annotation, truth);
        var weighting = settings.WeightingFor(model);
        var layer = settings.LayerFor(model);
        var engine = new CamEngine(model.AsCamModel(), settings.Method, weighting);
        var result = engine.Explain(input, given is { } k ? [new ClassTarget(k)] : null, layer);   // one forward pass
        int classIndex = ((ClassTarget)result.Targets[0]).ClassIndex;
        var logits = result.Outputs["logits"][0].cpu();
        var probabilities = logits.softmax(0);
        int predicted = (int)logits.argmax().item<long>();
        var title = Title(video, prepared.Clip.FrameIndices, window, model.Architecture, settings.Method, weighting,
            layer, names[classIndex], probabilities[classIndex].item<float>(), names[predicted],
            probabilities[predicted].item<float>());
        var frames = CamOverlay.Denormalise(prepared.Clip.Frames, checkpoint.Info.Data.Mean, checkpoint.Info.Data.Std)
            .MoveToOuterDisposeScope();
        foreach (var t in new[] { result.Maps, result.RawMaps, result.Weights, result.FrameImportance,
            result.GradientImportance }.Concat(result.Outputs.Values))
            t.MoveToOuterDisposeScope();
        var prediction = new ClipPrediction(truth, names[classIndex], names[predicted],
            probabilities[classIndex].item<float>());
        return new ClipExplanation(video, model.Architecture, title, prediction, frames, result,
            prepared.Clip.FrameIndices, prepared.Annotation?.RelevanceAt(prepared.Clip.FrameIndices));
    }

    /// <summary>Explains one video and writes NAME.html (figure + overlay strip), NAME.mp4 and NAME.json into
    /// <paramref name="outDir"/>.</summary>
    /// <param name="plotlyScript">a shared plotly.js (relative URL) for dataset-scale output; null inlines it in the
    /// page.</param>
    public static ExplanationSummary ExplainVideo(LoadedCheckpoint checkpoint, string video, string? target,
        CamSettings settings, string outDir, string? name = null,
        string? plotlyScript = null, ClipWindow? window = null)
    {
        using var e = Explain(checkpoint, video, target, settings, window);
        name ??= $"{Path.GetFileNameWithoutExtension(video)}-{e.Target}"
            + (window is { Count: > 1 } w ? $"-window{w.Index + 1}" : "");
        CamPlots.WriteExplanation(outDir, name, e.Frames, e.Result, 0, e.Title, e.SourceFrames,
            plotlyScript: plotlyScript);
        return new ExplanationSummary(video, e.Target, e.Prediction.Predicted, e.TargetProbability,
            e.FrameImportance, e.Attention, e.SourceFrames, Path.Combine(outDir, name));
    }

    /// <summary>The title of one explained clip: the file, its frames (and window), the model, method, weighting and
    /// layer, the explained class and the predicted one with their probabilities.</summary>
    public static string Title(string video, int[] sourceFrames, ClipWindow? window, string architecture,
        CamMethod method, TemporalWeighting weighting, string layer, string target, double targetProbability,
        string predicted, double predictedProbability)
    {
        var f = sourceFrames;
        var stride = f.Length > 1 && f.Zip(f.Skip(1)).All(p => p.Second - p.First == f[1] - f[0]) ? f[1] - f[0] : 0;
        var windowText = $"frames {f[0]}–{f[^1]}"
            + (stride > 0 && stride <= 2 ? $" (consecutive, stride {stride})" : "") +
                         (window is { Count: > 1 } w ? $", window {w.Index + 1} of {w.Count}" : "");
        return $"{Path.GetFileName(video)} · {windowText} · {architecture} · {method} ({weighting}) at {layer} · " +
               $"target '{target}' (p={Probability(targetProbability)}), " +
               $"predicted '{predicted}' (p={Probability(predictedProbability)})";
    }

    /// <summary>A probability with enough digits to differ from zero (400-class models give p ~ 0.003): 3 significant
    /// digits.</summary>
    public static string Probability(double p) => p >= 0.01
        ? p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)
        : p.ToString("0.00e0", System.Globalization.CultureInfo.InvariantCulture);

    static double[] Floats(Tensor t) => t.detach().cpu().to(float64).data<double>().ToArray();
}

/// <summary>Which frames of a video to explain: window <paramref name="Index"/> of <paramref name="Count"/>,
/// consecutive frames every <paramref name="Stride"/> (null: the checkpoint's recipe; 0: spread over the video) from
/// <paramref name="Start"/> (null: the windows spread evenly over the video).</summary>
public sealed record ClipWindow(int? Start, int? Stride, int Index = 0, int Count = 1);

/// <summary>One clip explained: its frames [T,H,W,3] in [0,1], the engine's result (batch of one), the target and
/// prediction.</summary>
/// <param name="Model">the explained model's name (its architecture).</param>
public sealed record ClipExplanation(string Video, string Model, string Title, ClipPrediction Prediction,
    Tensor Frames, CamResult Result, int[] SourceFrames, bool[]? Relevant) : IDisposable
{
    /// <summary>The explained class (<see cref="ClipPrediction.Target"/>; the study's figures read it here).</summary>
    public string Target => Prediction.Target;

    /// <summary>The model's probability of the explained class (<see cref="ClipPrediction.TargetProbability"/>; the
    /// study's figures read it here).</summary>
    public double TargetProbability => Prediction.TargetProbability;

    /// <summary>A row of a comparison strip: the model and what it predicted, beside the overlays.</summary>
    public (string Label, Tensor Overlays) RowWithPrediction() => ($"{Model}\npred {Prediction.Predicted}", Overlays());

    /// <summary>A row of a comparison strip: the model and the explained class's probability, beside the
    /// overlays.</summary>
    public (string Label, Tensor Overlays) RowWithTargetProbability() =>
        ($"{Model}\np({Target}) {TargetProbability:0.00}\npred {Prediction.Predicted}", Overlays());

    /// <summary>A title for explanations of one clip shown together: the file, its true class, the explained
    /// class(es).</summary>
    public static string StripTitle(IReadOnlyList<ClipExplanation> rows)
    {
        var truth = rows[0].Prediction.TrueClass;
        var targets = rows.Select(r => r.Target).Distinct().ToList();
        var explained = targets.Count == 1 ? $"Grad-CAM for '{targets[0]}'"
            : $"Grad-CAM for {string.Join(", ", targets.Select(t => $"'{t}'"))} (rows in order)";
        return $"{Path.GetFileName(rows[0].Video)} · true class '{truth ?? "unknown"}' · {explained}";
    }

    /// <summary>The per-frame importance curve, named after the model.</summary>
    public (string Label, double[] Values) ImportanceCurve() => (Model, FrameImportance);

    public double[] FrameImportance => Result.FrameImportance[0].detach().cpu().to(float64).data<double>().ToArray();
    public double[]? Attention => Result.Outputs.TryGetValue("attention", out var a)
        ? a[0].detach().cpu().to(float64).data<double>().ToArray() : null;

    /// <summary>The map blended over the frames: RGB bytes [T,H,W,3] (jet colormap, high = warm).</summary>
    public Tensor Overlays(double alpha = 0.5) => CamOverlay.Blend(Frames, Result.Maps[0].cpu(), alpha);

    public void Dispose()
    {
        Frames.Dispose();
        Result.Dispose();
    }
}

/// <summary>What a classifier said about one clip: the explained class (<paramref name="Target"/>), its probability,
/// and the class it predicted.</summary>
/// <param name="TrueClass">the clip's class when its folder names one of the model's classes (class-per-folder data),
/// else null.</param>
public sealed record ClipPrediction(string? TrueClass, string Target, string Predicted, double TargetProbability);

/// <summary>What <see cref="CamStudy.ExplainVideo"/> wrote: the target, the prediction, the per-frame importance (and
/// attention).</summary>
public sealed record ExplanationSummary(string Video, string Target, string Predicted, double TargetProbability,
    double[] FrameImportance, double[]? Attention, int[] SourceFrames, string OutputStem);
