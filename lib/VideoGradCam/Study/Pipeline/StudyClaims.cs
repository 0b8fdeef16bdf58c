using System.Text.Json.Serialization;
using VideoGradCam.Cam;
using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Cam.Metrics;
using VideoGradCam.Models;
using VideoGradCam.Odometry;

namespace VideoGradCam.Study.Pipeline;

/// <summary>One qualitative claim of the study, the number that tests it on ground truth, and a plain verdict.</summary>
/// <param name="SeedVerdicts">with several training seeds (<c>reproduce --seeds N</c>): the verdict the rule gives on each seed's
/// numbers alone (seed 0 first); <see cref="Verdict"/> is the rule applied to the means. Null for one seed.</param>
public sealed record Claim(string Statement, string Measure, string Value, string Rule, string Verdict,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? SeedVerdicts = null)
{
    /// <summary>How many cases the value rests on (e.g. "35 test clips", "24 held-out snippets"); null when not measured.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cases { get; init; }

    /// <summary>How the seeds agree, e.g. "holds in 2 of 3 seeds; partly holds in 1"; null for one seed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SeedAgreement => SeedVerdicts is { Count: > 1 } v
        ? string.Join("; ", v.GroupBy(x => x).OrderByDescending(g => g.Key == Verdict).ThenByDescending(g => g.Count())
            .Select((g, i) => i == 0 ? $"{g.Key} in {g.Count()} of {v.Count} seeds" : $"{g.Key} in {g.Count()}"))
        : null;

    /// <summary>True when some seed's own verdict differs from the verdict on the means.</summary>
    [JsonIgnore]
    public bool SeedsDisagree => SeedVerdicts?.Any(v => v != Verdict) ?? false;
}

/// <summary>
/// The study's qualitative claims, each tested with numbers measured in this run (never typed in): Grad-CAM metrics on
/// the synthetic set's ground truth (masks, relevant frames) and the regression faithfulness of the odometry maps.
/// With several training seeds every number is the mean over seeds with its spread, the verdict applies the rule to the
/// means, and <see cref="Claim.SeedVerdicts"/> holds each seed's own verdict.
/// </summary>
public static class StudyClaims
{
    // The models the claims compare, by their registry names.
    static readonly string R3d = ModelRegistry.R3D18.Name, Lstm = ModelRegistry.CnnLstm.Name, Attention = ModelRegistry.CnnLstmAttention.Name;

    public const string Holds = "holds", Partly = "partly holds", Fails = "does not hold", NotMeasured = "not measured";

    /// <param name="evaluations">architecture -> CAM evaluation (Grad-CAM at the model's default weighting is used).</param>
    /// <param name="odometry">the faithfulness of the odometry maps (<see cref="OdometryStudy.Faithfulness"/>): per held-out snippet,
    /// the loss rise of masking the salient pixels against each control, the sanity check and the flow energy; null: not measured.</param>
    /// <param name="dataName">names the action data in "not measurable" values (e.g. hmdb51).</param>
    public static IReadOnlyList<Claim> Assess(IReadOnlyDictionary<string, CamEvaluation> evaluations, OdometryFaithfulness? odometry,
        string dataName = "the synthetic set") =>
        Assess([evaluations], odometry, dataName);

