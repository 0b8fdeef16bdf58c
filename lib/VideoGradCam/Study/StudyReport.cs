using System.Net;
using System.Text;
using System.Text.Json;
using Plotly.NET;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Training;

namespace VideoGradCam.Study;

/// <summary>How long one pipeline step took, and whether it ran or was reused.</summary>
public sealed record StepTiming(string Step, double Seconds, bool Ran);

/// <summary>Everything the report shows, gathered from this run's outputs.</summary>
public sealed record StudyResults
{
    public required Profile Profile { get; init; }
    /// <summary>The data the run used (default: the synthetic sets).</summary>
    public StudyData Data { get; init; } = StudyData.Synthetic;
    public required IReadOnlyDictionary<string, CamEvaluation> Cam { get; init; }
    public required IReadOnlyDictionary<string, EvaluationReport> Accuracy { get; init; }
    public required IReadOnlyList<Claim> Claims { get; init; }
    public required IReadOnlyList<(string Heading, string Caption, GenericChart Chart)> Figures { get; init; }
    public IReadOnlyList<double>? FaithfulnessRatios { get; init; }
    public object? Odometry { get; init; }
    public IReadOnlyList<StepTiming> Steps { get; init; } = [];
    public IReadOnlyList<(string Notebook, bool Passed, double Seconds)> Notebooks { get; init; } = [];
}

/// <summary>
/// The report: <c>artifacts/report/index.html</c> (offline: plotly.js inlined once), a PNG beside each figure
/// (rendered in the system's Chromium), and <c>metrics.json</c>. Every number comes from <see cref="StudyResults"/>.
/// </summary>
public static class StudyReport
{
    public static string Folder() => Path.Combine(WorkspacePaths.Artifacts(), "report");

