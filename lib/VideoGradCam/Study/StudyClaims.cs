using VideoGradCam.Cam;
using VideoGradCam.Cam.Metrics;

namespace VideoGradCam.Study;

/// <summary>One qualitative claim of the study, the number that tests it on ground truth, and a plain verdict.</summary>
public sealed record Claim(string Statement, string Measure, string Value, string Rule, string Verdict);

/// <summary>
/// The study's qualitative claims, each tested with numbers measured in this run (never typed in): Grad-CAM metrics on
/// the synthetic set's ground truth (masks, relevant frames) and the regression faithfulness of the odometry maps.
/// </summary>
public static class StudyClaims
{
    public const string Holds = "holds", Partly = "partly holds", Fails = "does not hold", NotMeasured = "not measured";

    /// <param name="evaluations">architecture -> CAM evaluation (Grad-CAM at the model's default weighting is used).</param>
    /// <param name="faithfulnessRatios">odometry: loss rise when masking salient pixels / when masking random ones, per snippet.</param>
    /// <param name="dataName">names the action data in "not measurable" values (e.g. hmdb51).</param>
    public static IReadOnlyList<Claim> Assess(IReadOnlyDictionary<string, CamEvaluation> evaluations, IReadOnlyList<double>? faithfulnessRatios,
        string dataName = "the synthetic set")
    {
        if (evaluations.Values.Any(e => !e.HasGroundTruth)) return WithoutGroundTruth(evaluations, faithfulnessRatios, dataName);
        var claims = new List<Claim>();
        MethodScores G(string a) => evaluations[a].Methods.First(m => m.Method == nameof(CamMethod.GradCam));
        bool Has(params string[] a) => a.All(evaluations.ContainsKey);

        if (evaluations.Count > 0)
        {
            var rows = evaluations.Values.Select(e => (e.Architecture, Pointing: G(e.Architecture).PointingGame, e.PointingChance,
                Energy: G(e.Architecture).EnergyInMask, e.MaskArea)).ToList();
            int above = rows.Count(r => r.Pointing >= 2 * r.PointingChance && r.Energy >= 2 * r.MaskArea);
            claims.Add(new Claim("Grad-CAM on video is consistent with Grad-CAM on images: the maps point at the class evidence",
                "pointing game on relevant frames (chance: the dilated mask's area) and map energy inside the evidence mask (uniform map: the mask's area), Grad-CAM",
                string.Join("; ", rows.Select(r => $"{r.Architecture}: pointing {r.Pointing:0.00} (chance {r.PointingChance:0.00}), energy {r.Energy:0.000} (uniform {r.MaskArea:0.000})")),
                "holds if every model points at least twice as often as chance and puts at least twice a uniform map's energy in the mask",
                above == rows.Count ? Holds : above > 0 ? Partly : Fails));
        }
        if (Has("cnn-lstm", "cnn-lstm-attention"))
        {
            var (plain, att) = (evaluations["cnn-lstm"], evaluations["cnn-lstm-attention"]);
            bool accuracy = att.Accuracy > plain.Accuracy, focus = G(att.Architecture).EnergyInMask > G(plain.Architecture).EnergyInMask;
            claims.Add(new Claim("Attention improves accuracy and focus",
                "test accuracy and Grad-CAM energy inside the evidence masks, CNN-LSTM with vs without attention",
                $"accuracy {att.Accuracy:P1} vs {plain.Accuracy:P1}; energy in mask {G(att.Architecture).EnergyInMask:0.000} vs {G(plain.Architecture).EnergyInMask:0.000}",
                "holds if both are higher with attention; partly if one is",
                accuracy && focus ? Holds : accuracy || focus ? Partly : Fails));
        }
        if (evaluations.TryGetValue("cnn-lstm-attention", out var withAttention) && withAttention.Attention is { } a)
            claims.Add(new Claim("Attention weights are high on the relevant frames",
                "attention mass on the ground-truth relevant frames (chance: their share) and ROC AUC of the weights against relevance",
                $"mass {a.MassOnRelevant:P1} (chance {a.ChanceMass:P1}); AUC {a.Auc:0.00}",
                "holds if the AUC is at least 0.7 and the mass beats chance; partly if only the mass beats chance",
                a.Auc >= 0.7 && a.MassOnRelevant > a.ChanceMass ? Holds : a.MassOnRelevant > a.ChanceMass ? Partly : Fails));
        if (evaluations.Count > 0)
        {
            var rows = evaluations.Values.Select(e => (e.Architecture, True: G(e.Architecture).EnergyInMask,
                Other: G(e.Architecture).OtherClassEnergyInMask, Rho: G(e.Architecture).OtherClassSpearman)).ToList();
            int distinct = rows.Count(r => r.Other < r.True && r.Rho < 0.8);
            claims.Add(new Claim("Grad-CAM for another class is meaningful (it does not simply repeat the true class's map)",
                "energy of the other-class map inside the true class's evidence, and its rank correlation with the true-class map",
                string.Join("; ", rows.Select(r => $"{r.Architecture}: energy {r.Other:0.000} vs {r.True:0.000} for the true class, ρ {r.Rho:0.00}")),
                "holds if, for every model, the other-class map puts less energy on the true evidence and differs from the true-class map (ρ < 0.8)",
                distinct == rows.Count ? Holds : distinct > 0 ? Partly : Fails));
        }
        if (Has("r3d18", "cnn-lstm"))
        {
            var (r3d, lstm) = (G("r3d18").FrameImportance, G("cnn-lstm").FrameImportance);
            var rho = r3d.Zip(lstm, (x, y) => Ranks.Spearman(x, y)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();
            var (aucR, aucL) = (G("r3d18").TemporalAuc, G("cnn-lstm").TemporalAuc);
            claims.Add(new Claim("The 3D net's Grad-CAM follows the CNN-LSTM's pattern over time",
                "rank correlation of per-frame importance between R3D-18 and CNN-LSTM on the same clips; each model's temporal AUC",
                $"mean ρ {rho:0.00}; temporal AUC R3D-18 {aucR:0.00}, CNN-LSTM {aucL:0.00}",
                "holds if ρ ≥ 0.5 and both AUCs > 0.5; partly if both AUCs > 0.5",
                rho >= 0.5 && aucR > 0.5 && aucL > 0.5 ? Holds : aucR > 0.5 && aucL > 0.5 ? Partly : Fails));
        }
        claims.Add(Odometry(faithfulnessRatios));
        return claims;
    }

    static Claim Odometry(IReadOnlyList<double>? faithfulnessRatios)
    {
        if (faithfulnessRatios is { Count: > 0 } ratios)
        {
            int faithful = ratios.Count(r => r > 1);
            return new Claim("Odometry (regression) Grad-CAM maps are mostly meaningful",
                "per held-out snippet: loss rise when masking the 10% most salient pixels / when masking as many random pixels (negative-loss map at the PoseNet's conv4, as conv7 is 1x1 at this input size; snippets with a flat map are left out)",
                $"ratios {string.Join(", ", ratios.Select(r => r.ToString("0.00")))}; {faithful}/{ratios.Count} above 1",
                "holds if most snippets (more than half) have a ratio above 1",
                faithful * 2 > ratios.Count ? Holds : faithful > 0 ? Partly : Fails);
        }
        return new Claim("Odometry (regression) Grad-CAM maps are mostly meaningful", "faithfulness ratio", "—", "—", NotMeasured);
    }

    /// <summary>
    /// The claims on a real action set without annotations: every claim whose rule needs the evidence masks or the relevant
    /// frames is "not measured" (never estimated); its value shows the parts that are measurable here (accuracy, rank
    /// correlations). The deletion/insertion and sanity results stay in the CAM table.
    /// </summary>
    static List<Claim> WithoutGroundTruth(IReadOnlyDictionary<string, CamEvaluation> evaluations, IReadOnlyList<double>? faithfulnessRatios, string dataName)
    {
        string none = $"not measurable on {dataName} (no ground truth)";
        MethodScores G(string a) => evaluations[a].Methods.First(m => m.Method == nameof(CamMethod.GradCam));
        bool Has(params string[] a) => a.All(evaluations.ContainsKey);
        var claims = new List<Claim>
        {
            new("Grad-CAM on video is consistent with Grad-CAM on images: the maps point at the class evidence",
                "pointing game and energy inside the evidence masks", $"{none}: no evidence masks", "needs evidence masks", NotMeasured),
        };
        claims.Add(new Claim("Attention improves accuracy and focus", "test accuracy and Grad-CAM energy inside the evidence masks, CNN-LSTM with vs without attention",
            Has("cnn-lstm", "cnn-lstm-attention")
                ? $"accuracy {evaluations["cnn-lstm-attention"].Accuracy:P1} vs {evaluations["cnn-lstm"].Accuracy:P1}; focus (energy in mask) {none}"
                : none,
            "needs evidence masks for the focus half", NotMeasured));
        var attentionRho = evaluations.TryGetValue("cnn-lstm-attention", out var att) && att.AttentionWeights is { } weights
            ? weights.Zip(G(att.Architecture).FrameImportance, (w, i) => Ranks.Spearman(w, i)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average()
            : double.NaN;
        claims.Add(new Claim("Attention weights are high on the relevant frames",
            "attention mass on the ground-truth relevant frames; measurable here: rank correlation of the attention weights with Grad-CAM's per-frame importance",
            (double.IsNaN(attentionRho) ? "" : $"ρ(attention, Grad-CAM per-frame importance) {attentionRho:0.00}; ") + $"mass on relevant frames {none}",
            "needs relevant frames", NotMeasured));
        claims.Add(new Claim("Grad-CAM for another class is meaningful (it does not simply repeat the true class's map)",
            "energy of the other-class map inside the true class's evidence, and its rank correlation with the true-class map",
            $"ρ(true-class map, other-class map): {string.Join("; ", evaluations.Values.Select(e => $"{e.Architecture} {G(e.Architecture).OtherClassSpearman:0.00}"))}; energy in the evidence {none}",
            "needs evidence masks for the energy half", NotMeasured));
        if (Has("r3d18", "cnn-lstm"))
        {
            var rho = G("r3d18").FrameImportance.Zip(G("cnn-lstm").FrameImportance, (x, y) => Ranks.Spearman(x, y)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();
            claims.Add(new Claim("The 3D net's Grad-CAM follows the CNN-LSTM's pattern over time",
                "rank correlation of per-frame importance between R3D-18 and CNN-LSTM on the same clips; each model's temporal AUC",
                $"mean ρ {rho:0.00}; temporal AUC {none}", "needs relevant frames for the temporal AUC", NotMeasured));
        }
        claims.Add(Odometry(faithfulnessRatios));
        return claims;
    }
}