    /// <summary>The claims over several training seeds: <paramref name="bySeed"/>[k] is seed k's evaluations (same architectures).
    /// Each number is shown as mean ± sample sd (min–max); the verdict is the rule on the means; each seed's own verdict is
    /// kept in <see cref="Claim.SeedVerdicts"/>. One seed gives exactly the single-run claims.</summary>
    /// <param name="odometry">SfMLearner is trained once, so this claim is the same for every seed.</param>
    public static IReadOnlyList<Claim> Assess(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> bySeed, OdometryFaithfulness? odometry,
        string dataName = "the synthetic set")
    {
        if (bySeed.Count == 0) throw new ArgumentException("No seed's evaluations to assess.", nameof(bySeed));
        if (bySeed.Skip(1).Any(s => !s.Keys.Order().SequenceEqual(bySeed[0].Keys.Order())))
            throw new ArgumentException("Every seed needs the same models evaluated.", nameof(bySeed));
        var claims = AssessMeans(bySeed, odometry, dataName);
        if (bySeed.Count == 1) return claims;
        var perSeed = bySeed.Select(s => AssessMeans([s], odometry, dataName)).ToList();
        return claims.Select(c => c with
        {
            Rule = c.Verdict == NotMeasured || c.Statement == OdometryStatement ? c.Rule : $"{c.Rule} (applied to the means over {bySeed.Count} seeds)",
            SeedVerdicts = perSeed.Select(p => p.FirstOrDefault(x => x.Statement == c.Statement)?.Verdict ?? NotMeasured).ToList(),
        }).ToList();
    }

    static MethodScores GradCam(IReadOnlyDictionary<string, CamEvaluation> evaluations, string architecture) =>
        evaluations[architecture].Methods.First(m => m.Method == nameof(CamMethod.GradCam));