    public static string Write(StudyResults r, string? folder = null)
    {
        folder ??= Folder();
        Directory.CreateDirectory(folder);
        var (dataOption, weightsOption) = r.Data.Options();
        var command = $"./workspace reproduce --profile {r.Profile.Name()}" + (dataOption.Length > 0 ? $" --data {dataOption}" : "") + (weightsOption.Length > 0 ? $" --weights {weightsOption}" : "");
        var page = new FigurePage($"Grad-CAM for video and regression: the study reproduced ({r.Profile.Name()} profile{(r.Data.IsSynthetic ? "" : $", {r.Data.Name}")})");
        page.Paragraph($"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by {command} " +
                       $"on {Environment.ProcessorCount} cores; {ComputeDevice.Describe()}; .NET {Environment.Version}; seed {Seeds.Default}. " +
                       (r.Data.IsSynthetic ? "Every number below was measured in this run on the synthetic set's ground truth."
                        : $"Every number below was measured in this run. Actions: {r.Data.ActionsDescription}" +
                          (r.Data.ActionsRoot is null ? "" : $" ({r.Data.ActionsRoot}, classes {string.Join(", ", StudyData.StudyClasses)})") +
                          (r.Data.HasGroundTruth ? "" : "; it has no ground truth, so the metrics against evidence masks and relevant frames are not measured (n/a)") +
                          $". Odometry: {(r.Data.OdometryRoot is null ? "the synthetic sequences" : $"KITTI ({r.Data.OdometryRoot})")}" +
                          (r.Data.R3dWeights is null ? "." : $". R3D-18 fine-tuned from {r.Data.R3dWeights}.")));
        page.Heading("Claims of the study, tested");
        page.Html(ClaimsTable(r.Claims));
        page.Heading("The study's figures, regenerated");
        for (int i = 0; i < r.Figures.Count; i++)
        {
            var (heading, caption, chart) = r.Figures[i];
            page.Heading(heading, 3).Figure(chart, caption).Html($"<p><a href=\"figure-{i}.png\">PNG</a></p>");
        }
        page.Heading("Accuracy of the video classifiers (test split)");
        page.Html(AccuracyTable(r.Accuracy));
        page.Heading("Grad-CAM metrics: every model and method");
        page.Html(CamTable(r.Cam.Values));
        if (r.Odometry is not null)
        {
            page.Heading("Visual odometry (SfMLearner)");
            page.Html($"<pre>{WebUtility.HtmlEncode(JsonSerializer.Serialize(r.Odometry, Json))}</pre>");
        }
        page.Heading("Run");
        page.Html(StepsTable(r.Steps, r.Notebooks));
        var html = Path.Combine(folder, "index.html");
        page.Save(html);
        AtomicFile.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(new
        {
            profile = r.Profile.Name(),
            data = r.Data.IsSynthetic ? null : new { r.Data.Name, r.Data.ActionsRoot, r.Data.HasGroundTruth, r.Data.OdometryRoot, r.Data.R3dWeights },
            seed = Seeds.Default,
            claims = r.Claims,
            accuracy = r.Accuracy.ToDictionary(kv => kv.Key, kv => new { kv.Value.Accuracy, kv.Value.Count, timeReversedPair = ClassifierStudy.TimeReversedPairAccuracy(kv.Value), perClass = kv.Value.PerClassAccuracy }),
            cam = r.Cam.ToDictionary(kv => kv.Key, kv => new { kv.Value.Layer, kv.Value.Clips, kv.Value.MaskArea, kv.Value.PointingChance, kv.Value.Attention,
                methods = kv.Value.Methods.Select(m => m with { FrameImportance = [] }) }),
            odometry = r.Odometry,
            faithfulness = r.FaithfulnessRatios,
            steps = r.Steps,
            notebooks = r.Notebooks.Select(n => new { n.Notebook, n.Passed, n.Seconds }),
        }, Json));
        return html;
    }

    /// <summary>Renders every figure of the page to figure-N.png beside it (system Chromium). Returns the files, or none without a browser.</summary>
    public static IReadOnlyList<string> RenderPngs(string html)
    {
        if (HeadlessBrowser.FindChromium() is null)
        {
            Console.Error.WriteLine("report: no Chromium found: PNGs not rendered (install 'chromium' or set WORKSPACE_CHROMIUM).");
            return [];
        }
        return Task.Run(async () =>
        {
            await using var browser = await HeadlessBrowser.LaunchAsync();
            return await browser.ScreenshotPlotsAsync(html, Path.GetDirectoryName(html)!, "figure");
        }).GetAwaiter().GetResult();
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    static string E(string s) => WebUtility.HtmlEncode(s);

    static string ClaimsTable(IReadOnlyList<Claim> claims)
    {
        var sb = new StringBuilder("<table><tr><th>claim</th><th>measured by</th><th>value (this run)</th><th>rule</th><th>verdict</th></tr>");
        foreach (var c in claims)
        {
            var colour = c.Verdict == StudyClaims.Holds ? "#d4edda" : c.Verdict == StudyClaims.Partly ? "#fff3cd" : "#f8d7da";
            sb.Append($"<tr><td style=\"text-align:left\">{E(c.Statement)}</td><td style=\"text-align:left\">{E(c.Measure)}</td><td style=\"text-align:left\">{E(c.Value)}</td>" +
                      $"<td style=\"text-align:left\">{E(c.Rule)}</td><td style=\"background:{colour}\"><b>{E(c.Verdict)}</b></td></tr>");
        }
        return sb.Append("</table>").ToString();
    }

    static string AccuracyTable(IReadOnlyDictionary<string, EvaluationReport> accuracy)
    {
        var sb = new StringBuilder("<table><tr><th>model</th><th>test clips</th><th>accuracy</th><th>time-reversed pair (raise/lower)</th><th>per class</th></tr>");
        foreach (var (arch, r) in accuracy)
            sb.Append($"<tr><td>{E(arch)}</td><td>{r.Count}</td><td>{r.Accuracy:P1}</td><td>{(double.IsNaN(ClassifierStudy.TimeReversedPairAccuracy(r)) ? "n/a" : ClassifierStudy.TimeReversedPairAccuracy(r).ToString("P1"))}</td>" +
                      $"<td style=\"text-align:left\">{E(string.Join(", ", r.ClassNames.Select((n, i) => $"{n} {r.PerClassAccuracy[i]:P0}")))}</td></tr>");
        return sb.Append("</table>").ToString();
    }

    static string CamTable(IEnumerable<CamEvaluation> evaluations)
    {
        var sb = new StringBuilder("<table><tr><th>model</th><th>layer</th><th>method</th><th>weighting</th><th>pointing</th><th>energy in mask</th><th>temporal AUC</th><th>gradient-norm tAUC</th><th>deletion ↓</th><th>insertion ↑</th><th>sanity (final ρ)</th><th>other-class energy</th></tr>");
        foreach (var e in evaluations)
            foreach (var m in e.Methods)
                sb.Append($"<tr><td>{E(e.Architecture)}</td><td>{E(e.Layer)}</td><td>{E(m.Method)}</td><td>{E(m.Weighting)}</td><td>{N(m.PointingGame, "0.00")}</td><td>{N(m.EnergyInMask, "0.000")}</td>" +
                          $"<td>{N(m.TemporalAuc, "0.00")}</td><td>{N(m.GradientTemporalAuc, "0.00")}</td><td>{N(m.DeletionAuc, "0.00")}</td><td>{N(m.InsertionAuc, "0.00")}</td>" +
                          $"<td>{(m.SanityPassed ? "pass" : "FAIL")} ({N(m.SanityFinalSpearman, "0.00")})</td><td>{N(m.OtherClassEnergyInMask, "0.000")}</td></tr>");
        sb.Append("</table><p>Chance levels: ");
        sb.Append(string.Join("; ", evaluations.Select(e => $"{E(e.Architecture)}: pointing {N(e.PointingChance, "0.00")}, energy {N(e.MaskArea, "0.000")} (uniform map)")));
        if (evaluations.Any(e => !e.HasGroundTruth))
            sb.Append(". n/a: not measurable without ground truth (evidence masks, relevant frames); deletion/insertion and the sanity check need none");
        return sb.Append("</p>").ToString();
    }

    /// <summary>A number, or "n/a" for one that was not measured (NaN).</summary>
    static string N(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    static string StepsTable(IReadOnlyList<StepTiming> steps, IReadOnlyList<(string Notebook, bool Passed, double Seconds)> notebooks)
    {
        var sb = new StringBuilder("<table><tr><th>step</th><th>seconds</th><th>ran or reused</th></tr>");
        foreach (var s in steps) sb.Append($"<tr><td style=\"text-align:left\">{E(s.Step)}</td><td>{s.Seconds:0.0}</td><td>{(s.Ran ? "ran" : "reused")}</td></tr>");
        sb.Append($"<tr><td style=\"text-align:left\"><b>total</b></td><td><b>{steps.Sum(s => s.Seconds):0.0}</b></td><td></td></tr></table>");
        if (notebooks.Count > 0)
        {
            sb.Append("<table><tr><th>notebook (executed copy)</th><th>result</th><th>seconds</th></tr>");
            foreach (var n in notebooks)
                sb.Append($"<tr><td style=\"text-align:left\"><a href=\"../notebooks/{E(n.Notebook)}\">{E(n.Notebook)}</a></td><td>{(n.Passed ? "ok" : "FAILED")}</td><td>{n.Seconds:0}</td></tr>");
            sb.Append("</table>");
        }
        return sb.ToString();
    }
}
