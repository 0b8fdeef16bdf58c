using System.Globalization;
using VideoGradCam.Cam;
using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Cam.Metrics;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Metrics;
using static VideoGradCam.Study.Pipeline.ClaimRules;

namespace VideoGradCam.Study.Pipeline;

/// <summary>
/// The study's qualitative claims, each tested with numbers measured in this run (never typed in): Grad-CAM metrics on
/// the synthetic set's ground truth (masks, relevant frames) and the regression faithfulness of the odometry maps.
/// Each verdict and rule sentence comes from the claim's <see cref="ClaimRules"/> entry. With several training seeds
/// every number is the mean over seeds with its spread, the verdict applies the rule to the means, and
/// <see cref="Claim.SeedVerdicts"/> holds each seed's own verdict.
/// </summary>
public static class StudyClaims
{
    // The models the claims compare, by their registry names.
    static readonly string R3d = ModelRegistry.R3D18.Name, Lstm = ModelRegistry.CnnLstm.Name;
    static readonly string Attention = ModelRegistry.CnnLstmAttention.Name;

    public const string Holds = "holds", Partly = "partly holds", Fails = "does not hold", NotMeasured = "not measured";

    /// <param name="evaluations">architecture -> CAM evaluation (Grad-CAM at the model's default weighting is
    /// used).</param>
    /// <param name="odometry">the faithfulness of the odometry maps (<see cref="OdometryStudy.Faithfulness"/>): per
    /// held-out snippet, the loss rise of masking the salient pixels against each control, the sanity check and the
    /// flow energy; null: not measured.</param>
    /// <param name="dataName">names the action data in "not measurable" values (e.g. hmdb51).</param>
    public static IReadOnlyList<Claim> Assess(IReadOnlyDictionary<string, CamEvaluation> evaluations,
        OdometryFaithfulness? odometry, string dataName = "the synthetic set") =>
        Assess([evaluations], odometry, dataName);

    /// <summary>The claims over several training seeds: <paramref name="bySeed"/>[k] is seed k's evaluations (same
    /// architectures). Each number is shown as mean ± sample sd (the range in the claim's details); the verdict is the
    /// rule on the means; each seed's own verdict is kept in <see cref="Claim.SeedVerdicts"/>. One seed gives exactly
    /// the single-run claims.</summary>
    /// <param name="odometry">SfMLearner is trained once, so this claim is the same for every seed.</param>
    public static IReadOnlyList<Claim> Assess(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> bySeed,
        OdometryFaithfulness? odometry, string dataName = "the synthetic set")
    {
        if (bySeed.Count == 0) throw new ArgumentException("No seed's evaluations to assess.", nameof(bySeed));
        if (bySeed.Skip(1).Any(s => !s.Keys.Order().SequenceEqual(bySeed[0].Keys.Order())))
            throw new ArgumentException("Every seed needs the same models evaluated.", nameof(bySeed));
        var claims = AssessMeans(bySeed, odometry, dataName);
        if (bySeed.Count == 1) return claims;
        var perSeed = bySeed.Select(s => AssessMeans([s], odometry, dataName)).ToList();
        return claims.Select(c => c with
        {
            Rule = c.Verdict == NotMeasured || c.Statement == OdometryStatement ? c.Rule
                : $"{c.Rule} (applied to the means over {bySeed.Count} seeds)",
            SeedVerdicts = perSeed
                .Select(p => p.FirstOrDefault(x => x.Statement == c.Statement)?.Verdict ?? NotMeasured).ToList(),
        }).ToList();
    }