    static List<Claim> AssessMeans(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> seeds, OdometryFaithfulness? odometry, string dataName)
    {
        // Every claim on the classifiers rests on the test clips of each model, in each seed.
        string clips = seeds[0].Count == 0 ? "" : $"{seeds[0].Values.First().Clips} test clips per model" + (seeds.Count > 1 ? $", {seeds.Count} seeds" : "");
        List<Claim> WithCases(List<Claim> claims) => claims.Select(c => c.Statement == OdometryStatement || c.Verdict == NotMeasured || clips.Length == 0 ? c : c with { Cases = clips }).ToList();
        if (seeds.SelectMany(s => s.Values).Any(e => !e.HasGroundTruth)) return WithCases(WithoutGroundTruth(seeds, odometry, dataName));
        var evaluations = seeds[0];
        var claims = new List<Claim>();
        SeedSpread S(Func<IReadOnlyDictionary<string, CamEvaluation>, double> value) => SeedSpread.Of(seeds, value);
        SeedSpread G(string a, Func<MethodScores, double> value) => S(e => value(GradCam(e, a)));
        bool Has(params string[] a) => a.All(evaluations.ContainsKey);

        if (evaluations.Count > 0)
        {
            var rows = evaluations.Keys.Select(a => (Architecture: evaluations[a].Architecture, Pointing: G(a, m => m[PointingGameMetric.Score]), PointingChance: S(e => e[a].PointingChance),
                Energy: G(a, m => m[EnergyInMaskMetric.Score]), MaskArea: S(e => e[a].MaskArea))).ToList();
            int above = rows.Count(r => r.Pointing.Mean >= 2 * r.PointingChance.Mean && r.Energy.Mean >= 2 * r.MaskArea.Mean);
            claims.Add(new Claim("Grad-CAM on video is consistent with Grad-CAM on images: the maps point at the class evidence",
                "pointing game on relevant frames (chance: the dilated mask's area) and map energy inside the evidence mask (uniform map: the mask's area), Grad-CAM",
                string.Join("; ", rows.Select(r => $"{r.Architecture}: pointing {r.Pointing.Format("0.00")} (chance {r.PointingChance.Format("0.00")}), energy {r.Energy.Format("0.000")} (uniform {r.MaskArea.Format("0.000")})")),
                "holds if every model points at least twice as often as chance and puts at least twice a uniform map's energy in the mask",
                above == rows.Count ? Holds : above > 0 ? Partly : Fails));
        }
        if (Has(Lstm, Attention))
        {
            var (plainAccuracy, attAccuracy) = (S(e => e[Lstm].Accuracy), S(e => e[Attention].Accuracy));
            var (plainEnergy, attEnergy) = (G(Lstm, m => m[EnergyInMaskMetric.Score]), G(Attention, m => m[EnergyInMaskMetric.Score]));
            bool accuracy = attAccuracy.Mean > plainAccuracy.Mean, focus = attEnergy.Mean > plainEnergy.Mean;
            claims.Add(new Claim("Attention improves accuracy and focus",
                "test accuracy and Grad-CAM energy inside the evidence masks, CNN-LSTM with vs without attention",
                $"accuracy with attention {attAccuracy.Format("P1")} vs without {plainAccuracy.Format("P1")}; energy in mask with attention {attEnergy.Format("0.000")} vs without {plainEnergy.Format("0.000")}",
                "holds if both are higher with attention; partly if one is",
                accuracy && focus ? Holds : accuracy || focus ? Partly : Fails));
        }
        if (evaluations.ContainsKey(Attention) && seeds.All(e => e[Attention].Attention is not null))
        {
            var mass = S(e => e[Attention].Attention!.MassOnRelevant);
            var chance = S(e => e[Attention].Attention!.ChanceMass);
            var auc = S(e => e[Attention].Attention!.Auc);
            claims.Add(new Claim("Attention weights are high on the relevant frames",
                "attention mass on the ground-truth relevant frames (chance: their share) and ROC AUC of the weights against relevance",
                $"mass {mass.Format("P1")} (chance {chance.Format("P1")}); AUC {auc.Format("0.00")}",
                "holds if the AUC is at least 0.7 and the mass beats chance; partly if only the mass beats chance",
                auc.Mean >= 0.7 && mass.Mean > chance.Mean ? Holds : mass.Mean > chance.Mean ? Partly : Fails));
        }
        if (evaluations.Count > 0)
        {
            var rows = evaluations.Keys.Select(a => (Architecture: evaluations[a].Architecture, True: G(a, m => m[EnergyInMaskMetric.Score]),
                Other: G(a, m => m[OtherClassMetric.Energy]), Rho: G(a, m => m[OtherClassMetric.Spearman]))).ToList();
            int distinct = rows.Count(r => r.Other.Mean < r.True.Mean && r.Rho.Mean < 0.8);
            claims.Add(new Claim("Grad-CAM for another class is meaningful (it does not simply repeat the true class's map)",
                "energy of the other-class map inside the true class's evidence, and its rank correlation with the true-class map",
                string.Join("; ", rows.Select(r => $"{r.Architecture}: energy {r.Other.Format("0.000")} vs {r.True.Format("0.000")} for the true class, ρ {r.Rho.Format("0.00")}")),
                "holds if, for every model, the other-class map puts less energy on the true evidence and differs from the true-class map (ρ < 0.8)",
                distinct == rows.Count ? Holds : distinct > 0 ? Partly : Fails));
        }
        if (Has(R3d, Lstm))
        {
            var rho = S(e => FrameImportanceRho(e));
            var (aucR, aucL) = (G(R3d, m => m[TemporalAucMetric.Score]), G(Lstm, m => m[TemporalAucMetric.Score]));
            claims.Add(new Claim("The 3D net's Grad-CAM follows the CNN-LSTM's pattern over time",
                "rank correlation of per-frame importance between R3D-18 and CNN-LSTM on the same clips; each model's temporal AUC",
                $"mean ρ {rho.Format("0.00")}; temporal AUC R3D-18 {aucR.Format("0.00")}, CNN-LSTM {aucL.Format("0.00")}",
                "holds if ρ ≥ 0.5 and both AUCs > 0.5; partly if both AUCs > 0.5",
                rho.Mean >= 0.5 && aucR.Mean > 0.5 && aucL.Mean > 0.5 ? Holds : aucR.Mean > 0.5 && aucL.Mean > 0.5 ? Partly : Fails));
        }
        claims.Add(Odometry(odometry, seeds.Count));
        return WithCases(claims);
    }

