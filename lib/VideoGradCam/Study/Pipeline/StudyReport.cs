using System.Net;
using System.Text;
using System.Text.Json;
using Plotly.NET;
using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Odometry;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Training;

namespace VideoGradCam.Study.Pipeline;

/// <summary>How long one pipeline step took, and whether it ran or was reused.</summary>
/// <param name="ComputedSeconds">for a reused step, what it took when it was computed (0 when unknown).</param>
public sealed record StepTiming(string Step, double Seconds, bool Ran, double ComputedSeconds = 0);

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
    /// <summary>The faithfulness of the odometry maps the odometry claim reads (null: not measured).</summary>
    public OdometryFaithfulness? Faithfulness { get; init; }
    public object? Odometry { get; init; }
    /// <summary>The odometry ATE table as the report shows it: SfMLearner, the pose ceiling (when the data has poses),
    /// both baselines.</summary>
    public IReadOnlyList<Odometry.AteRow> OdometryAte { get; init; } = [];
    public IReadOnlyList<StepTiming> Steps { get; init; } = [];
    public IReadOnlyList<(string Notebook, bool Passed, double Seconds)> Notebooks { get; init; } = [];

    /// <summary>Where each study model of seed 0 came from (shipped or trained here), in the study's order.</summary>
    public IReadOnlyList<(string Model, ModelProvenance? Provenance)> Models { get; init; } = [];

    /// <summary>True when the run trained its models here (<c>--retrain</c>) in the profile of the shipped ones.
    /// </summary>
    public bool Retrained { get; init; }

    /// <summary>With several training seeds (<c>reproduce --seeds N</c>): seed k's CAM evaluations, seed 0 first (the
    /// same as <see cref="Cam"/>). Empty or one entry: a single seed.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> CamBySeed { get; init; } = [];

    /// <summary>Seed k's test accuracy, seed 0 first (the same as <see cref="Accuracy"/>); as
    /// <see cref="CamBySeed"/>.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, EvaluationReport>> AccuracyBySeed { get; init; } = [];

    /// <summary>How many training seeds the run measured (1 unless <see cref="CamBySeed"/> holds more).</summary>
    public int SeedCount => Math.Max(1, CamBySeed.Count);
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
        var command = "./workspace reproduce" + (r.Profile == ShippedModels.TrainedProfile && r.Data.IsSynthetic
                ? (r.Retrained ? " --retrain" : "") : $" --profile {r.Profile.Name()}") + (dataOption.Length > 0
            ? $" --data {dataOption}" : "") + (weightsOption.Length > 0 ? $" --weights {weightsOption}" : "")
                      + (r.SeedCount != StudyPipeline.DefaultSeeds(r.Profile, r.Data, r.Retrained)
                          ? $" --seeds {r.SeedCount}" : "");
        int seeds = r.SeedCount;
        if (seeds > 1 && (r.AccuracyBySeed.Count != seeds || r.CamBySeed.Count != seeds))
            throw new ArgumentException(
                $"The report needs every seed's accuracy and CAM evaluations ({r.CamBySeed.Count} CAM, " +
                $"{r.AccuracyBySeed.Count} accuracy, expected {seeds}).");
        var page =
            new FigurePage(
                $"Grad-CAM for video and regression: the study reproduced ({r.Profile.Name()} " +
                $"profile{(r.Data.IsSynthetic ? "" : $", {r.Data.Name}")})");
        page.Paragraph($"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by {command} " +
                       $"on {Environment.ProcessorCount} cores; {ComputeDevice.Describe()}; .NET " +
                       $"{Environment.Version}; seed {Seeds.Default}. " +
                       (r.Data.IsSynthetic
                           ? "Every number below was measured in this run on the synthetic set's ground truth."
                        : $"Every number below was measured in this run. Actions: {r.Data.ActionsDescription}" +
                          (r.Data.ActionsRoot is null ? ""
                              : $" ({r.Data.ActionsRoot}, classes {string.Join(", ", StudyData.StudyClasses)})") +
                          (r.Data.HasGroundTruth ? ""
                              : "; it has no ground truth, so the metrics against evidence masks and relevant frames " +
                                "are not measured (n/a)") +
                          $". Odometry: {(r.Data.OdometryRoot is null ? "the synthetic sequences"
                              : $"KITTI ({r.Data.OdometryRoot})")}" +
                          (r.Data.R3dWeights is null ? "." : $". R3D-18 fine-tuned from {r.Data.R3dWeights}.")));
        if (r.Models.Count > 0) page.Paragraph(ModelsParagraph(r));
        if (seeds > 1)
            page.Paragraph($"Spread over seeds: each video classifier was trained {seeds} times, with training seeds " +
                           $"{string.Join(", ", TrainingSeeds(r.Profile, seeds))} (weight initialisation and " +
                           "shuffling; the data and its split are the same), " +
                           "and measured each time (accuracy, Grad-CAM metrics, attention). The claims show each " +
                           "number as mean ± sample standard deviation " +
                           "(min–max) over the seeds, apply their rule to the means and say in how many seeds each " +
                           "verdict holds; the accuracy and " +
                           "Grad-CAM tables show mean ± sd. The figures and notebooks use seed 0 " +
                           $"(training seed {TrainingSeeds(r.Profile, 1)[0]}). SfMLearner is trained once, not per " +
                           "seed: the odometry numbers have no spread. " +
                           "metrics.json holds every seed's values.");
        page.Heading("Claims of the study, tested");
        page.Html(ClaimsTable(r.Claims, seeds));
        foreach (var c in r.Claims.Where(c => c.Details is { Count: > 0 }))
            page.Heading($"{c.Statement}: the numbers behind its value", 3).Html(DetailsTable(c.Details!));
        page.Heading("The study's figures, regenerated");
        for (int i = 0; i < r.Figures.Count; i++)
        {
            var (heading, caption, chart) = r.Figures[i];
            page.Heading(heading, 3).Figure(chart, caption).Html($"<p><a href=\"figure-{i}.png\">PNG</a></p>");
        }
        page.Heading("Accuracy of the video classifiers (test split)");
        page.Html(seeds > 1 ? AccuracyTable(r.AccuracyBySeed) : AccuracyTable(r.Accuracy));
        page.Heading("Grad-CAM metrics: every model and method");
        page.Html(seeds > 1 ? CamTable(r.CamBySeed) : CamTable(r.Cam.Values));
        if (r.Odometry is not null)
        {
            page.Heading("Visual odometry (SfMLearner)");
            if (r.OdometryAte.Count > 0) page.Html(AteTable(r.OdometryAte));
            if (r.Faithfulness is { } f) page.Heading("Faithfulness of the regression maps", 3)
                .Html(FaithfulnessTable(f));
            // The full summary (depth errors, per-DoF agreement, snippet spacing, faithfulness per snippet) is a
            // download, not a page block.
            var odometry = NotMeasuredJson.Serialize(r.Odometry).AsObject();
            NotMeasuredJson.Mark(odometry, path => Undefined);
            AtomicFile.WriteAllText(Path.Combine(folder, "odometry.json"), odometry.ToJsonString(Json));
            page.Html(
                "<p>Depth errors, per-DoF pose agreement, snippet spacing and the faithfulness of every snippet: " +
                "<a href=\"odometry.json\">odometry.json</a> (also in metrics.json).</p>");
        }
        page.Heading("Run");
        page.Html(StepsTable(r.Steps, r.Notebooks));
        var html = Path.Combine(folder, "index.html");
        page.Save(html);
        var metrics = NotMeasuredJson.Serialize(new
        {
            profile = r.Profile.Name(),
            models = r.Models.Select(m => new { model = m.Model, source = m.Provenance?.Source,
                commit = m.Provenance?.Commit, trainedUtc = m.Provenance?.FinishedUtc,
                trainingSeconds = m.Provenance?.Seconds }),
            data = r.Data.IsSynthetic ? null : new { r.Data.Name, r.Data.ActionsRoot, r.Data.HasGroundTruth,
                r.Data.OdometryRoot, r.Data.R3dWeights },
            seed = Seeds.Default,
            claims = r.Claims,
            accuracy = AccuracyMetrics(r.Accuracy),
            cam = CamMetrics(r.Cam),
            odometry = r.Odometry,
            faithfulness = r.Faithfulness is { } faithful ? StudyPipeline.FaithfulnessSummary(faithful) : null,
            steps = r.Steps,
            notebooks = r.Notebooks.Select(n => new { n.Notebook, n.Passed, n.Seconds }),
        }).AsObject();
        if (seeds > 1)
            metrics["seeds"] = NotMeasuredJson.Serialize(new
            {
                count = seeds,
                trainingSeeds = TrainingSeeds(r.Profile, seeds),
                accuracy = r.AccuracyBySeed[0]
                    .Keys.ToDictionary(a => a, a => Spread(SeedSpread.Of(r.AccuracyBySeed, s => s[a].Accuracy))),
                perSeed = Enumerable.Range(0, seeds).Select(k => new
                {
                    seed = k, trainingSeed = TrainingSeeds(r.Profile, seeds)[k],
                    accuracy = AccuracyMetrics(r.AccuracyBySeed[k]), cam = CamMetrics(r.CamBySeed[k]),
                }),
            });
        NotMeasuredJson.Mark(metrics, path => Reason(path, r.Data));
        AtomicFile.WriteAllText(Path.Combine(folder, "metrics.json"), metrics.ToJsonString(Json));
        return html;
    }

    /// <summary>Renders every figure of the page to figure-N.png beside it (system Chromium). Returns the files, or
    /// none without a browser.</summary>
    public static IReadOnlyList<string> RenderPngs(string html)
    {
        if (HeadlessBrowser.FindChromium() is null)
        {
            Console.Error.WriteLine(
                "report: no Chromium found: PNGs not rendered (install 'chromium' or set WORKSPACE_CHROMIUM).");
            return [];
        }
        return Task.Run(async () =>
        {
            await using var browser = await HeadlessBrowser.LaunchAsync();
            return await browser.ScreenshotPlotsAsync(html, Path.GetDirectoryName(html)!, "figure");
        }).GetAwaiter().GetResult();
    }

    /// <summary>Which models the numbers come from, where they came from, and how to train them here.</summary>
    static string ModelsParagraph(StudyResults r)
    {
        var models = string.Join("; ", r.Models.Select(m => $"{m.Model}: {m.Provenance?.Describe() ?? "not trained"}"));
        bool shipped = r.Models.Any(m => m.Provenance?.IsShipped == true);
        return $"Models (training seed {TrainingSeeds(r.Profile, 1)[0]} of the {r.Profile.Name()} profile): " +
            $"{models}. " +
            (shipped
                ? "The shipped weights (half precision, data/study-models/manifest.json: recipe hash, commit, " +
                  "training time, metrics) are explained and measured here (the pose ceiling, a PoseNet fitted to " +
                  "the true poses, ships with SfMLearner); ./workspace reproduce --retrain trains the four models " +
                  "here instead (the full profile: about 70 minutes of training on 2 cores)."
                : r.Profile == ShippedModels.TrainedProfile
                    ? "./workspace reproduce without --retrain starts from the shipped weights instead."
                    : "");
    }

    /// <summary>The training seeds of study seeds 0..n-1: <see cref="ClassifierSettings.Seed"/> +
    /// <see cref="ClassifierStudy.SeedStride"/>·k.</summary>
    static int[] TrainingSeeds(Profile profile, int n) =>
        Enumerable.Range(0, n).Select(k => ClassifierSettings.For(ClassifierSettings.StudyModels[0], profile).Seed
            + ClassifierStudy.SeedStride * k).ToArray();

    static object AccuracyMetrics(IReadOnlyDictionary<string, EvaluationReport> accuracy) =>
        accuracy.ToDictionary(kv => kv.Key, kv => new { kv.Value.Accuracy, kv.Value.Count, timeReversedPair =
            ClassifierStudy.TimeReversedPairAccuracy(kv.Value), perClass = kv.Value.PerClassAccuracy });

    /// <summary>Per model, the evaluation's summary and each method's scores by name (pass/fail scores as
    /// true/false).</summary>
    static object CamMetrics(IReadOnlyDictionary<string, CamEvaluation> cam) =>
        cam.ToDictionary(kv => kv.Key,
            kv => new { kv.Value.Layer, kv.Value.Clips, kv.Value.MaskArea, kv.Value.PointingChance, kv.Value.Attention,
            methods = kv.Value.Methods.Select(m =>
            {
                var row = new Dictionary<string, object?> { ["Method"] = m.Method, ["Weighting"] = m.Weighting };
                foreach (var s in Cam.Evaluation.CamMetrics.Scores) row[s.Name] = s.IsPassFail ? m.Passed(s) : m[s];
                row["FrameImportance"] = Array.Empty<double[]>();
                return row;
            }) });

    static object Spread(SeedSpread s) => new { mean = s.Mean, sd = s.Sd, min = s.Min, max = s.Max, values = s.Values };

    /// <summary>How metrics.json is written (and the odometry-faithfulness verb's JSON, which has the same shape):
    /// indented, a non-finite number as null (metrics.json and odometry.json say why in
    /// <see cref="NotMeasuredJson.Property"/>).
    /// </summary>
    public static readonly JsonSerializerOptions Json = JsonDefaults.Indented;

    const string Undefined = "the measurement came out NaN or infinite (e.g. nothing to average over)";

    /// <summary>Why the metric at <paramref name="path"/> of metrics.json was not measured.</summary>
    static string Reason(string path, StudyData data) =>
        path.Contains("timeReversedPair", StringComparison.Ordinal) ? "the classes hold no time-reversed pair"
        : path.Contains(".cam", StringComparison.Ordinal) && !data.HasGroundTruth
            ? "needs ground truth (evidence masks, relevant frames), which this data lacks"
        : Undefined;

    /// <summary>A result as the report prints it: the number, or "not measured (...)" for NaN or infinity (never
    /// "NaN").</summary>
    static string R(double v, string format, IFormatProvider? culture = null) => double.IsFinite(v)
        ? v.ToString(format, culture ?? System.Globalization.CultureInfo.CurrentCulture)
        : $"not measured (the measurement came out {FiniteCheck.Kind(v)})";

    static string E(string s) => WebUtility.HtmlEncode(s);

    static string ClaimsTable(IReadOnlyList<Claim> claims, int seeds)
    {
        var value = seeds > 1 ? $"value (mean ± sd (min–max) over {seeds} seeds)" : "value (this run)";
        var sb =
            new StringBuilder(
                $"<table><tr><th>claim</th><th>measured by</th><th>{E(value)}</th><th>cases</th><th>rule</th><th>" +
                "verdict</th></tr>");
        foreach (var c in claims)
        {
            var colour = c.Verdict == StudyClaims.Holds ? "#d4edda" : c.Verdict == StudyClaims.Partly ? "#fff3cd"
                : "#f8d7da";
            var agreement = c.SeedAgreement is { } a
                ? $"<br><small>{(c.SeedsDisagree ? "seeds disagree: " : "")}{E(a)}</small>" : "";
            sb.Append(
                $"<tr><td style=\"text-align:left\">{E(c.Statement)}</td><td " +
                $"style=\"text-align:left\">{E(c.Measure)}</td><td style=\"text-align:left\">{E(c.Value)}</td><td " +
                $"style=\"text-align:left\">{E(c.Cases ?? "—")}</td>" +
                $"<td style=\"text-align:left\">{E(c.Rule)}</td><td " +
                $"style=\"background:{colour}\"><b>{E(c.Verdict)}</b>{agreement}</td></tr>");
        }
        return sb.Append("</table>").ToString();
    }

    /// <summary>A claim's details: one row per measurement, with its value.</summary>
    static string DetailsTable(IReadOnlyList<ClaimDetail> details)
    {
        var sb = new StringBuilder("<table><tr><th>measurement</th><th>value</th></tr>");
        foreach (var d in details)
            sb.Append($"<tr><td style=\"text-align:left\">{E(d.Measurement)}</td>" +
                      $"<td style=\"text-align:left\">{E(d.Value)}</td></tr>");
        return sb.Append("</table>").ToString();
    }

    /// <summary>ATE on the held-out sequences (SfMLearner protocol: 5-frame snippets, one least-squares scale each),
    /// one row per method.</summary>
    static string AteTable(IReadOnlyList<Odometry.AteRow> rows)
    {
        var sb = new StringBuilder("<table><tr><th>method</th><th>ATE (m, mean ± sd)</th><th>snippets</th></tr>");
        foreach (var row in rows)
            sb.Append($"<tr><td>{E(row.Method)}</td><td>{R(row.Mean, "0.0000")} ± {R(row.Std, "0.0000")}</td>" +
                      $"<td>{row.Snippets}</td></tr>");
        return sb.Append("</table>").ToString();
    }

    /// <summary>The odometry claim's numbers: each ratio as mean ± sd over the snippets with a map, and how many beat
    /// 1.</summary>
    static string FaithfulnessTable(OdometryFaithfulness f)
    {
        int flat = f.Snippets.Count(s => s.FlatMap);
        var sb =
            new StringBuilder(
                $"<p>Negative-loss Grad-CAM at {E(f.Layer)} ({f.LayerWidth}×{f.LayerHeight} cells), on " +
                $"{f.Snippets.Count} of the " +
                $"{f.HeldOutSnippets} held-out snippets ({flat} with a flat map left out); the top {f.Fraction:P0} " +
                "pixels of the target frame masked " +
                $"to grey. Measured in {f.Seconds:0} s.</p>");
        sb.Append(
            "<table><tr><th>measure</th><th>mean ± sd (n)</th><th>median</th><th>above 1</th><th>what it " +
            "compares</th></tr>");
        foreach (var row in f.Rows())
        {
            var spread = row.N == 0 ? "—" : row.N == 1 ? $"{R(row.Mean, "0.00")} (n = 1)"
                : $"{R(row.Mean, "0.00")} ± {R(row.Sd, "0.00")} (n = {row.N})";
            sb.Append($"<tr><td style=\"text-align:left\">{E(row.Measure)}</td><td>{spread}</td>" +
                      $"<td>{(row.N == 0 ? "—" : R(row.Median, "0.00"))}</td>" +
                      $"<td>{(row.AboveOne is { } above && row.N > 0 ? $"{above}/{row.N}" : "—")}</td><td " +
                      $"style=\"text-align:left\">{E(row.Compares)}</td></tr>");
        }
        sb.Append(
            "</table><p>Both controls beaten (salient masking raises the loss more than random pixels and than the " +
            $"random map) on {f.BeatBoth}/{f.ComparedWithBoth} snippets. " +
            $"Per-DoF maps at {E(f.DofLayer ?? "—")}, target sign = the sign of the true motion.</p>");
        return sb.ToString();
    }

    static string AccuracyTable(IReadOnlyDictionary<string, EvaluationReport> accuracy)
    {
        var sb =
            new StringBuilder(
                "<table><tr><th>model</th><th>test clips</th><th>accuracy</th><th>time-reversed pair " +
                "(raise/lower)</th><th>per class</th></tr>");
        foreach (var (arch, r) in accuracy)
        {
            var pair = ClassifierStudy.TimeReversedPairAccuracy(r);
            var perClass = string.Join(", ", r.ClassNames.Select((n, i) => $"{n} {R(r.PerClassAccuracy[i], "P0")}"));
            sb.Append($"<tr><td>{E(arch)}</td><td>{r.Count}</td><td>{R(r.Accuracy, "P1")}</td>" +
                      $"<td>{(double.IsNaN(pair) ? "n/a" : pair.ToString("P1"))}</td>" +
                      $"<td style=\"text-align:left\">{E(perClass)}</td></tr>");
        }
        return sb.Append("</table>").ToString();
    }

    /// <summary>The accuracy table over seeds: mean ± sd of every number (per class: the mean).</summary>
    static string AccuracyTable(IReadOnlyList<IReadOnlyDictionary<string, EvaluationReport>> bySeed)
    {
        var sb =
            new StringBuilder(
                $"<table><tr><th>model</th><th>test clips</th><th>accuracy (mean ± sd, {bySeed.Count} " +
                "seeds)</th><th>time-reversed pair (raise/lower)</th><th>per class (mean)</th></tr>");
        foreach (var (arch, r) in bySeed[0])
        {
            var accuracy = SeedSpread.Of(bySeed, s => s[arch].Accuracy);
            var pair = SeedSpread.Of(bySeed, s => ClassifierStudy.TimeReversedPairAccuracy(s[arch]));
            var perClass = r.ClassNames.Select((n, i) =>
                $"{n} {R(bySeed.Average(s => s[arch].PerClassAccuracy[i]), "P0")}");
            sb.Append(
                $"<tr><td>{E(arch)}</td><td>{r.Count}</td><td>{P(accuracy)}</td><td>" +
                $"{(double.IsNaN(pair.Mean) ? "n/a" : P(pair))}</td>" +
                $"<td style=\"text-align:left\">{E(string.Join(", ", perClass))}</td></tr>");
        }
        return sb.Append("</table>").ToString();
    }

    static string P(SeedSpread s) => $"{R(s.Mean, "P1")} ± {R(s.Sd, "P1")}";

    /// <summary>The CAM table over seeds: mean ± sd of every score; a pass/fail score as passed in k of N
    /// seeds.</summary>
    static string CamTable(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> bySeed)
    {
        var sb =
            new StringBuilder(
                $"<p>Each cell: mean ± sample sd over the seeds that measured the method: all {bySeed.Count} for " +
                "Grad-CAM " +
            "(what the claims read); seed 0 alone for the other methods (extra seeds measure Grad-CAM only), shown " +
            "without a spread.</p>");
        sb.Append(CamTableHeader());
        foreach (var (arch, e) in bySeed[0])
            foreach (var m in e.Methods)
            {
                var scores = bySeed.Select(s => s[arch].Methods.FirstOrDefault(x => x.Method == m.Method
                    && x.Weighting == m.Weighting)).OfType<MethodScores>().ToList();
                string Cell(ScoreInfo s) => s.IsPassFail ? $"{scores.Count(x => x.Passed(s))}/{scores.Count}"
                    : scores.Count == 1 ? N(scores[0][s], s.Format) : N(SeedSpread.Of(scores, x => x[s]), s.Format);
                sb.Append($"<tr><td>{E(e.Architecture)}</td><td>{E(m.Method)}</td><td>{E(m.Weighting)}</td>" +
                          string.Concat(Cam.Evaluation.CamMetrics.Scores.Select(s => $"<td>{Cell(s)}</td>")) + "</tr>");
            }
        sb.Append("</table><p>Layers: ")
            .Append(string.Join("; ", bySeed[0].Values.Select(e => $"{E(e.Architecture)} {E(e.Layer)}")));
        sb.Append(". Chance levels (mean over seeds): ");
        sb.Append(
            string.Join("; ",
                bySeed[0]
                    .Keys.Select(
                        a =>
                            $"{E(bySeed[0][a].Architecture)}: pointing " +
                            $"{N(bySeed.Average(s => s[a].PointingChance), "0.00")}, energy " +
                            $"{N(bySeed.Average(s => s[a].MaskArea), "0.000")} (uniform map)")));
        if (bySeed.Any(s => s.Values.Any(e => !e.HasGroundTruth)))
            sb.Append(
                ". n/a: not measurable without ground truth (evidence masks, relevant frames); deletion/insertion " +
                "and the sanity check need none");
        return sb.Append("</p>").ToString();
    }

    /// <summary>The CAM table's header: model, method, weighting, then one column per score with its description as a
    /// tooltip.</summary>
    static string CamTableHeader() =>
        "<table><tr><th>model</th><th>method</th><th>weighting</th>" +
        string.Concat(Cam.Evaluation.CamMetrics.Scores.Select(
            s => $"<th title=\"{E(s.Description)}\">{E(s.Header)}{(s.LowerIsBetter ? " ↓" : "")}</th>")) + "</tr>";

    /// <summary>mean ± sd, or "n/a" when not measured (NaN).</summary>
    static string N(SeedSpread s, string format) => double.IsNaN(s.Mean) ? "n/a"
        : $"{N(s.Mean, format)} ± {N(s.Sd, format)}";

    static string CamTable(IEnumerable<CamEvaluation> evaluations)
    {
        var sb = new StringBuilder(CamTableHeader());
        foreach (var e in evaluations)
            foreach (var m in e.Methods)
                sb.Append($"<tr><td>{E(e.Architecture)}</td><td>{E(m.Method)}</td><td>{E(m.Weighting)}</td>" +
                          string.Concat(Cam.Evaluation.CamMetrics.Scores.Select(s => $"<td>{E(s.Print(m[s]))}</td>"))
                              + "</tr>");
        sb.Append("</table><p>Layers: ")
            .Append(string.Join("; ", evaluations.Select(e => $"{E(e.Architecture)} {E(e.Layer)}")));
        sb.Append(". Chance levels: ");
        sb.Append(
            string.Join("; ",
                evaluations.Select(
                    e =>
                        $"{E(e.Architecture)}: pointing {N(e.PointingChance, "0.00")}, energy " +
                        $"{N(e.MaskArea, "0.000")} (uniform map)")));
        if (evaluations.Any(e => !e.HasGroundTruth))
            sb.Append(
                ". n/a: not measurable without ground truth (evidence masks, relevant frames); deletion/insertion " +
                "and the sanity check need none");
        return sb.Append("</p>").ToString();
    }

    /// <summary>A number, or "n/a" for one that was not measured (NaN).</summary>
    static string N(double v, string format) =>
        double.IsNaN(v) ? "n/a" : R(v, format, System.Globalization.CultureInfo.InvariantCulture);

    static string StepsTable(IReadOnlyList<StepTiming> steps,
        IReadOnlyList<(string Notebook, bool Passed, double Seconds)> notebooks)
    {
        var sb = new StringBuilder("<table><tr><th>step</th><th>seconds</th><th>ran or reused</th></tr>");
        foreach (var s in steps)
            sb.Append($"<tr><td style=\"text-align:left\">{E(s.Step)}</td><td>{s.Seconds:0.0}</td>" +
                      $"<td style=\"text-align:left\">{(s.Ran ? "ran"
                          : s.ComputedSeconds > 0 ? $"reused (took {s.ComputedSeconds:0} s when computed)"
                          : "reused")}</td></tr>");
        sb.Append(
            $"<tr><td style=\"text-align:left\"><b>total</b></td><td><b>{steps.Sum(s => s.Seconds):0.0}</b></td><td>" +
            "</td></tr></table>");
        if (notebooks.Count > 0)
        {
            sb.Append("<table><tr><th>notebook (executed copy)</th><th>result</th><th>seconds</th></tr>");
            foreach (var n in notebooks)
                sb.Append(
                    $"<tr><td style=\"text-align:left\"><a href=\"../notebooks/{E(n.Notebook)}\">{E(n.Notebook)}</a>" +
                    $"</td><td>{(n.Passed ? "ok" : "FAILED")}</td><td>{n.Seconds:0}</td></tr>");
            sb.Append("</table>");
        }
        return sb.ToString();
    }
}
