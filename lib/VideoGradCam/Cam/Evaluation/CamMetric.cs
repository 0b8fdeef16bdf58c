using VideoGradCam.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>One named value a CAM metric reports: its name (the key in evaluations, tables, plots, the report, JSON),
/// a short column header, what it measures, how to print it.</summary>
/// <param name="IsPassFail">1 = passed, 0 = failed: printed as pass/FAIL, counted over seeds, written to JSON as
/// true/false.</param>
/// <param name="LowerIsBetter">for the header's arrow (deletion AUC); otherwise higher is better.</param>
public sealed record ScoreInfo(string Name, string Header, string Description, string Format = "0.00",
    bool IsPassFail = false,
    bool LowerIsBetter = false)
{
    /// <summary>The value as text: pass/FAIL, the number, or "n/a" when not measured (NaN).</summary>
    public string Print(double value) =>
        double.IsNaN(value) ? "n/a" : IsPassFail ? (value >= 0.5 ? "pass" : "FAIL")
            : value.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A CAM metric run over an evaluation: it sees every batch of explained clips (<see cref="Add"/>), then reports its
/// named values (<see cref="Result"/>). Adding a metric: one class like the ones beside this file, one line in
/// <see cref="CamMetrics.All"/>.
/// </summary>
public interface ICamMetric
{
    /// <summary>The values it reports, in the order tables show them.</summary>
    IReadOnlyList<ScoreInfo> Scores { get; }

    /// <summary>One batch of clips with their true-class and other-class maps (tensors live only during the
    /// call).</summary>
    void Add(CamBatch batch) { }

    /// <summary>The values, by <see cref="ScoreInfo.Name"/>; NaN for what could not be measured (no ground
    /// truth).</summary>
    IReadOnlyDictionary<string, double> Result(CamRun run);
}

/// <summary>What stays the same over one method's evaluation: the model, the engine, the layer and every
/// clip.</summary>
/// <param name="Clips">every clip [C,T,H,W] on the CPU, in evaluation order.</param>
/// <param name="Relevance">per clip, the ground-truth relevant frames (empty without ground truth).</param>
public sealed record CamRun(VideoClassifier Model, CamEngine Engine, string Layer, CamEvaluationOptions Options,
    IReadOnlyList<Tensor> Clips, IReadOnlyList<int> Labels, IReadOnlyList<bool[]> Relevance);

/// <summary>One batch of explained clips, clips <paramref name="Start"/>..Start+Count-1 of the run.</summary>
/// <param name="Clips">[B,C,T,H,W] on the model's device.</param>
/// <param name="Maps">the true class's maps [B,T,H,W] on the CPU.</param>
/// <param name="OtherMaps">the most probable wrong class's maps [B,T,H,W] on the CPU.</param>
/// <param name="Truth">the clips' ground truth, or null without it.</param>
/// <param name="Importance">per clip, how the maps and the gradients rank the frames.</param>
public sealed record CamBatch(CamRun Run, int Start, int Count, Tensor Clips, Tensor Maps, Tensor OtherMaps,
    GroundTruth? Truth, FrameImportance Importance);

/// <summary>A batch's ground truth.</summary>
/// <param name="Masks">evidence masks [B,T,H,W].</param>
/// <param name="Relevant">relevant frames [B,T].</param>
/// <param name="Dilated">the masks dilated by the pointing game's tolerance [B,T,H,W], once for every method.</param>
public sealed record GroundTruth(Tensor Masks, Tensor Relevant, Tensor Dilated);

/// <summary>Per clip of a batch, one value per frame.</summary>
/// <param name="Energy">the share of the map's energy in each frame.</param>
/// <param name="GradientNorm">the gradient-norm importance of each frame.</param>
public sealed record FrameImportance(IReadOnlyList<double[]> Energy, IReadOnlyList<double[]> GradientNorm);