    /// <summary>Mean over clips of the rank correlation between R3D-18's and CNN-LSTM's per-frame Grad-CAM importance.</summary>
    static double FrameImportanceRho(IReadOnlyDictionary<string, CamEvaluation> e) =>
        GradCam(e, R3d).FrameImportance.Zip(GradCam(e, Lstm).FrameImportance, (x, y) => Ranks.Spearman(x, y)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();

    const string OdometryStatement = "Odometry (regression) Grad-CAM maps are mostly meaningful";

    /// <summary>The fewest held-out snippets with a map that the odometry claim may hold on.</summary>
    public const int MinOdometrySnippets = 20;

    /// <summary>
    /// The odometry claim, from the faithfulness of the negative-loss maps at the measured layer. Holds when at least
    /// <see cref="MinOdometrySnippets"/> snippets have a map, masking the salient pixels raises the loss more than both random
    /// pixels and a random layer-resolution map on more than half of them, and the sanity check passes (the maps change when
    /// the PoseNet's weights are re-initialised). Does not hold when the salient pixels beat neither control on most snippets.
    /// Partly otherwise, with the reason in the value. The flow energy of the per-DoF maps is reported beside, not judged.
    /// </summary>
    public static Claim Odometry(OdometryFaithfulness? f) => Odometry(f, 1);

    static Claim Odometry(OdometryFaithfulness? f, int seeds)
    {
        string once = seeds > 1 ? " (SfMLearner is trained once, not per seed)" : "";
        const string rule = "holds if at least 20 held-out snippets have a map, masking their 10% most salient pixels raises the loss more than " +
            "both controls (random pixels and a random layer-resolution map) on more than half of them, and the sanity check passes " +
            "(mean |ρ| between trained and randomised-PoseNet maps < 0.5); does not hold if the salient pixels beat neither control on most " +
            "snippets; partly otherwise";
        string layer = f is null ? "the PoseNet layer chosen by size" : f.LayerHeight > 0 ? $"{f.Layer} ({f.LayerWidth}×{f.LayerHeight} cells)" : f.Layer;
        string measure = $"per held-out snippet, the negative-loss Grad-CAM map at {layer}, the deepest PoseNet conv whose map is at least " +
            $"{PoseLayerChoice.MinSide}×{PoseLayerChoice.MinSide} cells at this input size (conv7 is 1x1): loss rise when masking its 10% most salient " +
            "pixels / when masking as many random pixels, and / when masking the top 10% of a random map drawn at the layer's resolution " +
            "(5 draws each, seeded per snippet), and the reversed control: masking its 10% least salient pixels / as many random pixels, and the most / the least salient; sanity check: Spearman ρ between the map and the map of the same snippet with the PoseNet re-initialised " +
            "(all its layers, fixed seed); flow energy: per-DoF maps (tz, ry of the motion to t+1) against the true optical flow " +
            "(share of map energy in the 25% pixels with the largest flow / 0.25, a uniform map's share). Snippets with a flat map are left out";
        if (f is null) return new Claim(OdometryStatement, measure, "—", rule, NotMeasured);
        var ratio = f.Ratio;
        int flat = f.Snippets.Count(s => s.FlatMap);
        string Of(int k, int n) => $"{k}/{n} ({(n == 0 ? 0 : 100.0 * k / n):0}%)";
        string cases = $"{ratio.N} held-out snippet{(ratio.N == 1 ? "" : "s")}" +
                       (flat > 0 ? $", {flat} with a flat map left out" : "") +
                       (f.HeldOutSnippets > f.Snippets.Count ? $" (of {f.HeldOutSnippets} held out)" : "");
        if (ratio.N == 0)
            return new Claim(OdometryStatement, measure, f.Snippets.Count > 0 ? $"every map was flat ({f.Snippets.Count} snippets)" : "—", rule, NotMeasured)
                { Cases = f.Snippets.Count > 0 ? cases : null };
        var randomMap = f.RatioRandomMap;
        var (sanity, absRho) = (f.SanityRho, f.SanityAbsRho);
        var parts = new List<string>
        {
            $"vs random pixels: ratio {ratio.Format()}, {Of(ratio.Above, ratio.N)} above 1",
            randomMap.N > 0 ? $"vs a random {f.LayerWidth}×{f.LayerHeight} map: ratio {randomMap.Format()}, {Of(randomMap.Above, randomMap.N)} above 1" : "random-map control not measured",
            $"both controls beaten on {Of(f.BeatBoth, f.ComparedWithBoth)}",
            $"vs the salient shape shifted: ratio {f.RatioShifted.Format()}, {Of(f.RatioShifted.Above, f.RatioShifted.N)} above 1",
            f.RatioLeast.N > 0 ? $"reversed control, the least salient pixels vs random pixels: ratio {f.RatioLeast.Format()}, {Of(f.RatioLeast.Above, f.RatioLeast.N)} above 1; " +
                $"the most vs the least salient: ratio {f.RatioTopBottom.Format()}, {Of(f.RatioTopBottom.Above, f.RatioTopBottom.N)} above 1 " +
                (f.RatioTopBottom.Above * 2 > f.RatioTopBottom.N ? "(the map's top matters more than its bottom)" : "(the map's top matters no more than its bottom)")
                : "reversed control not measured",
            absRho.N > 0
                ? $"sanity: ρ(trained, randomised PoseNet) {sanity.Format()}, mean |ρ| {absRho.Mean:0.00} ({(f.SanityPasses == true ? "< 0.5: the maps change" : "≥ 0.5: the maps barely change")})"
                : "sanity check not measured",
        };
        var full = f.FlowFullMotion;
        var alone = f.FlowDofAlone;
        if (OdometryFaithfulness.FlowDofs.Any(d => full[d].N > 0))
        {
            var below = OdometryFaithfulness.FlowDofs.Where(d => full[d].N > 0 && full[d].Mean < 1).ToList();
            var above = OdometryFaithfulness.FlowDofs.Where(d => full[d].N > 0 && full[d].Mean > 1).ToList();
            parts.Add("flow-energy ratio (uniform map = 1): " + string.Join("; ", OdometryFaithfulness.FlowDofs.Select(d =>
                $"{d} map {full[d].Format()} with the full motion's flow, {alone[d].Format()} with {d}'s alone")) +
                (below.Count > 0 ? $" (the {string.Join(" and ", below)} map{(below.Count > 1 ? "s put" : " puts")} less energy than a uniform map where the scene moves most)" : "") +
                (above.Count > 0 ? $" (the {string.Join(" and ", above)} map{(above.Count > 1 ? "s concentrate" : " concentrates")} where the scene moves most)" : ""));
        }
        else parts.Add("flow energy not measured (no true depth and poses)");
        bool enough = ratio.N >= MinOdometrySnippets;
        bool beatsBoth = f.ComparedWithBoth > 0 && f.BeatBoth * 2 > f.ComparedWithBoth;
        bool beatsPixels = ratio.Above * 2 > ratio.N, beatsMap = randomMap.N > 0 && randomMap.Above * 2 > randomMap.N;
        bool sane = f.SanityPasses == true;
        string verdict = enough && beatsBoth && sane ? Holds : !beatsPixels && !beatsMap ? Fails : Partly;
        var reasons = new List<string>();
        if (!enough) reasons.Add($"only {ratio.N} snippets with a map (the claim needs {MinOdometrySnippets})");
        if (!beatsBoth) reasons.Add(!beatsPixels && !beatsMap ? "the salient pixels beat neither control on most snippets"
            : !beatsPixels ? "the salient pixels do not beat random pixels on most snippets"
            : !beatsMap ? "the salient pixels do not beat the random layer-resolution map on most snippets"
            : "the salient pixels beat each control on most snippets, but both at once on only half or fewer");
        if (!sane) reasons.Add(f.SanityPasses is null ? "the sanity check was not measured" : "the sanity check fails: the maps barely change with a randomised PoseNet");
        string value = string.Join("; ", parts) + once + (reasons.Count > 0 && verdict != Holds ? $". Why not \"holds\": {string.Join("; ", reasons)}" : "");
        return new Claim(OdometryStatement, measure, value, rule, verdict) { Cases = cases };
    }

    /// <summary>
    /// The claims on a real action set without annotations: every claim whose rule needs the evidence masks or the relevant
    /// frames is "not measured" (never estimated); its value shows the parts that are measurable here (accuracy, rank
    /// correlations). The deletion/insertion and sanity results stay in the CAM table.
    /// </summary>
    static List<Claim> WithoutGroundTruth(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> seeds, OdometryFaithfulness? odometry, string dataName)
    {
        var evaluations = seeds[0];
        string none = $"not measurable on {dataName} (no ground truth)";
        SeedSpread S(Func<IReadOnlyDictionary<string, CamEvaluation>, double> value) => SeedSpread.Of(seeds, value);
        bool Has(params string[] a) => a.All(evaluations.ContainsKey);
        var claims = new List<Claim>
        {
            new("Grad-CAM on video is consistent with Grad-CAM on images: the maps point at the class evidence",
                "pointing game and energy inside the evidence masks", $"{none}: no evidence masks", "needs evidence masks", NotMeasured),
        };
        claims.Add(new Claim("Attention improves accuracy and focus", "test accuracy and Grad-CAM energy inside the evidence masks, CNN-LSTM with vs without attention",
            Has(Lstm, Attention)
                ? $"accuracy with attention {S(e => e[Attention].Accuracy).Format("P1")} vs without {S(e => e[Lstm].Accuracy).Format("P1")}; focus (energy in mask) {none}"
                : none,
            "needs evidence masks for the focus half", NotMeasured));
        static double AttentionRho(IReadOnlyDictionary<string, CamEvaluation> e) =>
            e.TryGetValue(Attention, out var att) && att.AttentionWeights is { } weights
                ? weights.Zip(GradCam(e, Attention).FrameImportance, (w, i) => Ranks.Spearman(w, i)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average()
                : double.NaN;
        var attentionRho = S(AttentionRho);
        claims.Add(new Claim("Attention weights are high on the relevant frames",
            "attention mass on the ground-truth relevant frames; measurable here: rank correlation of the attention weights with Grad-CAM's per-frame importance",
            (double.IsNaN(attentionRho.Mean) ? "" : $"ρ(attention, Grad-CAM per-frame importance) {attentionRho.Format("0.00")}; ") + $"mass on relevant frames {none}",
            "needs relevant frames", NotMeasured));
        claims.Add(new Claim("Grad-CAM for another class is meaningful (it does not simply repeat the true class's map)",
            "energy of the other-class map inside the true class's evidence, and its rank correlation with the true-class map",
            $"ρ(true-class map, other-class map): {string.Join("; ", evaluations.Keys.Select(a => $"{evaluations[a].Architecture} {S(e => GradCam(e, a)[OtherClassMetric.Spearman]).Format("0.00")}"))}; energy in the evidence {none}",
            "needs evidence masks for the energy half", NotMeasured));
        if (Has(R3d, Lstm))
            claims.Add(new Claim("The 3D net's Grad-CAM follows the CNN-LSTM's pattern over time",
                "rank correlation of per-frame importance between R3D-18 and CNN-LSTM on the same clips; each model's temporal AUC",
                $"mean ρ {S(FrameImportanceRho).Format("0.00")}; temporal AUC {none}", "needs relevant frames for the temporal AUC", NotMeasured));
        claims.Add(Odometry(odometry, seeds.Count));
        return claims;
    }
}