    /// <summary>The claim whose statement contains <paramref name="words"/> (case-insensitive).</summary>
    public static Claim About(this IReadOnlyList<Claim> claims, string words) =>
        claims.FirstOrDefault(c => c.Statement.Contains(words, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No claim mentions '{words}'; the claims: " +
                                       string.Join(" | ", claims.Select(c => c.Statement)));

    static MethodScores GradCam(IReadOnlyDictionary<string, CamEvaluation> evaluations, string architecture) =>
        evaluations[architecture].Methods.First(m => m.Method == nameof(CamMethod.GradCam));

    static Measurement Measured(params (string Name, double Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value));

    static List<Claim> AssessMeans(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> seeds,
        OdometryFaithfulness? odometry, string dataName)
    {
        // Every claim on the classifiers rests on the test clips of each model, in each seed.
        string clips = seeds[0].Count == 0 ? ""
            : $"{seeds[0].Values.First().Clips} test clips per model" +
              (seeds.Count > 1 ? $", {seeds.Count} seeds" : "");
        bool Clipped(Claim c) => c.Statement != OdometryStatement && c.Verdict != NotMeasured && clips.Length > 0;
        List<Claim> WithCases(List<Claim> claims) =>
            claims.Select(c => Clipped(c) ? c with { Cases = clips } : c).ToList();
        if (seeds.SelectMany(s => s.Values).Any(e => !e.HasGroundTruth))
            return WithCases(WithoutGroundTruth(seeds, odometry, dataName));
        var evaluations = seeds[0];
        var claims = new List<Claim>();
        SeedSpread S(Func<IReadOnlyDictionary<string, CamEvaluation>, double> value) => SeedSpread.Of(seeds, value);
        SeedSpread G(string a, Func<MethodScores, double> value) => S(e => value(GradCam(e, a)));
        bool Has(params string[] a) => a.All(evaluations.ContainsKey);
        // Per-model values show mean ± sd over seeds and a reference (chance, a uniform map) by its mean, the number
        // the rule reads; every number's range goes to the claim's details.
        bool several = seeds.Count > 1;
        string Short(SeedSpread s, string format) => s.Format(format, range: false);
        string Mean(SeedSpread s, string format) => s.Mean.ToString(format, CultureInfo.CurrentCulture);
        IReadOnlyList<ClaimDetail>? Ranges(IEnumerable<(string Measurement, SeedSpread Spread, string Format)> rows) =>
            several ? rows.Select(r => new ClaimDetail(r.Measurement, r.Spread.Format(r.Format))).ToList() : null;

        if (evaluations.Count > 0)
        {
            var rows = evaluations.Keys.Select(a => (Architecture: evaluations[a].Architecture,
                Pointing: G(a, m => m[PointingGameMetric.Score]), PointingChance: S(e => e[a].PointingChance),
                Energy: G(a, m => m[EnergyInMaskMetric.Score]), MaskArea: S(e => e[a].MaskArea))).ToList();
            var measured = new Measurement(new Dictionary<string, double>(), rows.Select(r => Measured(
                (Pointing, r.Pointing.Mean), (PointingChance, r.PointingChance.Mean),
                (Energy, r.Energy.Mean), (Uniform, r.MaskArea.Mean))).ToList());
            claims.Add(Claim.Judged(ConsistencyStatement,
                "pointing game on relevant frames (chance: the dilated mask's area) and map energy inside the " +
                "evidence mask (uniform map: the mask's area), Grad-CAM",
                string.Join("; ", rows.Select(r => $"{r.Architecture}: pointing {Short(r.Pointing, "0.00")} " +
                    $"(chance {Mean(r.PointingChance, "0.00")}), energy {Short(r.Energy, "0.000")} " +
                    $"(uniform {Mean(r.MaskArea, "0.000")})")),
                Consistency, measured) with
            {
                Details = Ranges(rows.SelectMany(r => new[]
                {
                    ($"{r.Architecture}: pointing", r.Pointing, "0.00"),
                    ($"{r.Architecture}: chance", r.PointingChance, "0.00"),
                    ($"{r.Architecture}: energy", r.Energy, "0.000"),
                    ($"{r.Architecture}: uniform", r.MaskArea, "0.000"),
                })),
            });
        }
        if (Has(Lstm, Attention))
        {
            var (plainAccuracy, attAccuracy) = (S(e => e[Lstm].Accuracy), S(e => e[Attention].Accuracy));
            var plainEnergy = G(Lstm, m => m[EnergyInMaskMetric.Score]);
            var attEnergy = G(Attention, m => m[EnergyInMaskMetric.Score]);
            claims.Add(Claim.Judged("Attention improves accuracy and focus",
                "test accuracy and Grad-CAM energy inside the evidence masks, CNN-LSTM with vs without attention",
                $"accuracy with attention {attAccuracy.Format("P1")} vs without {plainAccuracy.Format("P1")}; " +
                $"energy in mask with attention {attEnergy.Format("0.000")} vs without {plainEnergy.Format("0.000")}",
                AttentionImproves, Measured((AccuracyWith, attAccuracy.Mean), (AccuracyWithout, plainAccuracy.Mean),
                    (EnergyWith, attEnergy.Mean), (EnergyWithout, plainEnergy.Mean))));
        }
        if (evaluations.ContainsKey(Attention) && seeds.All(e => e[Attention].Attention is not null))
        {
            var mass = S(e => e[Attention].Attention!.MassOnRelevant);
            var chance = S(e => e[Attention].Attention!.ChanceMass);
            var auc = S(e => e[Attention].Attention!.Auc);
            claims.Add(Claim.Judged("Attention weights are high on the relevant frames",
                "attention mass on the ground-truth relevant frames (chance: their share) and ROC AUC of the weights " +
                "against relevance",
                $"mass {mass.Format("P1")} (chance {chance.Format("P1")}); AUC {auc.Format("0.00")}",
                AttentionOnRelevant, Measured((Mass, mass.Mean), (MassChance, chance.Mean), (Auc, auc.Mean))));
        }
        if (evaluations.Count > 0)
        {
            var rows = evaluations.Keys.Select(a => (Architecture: evaluations[a].Architecture,
                True: G(a, m => m[EnergyInMaskMetric.Score]), Other: G(a, m => m[OtherClassMetric.Energy]),
                Rho: G(a, m => m[OtherClassMetric.Spearman]))).ToList();
            var measured = new Measurement(new Dictionary<string, double>(), rows.Select(r => Measured(
                (OtherEnergy, r.Other.Mean), (TrueEnergy, r.True.Mean), (OtherRho, r.Rho.Mean))).ToList());
            claims.Add(Claim.Judged(OtherClassStatement,
                "energy of the other-class map inside the true class's evidence, and its rank correlation with the " +
                "true-class map",
                string.Join("; ", rows.Select(r => $"{r.Architecture}: energy {Short(r.Other, "0.000")} vs " +
                    $"{Short(r.True, "0.000")} for the true class, ρ {Short(r.Rho, "0.00")}")),
                OtherClass, measured) with
            {
                Details = Ranges(rows.SelectMany(r => new[]
                {
                    ($"{r.Architecture}: other-class energy", r.Other, "0.000"),
                    ($"{r.Architecture}: true-class energy", r.True, "0.000"), ($"{r.Architecture}: ρ", r.Rho, "0.00"),
                })),
            });
        }
        if (Has(R3d, Lstm))
        {
            var rho = S(e => FrameImportanceRho(e));
            var (aucR, aucL) = (G(R3d, m => m[TemporalAucMetric.Score]), G(Lstm, m => m[TemporalAucMetric.Score]));
            claims.Add(Claim.Judged("The 3D net's Grad-CAM follows the CNN-LSTM's pattern over time",
                "rank correlation of per-frame importance between R3D-18 and CNN-LSTM on the same clips; each " +
                "model's temporal AUC",
                $"mean ρ {rho.Format("0.00")}; temporal AUC R3D-18 {aucR.Format("0.00")}, " +
                $"CNN-LSTM {aucL.Format("0.00")}",
                SamePatternOverTime, Measured((FrameRho, rho.Mean), (AucR3d, aucR.Mean), (AucLstm, aucL.Mean))));
        }
        claims.Add(Odometry(odometry, seeds.Count));
        return WithCases(claims);
    }

    /// <summary>Mean over clips of the rank correlation between R3D-18's and CNN-LSTM's per-frame Grad-CAM
    /// importance.</summary>
    static double FrameImportanceRho(IReadOnlyDictionary<string, CamEvaluation> e) =>
        GradCam(e, R3d).FrameImportance.Zip(GradCam(e, Lstm).FrameImportance, (x, y) => Ranks.Spearman(x, y))
            .Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();

    const string OdometryStatement = "Odometry (regression) Grad-CAM maps are mostly meaningful";
    const string ConsistencyStatement =
        "Grad-CAM on video is consistent with Grad-CAM on images: the maps point at the class evidence";
    const string OtherClassStatement =
        "Grad-CAM for another class is meaningful (it does not simply repeat the true class's map)";

    /// <summary>
    /// The odometry claim, from the faithfulness of the negative-loss maps at the measured layer, by
    /// <see cref="ClaimRules.Odometry"/>: enough snippets with a map, the salient pixels beating both controls on most
    /// of them and the sanity check passed. Its value is the share beating both controls and the sanity check's mean
    /// |ρ|; every other number (each control, the reversed control, the flow energy, why it does not hold) is in its
    /// details. The flow energy is reported beside, not judged.
    /// </summary>
    public static Claim Odometry(OdometryFaithfulness? f) => Odometry(f, 1);

    static Claim Odometry(OdometryFaithfulness? f, int seeds)
    {
        string once = seeds > 1 ? " (SfMLearner is trained once, not per seed)" : "";
        string layer = f is null ? "the PoseNet layer chosen by size"
            : f.LayerHeight > 0 ? $"{f.Layer} ({f.LayerWidth}×{f.LayerHeight} cells)" : f.Layer;
        string measure = $"per held-out snippet, the negative-loss Grad-CAM map at {layer}, the deepest PoseNet conv " +
            $"whose map is at least {PoseLayerChoice.MinSide}×{PoseLayerChoice.MinSide} cells at this input size " +
            "(conv7 is 1x1): loss rise when masking its 10% most salient pixels / when masking as many random " +
            "pixels, and / when masking the top 10% of a random map drawn at the layer's resolution (5 draws each, " +
            "seeded per snippet), and the reversed control: masking its 10% least salient pixels / as many random " +
            "pixels, and the most / the least salient; sanity check: Spearman ρ between the map and the map of the " +
            "same snippet with the PoseNet re-initialised (all its layers, fixed seed); flow energy: per-DoF maps " +
            "(tz, ry of the motion to t+1) against the true optical flow (share of map energy in the 25% pixels " +
            "with the largest flow / 0.25, a uniform map's share). Snippets with a flat map are left out";
        var rule = ClaimRules.Odometry;
        if (f is null) return new Claim(OdometryStatement, measure, "—", rule.Sentence, NotMeasured);
        var ratio = f.Ratio;
        int flat = f.Snippets.Count(s => s.FlatMap);
        string cases = $"{ratio.N} held-out snippet{(ratio.N == 1 ? "" : "s")}" +
                       (flat > 0 ? $", {flat} with a flat map left out" : "") +
                       (f.HeldOutSnippets > f.Snippets.Count ? $" (of {f.HeldOutSnippets} held out)" : "");
        if (ratio.N == 0)
        {
            string allFlat = f.Snippets.Count > 0 ? $"every map was flat ({f.Snippets.Count} snippets)" : "—";
            return new Claim(OdometryStatement, measure, allFlat, rule.Sentence, NotMeasured)
                { Cases = f.Snippets.Count > 0 ? cases : null };
        }
        var (randomMap, absRho) = (f.RatioRandomMap, f.SanityAbsRho);
        static double Share(int k, int n) => n == 0 ? double.NaN : (double)k / n;
        var measured = Measured((Snippets, ratio.N), (BeatBothShare, Share(f.BeatBoth, f.ComparedWithBoth)),
            (SanityAbsRho, absRho.N > 0 ? absRho.Mean : double.NaN),
            (BeatPixelsShare, Share(ratio.Above, ratio.N)), (BeatMapShare, Share(randomMap.Above, randomMap.N)));
        string Of(int k, int n) => $"{k}/{n} ({(n == 0 ? 0 : 100.0 * k / n):0}%)";
        string sanity = absRho.N > 0 ? $"mean |ρ| with a randomised PoseNet {absRho.Mean:0.00}"
            : "sanity check not measured";
        string value = $"both controls beaten on {Of(f.BeatBoth, f.ComparedWithBoth)}; {sanity}{once}";
        var claim = Claim.Judged(OdometryStatement, measure, value, rule, measured);
        return claim with { Cases = cases, Details = OdometryDetails(f, measured, claim.Verdict) };
    }

    /// <summary>The odometry claim's numbers, one row each: every control with how many snippets beat it, the
    /// reversed control, the sanity check, the flow energy and, unless it holds, why not.</summary>
    static List<ClaimDetail> OdometryDetails(OdometryFaithfulness f, Measurement measured, string verdict)
    {
        var (ratio, randomMap, sanity, absRho) = (f.Ratio, f.RatioRandomMap, f.SanityRho, f.SanityAbsRho);
        string Of(int k, int n) => $"{k}/{n} ({(n == 0 ? 0 : 100.0 * k / n):0}%)";
        var rows = new List<ClaimDetail>
        {
            new("vs random pixels", $"ratio {ratio.Format()}, {Of(ratio.Above, ratio.N)} above 1"),
            randomMap.N > 0
                ? new($"vs a random {f.LayerWidth}×{f.LayerHeight} map",
                    $"ratio {randomMap.Format()}, {Of(randomMap.Above, randomMap.N)} above 1")
                : new("random-map control", "not measured"),
            new("both controls beaten", $"on {Of(f.BeatBoth, f.ComparedWithBoth)}"),
            new("vs the salient shape shifted",
                $"ratio {f.RatioShifted.Format()}, {Of(f.RatioShifted.Above, f.RatioShifted.N)} above 1"),
        };
        if (f.RatioLeast.N > 0)
        {
            var topBottom = f.RatioTopBottom;
            rows.Add(new("reversed control, the least salient pixels vs random pixels",
                $"ratio {f.RatioLeast.Format()}, {Of(f.RatioLeast.Above, f.RatioLeast.N)} above 1"));
            rows.Add(new("the most vs the least salient pixels",
                $"ratio {topBottom.Format()}, {Of(topBottom.Above, topBottom.N)} above 1 " +
                (topBottom.Above * 2 > topBottom.N ? "(the map's top matters more than its bottom)"
                    : "(the map's top matters no more than its bottom)")));
        }
        else rows.Add(new("reversed control", "not measured"));
        rows.Add(absRho.N > 0
            ? new("sanity", $"ρ(trained, randomised PoseNet) {sanity.Format()}, mean |ρ| {absRho.Mean:0.00} " +
                (f.SanityPasses == true ? "(< 0.5: the maps change)" : "(≥ 0.5: the maps barely change)"))
            : new("sanity", "not measured"));
        rows.Add(FlowEnergy(f));
        var reasons = WhyNot(f, measured);
        if (verdict != Holds && reasons.Count > 0) rows.Add(new("why not \"holds\"", string.Join("; ", reasons)));
        return rows;
    }

    /// <summary>The per-DoF maps' flow-energy ratios (a uniform map's is 1), with where each concentrates.</summary>
    static ClaimDetail FlowEnergy(OdometryFaithfulness f)
    {
        var (full, alone, dofs) = (f.FlowFullMotion, f.FlowDofAlone, OdometryFaithfulness.FlowDofs);
        if (!dofs.Any(d => full[d].N > 0))
            return new("flow-energy ratio", "not measured (no true depth and poses)");
        var below = dofs.Where(d => full[d].N > 0 && full[d].Mean < 1).ToList();
        var above = dofs.Where(d => full[d].N > 0 && full[d].Mean > 1).ToList();
        string Maps(List<string> d, string one, string several) =>
            $"the {string.Join(" and ", d)} map{(d.Count > 1 ? several : one)}";
        return new("flow-energy ratio (uniform map = 1)", string.Join("; ", dofs.Select(d =>
                $"{d} map {full[d].Format()} with the full motion's flow, {alone[d].Format()} with {d}'s alone")) +
            (below.Count > 0 ? $" ({Maps(below, " puts", "s put")} less energy than a uniform map where the scene " +
                "moves most)" : "") +
            (above.Count > 0 ? $" ({Maps(above, " concentrates", "s concentrate")} where the scene moves most)" : ""));
    }

    /// <summary>Why the odometry claim does not hold, one reason per unmet condition of its rule.</summary>
    static List<string> WhyNot(OdometryFaithfulness f, Measurement measured)
    {
        bool beatsPixels = BeatsPixels.Test(measured), beatsMap = BeatsMap.Test(measured);
        var reasons = new List<string>();
        if (!EnoughSnippets.Test(measured))
            reasons.Add($"only {f.Ratio.N} snippets with a map (the claim needs {MinSnippets.Text})");
        if (!BeatsBoth.Test(measured))
            reasons.Add(!beatsPixels && !beatsMap ? "the salient pixels beat neither control on most snippets"
                : !beatsPixels ? "the salient pixels do not beat random pixels on most snippets"
                : !beatsMap ? "the salient pixels do not beat the random layer-resolution map on most snippets"
                : "the salient pixels beat each control on most snippets, but both at once on only half or fewer");
        if (!MapsChange.Test(measured))
            reasons.Add(f.SanityPasses is null ? "the sanity check was not measured"
                : "the sanity check fails: the maps barely change with a randomised PoseNet");
        return reasons;
    }

    /// <summary>
    /// The claims on a real action set without annotations: every claim whose rule needs the evidence masks or the
    /// relevant frames is "not measured" (never estimated); its value shows the parts that are measurable here
    /// (accuracy, rank correlations). The deletion/insertion and sanity results stay in the CAM table.
    /// </summary>
    static List<Claim> WithoutGroundTruth(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> seeds,
        OdometryFaithfulness? odometry, string dataName)
    {
        var evaluations = seeds[0];
        string none = $"not measurable on {dataName} (no ground truth)";
        SeedSpread S(Func<IReadOnlyDictionary<string, CamEvaluation>, double> value) => SeedSpread.Of(seeds, value);
        bool Has(params string[] a) => a.All(evaluations.ContainsKey);
        var claims = new List<Claim>
        {
            new(ConsistencyStatement, "pointing game and energy inside the evidence masks",
                $"{none}: no evidence masks", "needs evidence masks", NotMeasured),
        };
        claims.Add(new Claim("Attention improves accuracy and focus",
            "test accuracy and Grad-CAM energy inside the evidence masks, CNN-LSTM with vs without attention",
            Has(Lstm, Attention)
                ? $"accuracy with attention {S(e => e[Attention].Accuracy).Format("P1")} vs without " +
                  $"{S(e => e[Lstm].Accuracy).Format("P1")}; focus (energy in mask) {none}"
                : none,
            "needs evidence masks for the focus half", NotMeasured));
        static double AttentionRho(IReadOnlyDictionary<string, CamEvaluation> e) =>
            e.TryGetValue(Attention, out var att) && att.AttentionWeights is { } weights
                ? weights.Zip(GradCam(e, Attention).FrameImportance, (w, i) => Ranks.Spearman(w, i))
                    .Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average()
                : double.NaN;
        var attentionRho = S(AttentionRho);
        claims.Add(new Claim("Attention weights are high on the relevant frames",
            "attention mass on the ground-truth relevant frames; measurable here: rank correlation of the attention " +
            "weights with Grad-CAM's per-frame importance",
            (double.IsNaN(attentionRho.Mean) ? ""
                : $"ρ(attention, Grad-CAM per-frame importance) {attentionRho.Format("0.00")}; ") +
            $"mass on relevant frames {none}",
            "needs relevant frames", NotMeasured));
        var otherRho = evaluations.Keys.Select(a =>
            $"{evaluations[a].Architecture} {S(e => GradCam(e, a)[OtherClassMetric.Spearman]).Format("0.00")}");
        claims.Add(new Claim(OtherClassStatement,
            "energy of the other-class map inside the true class's evidence, and its rank correlation with the " +
            "true-class map",
            $"ρ(true-class map, other-class map): {string.Join("; ", otherRho)}; energy in the evidence {none}",
            "needs evidence masks for the energy half", NotMeasured));
        if (Has(R3d, Lstm))
            claims.Add(new Claim("The 3D net's Grad-CAM follows the CNN-LSTM's pattern over time",
                "rank correlation of per-frame importance between R3D-18 and CNN-LSTM on the same clips; each " +
                "model's temporal AUC",
                $"mean ρ {S(FrameImportanceRho).Format("0.00")}; temporal AUC {none}",
                "needs relevant frames for the temporal AUC", NotMeasured));
        claims.Add(Odometry(odometry, seeds.Count));
        return claims;
    }
}
