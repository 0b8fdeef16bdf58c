using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;

namespace VideoGradCam.Tests.Study;

public class StudyClaimsTests
{
    static MethodScores Scores(double pointing, double energy, double otherEnergy = 0.01, double otherRho = 0.2,
        double tAuc = 0.8, double[][]? importance = null) =>
        TestScores.Of(pointing, energy, tAuc, tAuc, 0.2, 0.8, true, 0.1, otherEnergy, otherRho, importance
            ?? [[0.1, 0.4, 0.5], [0.5, 0.3, 0.2]]);

    static CamEvaluation Eval(string arch, double accuracy, MethodScores scores, AttentionScores? attention = null) =>
        new("ckpt", arch, "layer2", new EvaluatedClips("test", 2, accuracy, ["a", "b"], ["x", "y"], ["x", "y"],
            [[true, false, true]]), new ChanceLevels(MaskArea: 0.01, PointingChance: 0.2), [scores], attention);

    static Dictionary<string, CamEvaluation> Study(double attAccuracy, double attEnergy, AttentionScores attention) =>
        new()
    {
        ["r3d18"] = Eval("r3d18", 0.8, Scores(0.9, 0.05)),
        ["cnn-lstm"] = Eval("cnn-lstm", 0.8, Scores(0.9, 0.05)),
        ["cnn-lstm-attention"] = Eval("cnn-lstm-attention", attAccuracy, Scores(0.9, attEnergy), attention),
    };

    static string Verdict(IReadOnlyList<Claim> claims, string startsWith) =>
        claims.Single(c => c.Statement.StartsWith(startsWith)).Verdict;

    /// <summary>n snippets, the first <paramref name="good"/> with both ratios at 1.5, the rest at 0.5.</summary>
    static List<double> Ratios(int n, int good) => Enumerable.Range(0, n).Select(i => i < good ? 1.5 : 0.5).ToList();

    [Fact]
    public void VerdictsFollowTheMeasuredNumbers()
    {
        var good = StudyClaims.Assess(Study(0.9, 0.08, new AttentionScores(0.8, 0.5, 0.9)),
            TestFaithfulness.Of(Ratios(24, 18)));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Grad-CAM on video"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Attention improves"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Attention weights"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Grad-CAM for another class"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "The 3D net"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Odometry"));

        var bad = StudyClaims.Assess(Study(0.7, 0.08, new AttentionScores(0.4, 0.5, 0.4)),
            TestFaithfulness.Of(Ratios(24, 0)));
        Assert.Equal(StudyClaims.Partly, Verdict(bad, "Attention improves"));   // focus better, accuracy worse
        Assert.Equal(StudyClaims.Fails, Verdict(bad, "Attention weights"));
        Assert.Equal(StudyClaims.Fails, Verdict(bad, "Odometry"));
    }

    [Fact]
    public void MapsAtChanceDoNotSupportTheConsistencyClaim()
    {
        var atChance = new Dictionary<string, CamEvaluation> { ["r3d18"] = Eval("r3d18", 0.8, Scores(0.2, 0.01)) };
        Assert.Equal(StudyClaims.Fails, Verdict(StudyClaims.Assess(atChance, null), "Grad-CAM on video"));
        Assert.Equal(StudyClaims.NotMeasured, Verdict(StudyClaims.Assess(atChance, null), "Odometry"));
        // every map flat
        Assert.Equal(StudyClaims.NotMeasured,
            Verdict(StudyClaims.Assess(atChance, TestFaithfulness.Of([], flat: 30)), "Odometry"));
    }

    /// <summary>A claim's details as "measurement: value" lines.</summary>
    static string Details(Claim c) => string.Join("\n", (c.Details ?? []).Select(d => $"{d.Measurement}: {d.Value}"));

    static Claim Odometry(OdometryFaithfulness f) =>
        StudyClaims.Assess(Study(0.9, 0.08, new AttentionScores(0.8, 0.5, 0.9)), f)
            .Single(c => c.Statement.StartsWith("Odometry"));

    [Fact]
    public void OdometryClaimHoldsOnlyWithEnoughSnippetsBothControlsBeatenAndTheSanityCheckPassed()
    {
        // 20 snippets, 11 beat both
        Assert.Equal(StudyClaims.Holds, Odometry(TestFaithfulness.Of(Ratios(20, 11))).Verdict);

        // all good, but 19 snippets
        var few = Odometry(TestFaithfulness.Of(Ratios(19, 19)));
        Assert.Equal(StudyClaims.Partly, few.Verdict);
        Assert.Contains("only 19 snippets with a map (the claim needs 20)", Details(few));

        // beats random pixels, not the random map
        var pixelsOnly = Odometry(TestFaithfulness.Of(Ratios(24, 20), randomMap: Ratios(24, 6)));
        Assert.Equal(StudyClaims.Partly, pixelsOnly.Verdict);
        Assert.Contains("do not beat the random layer-resolution map on most snippets", Details(pixelsOnly));

        // 14 and 14, both on 4
        var split = Odometry(TestFaithfulness.Of(Ratios(24, 14),
            randomMap: Ratios(24, 24).Select((r, i) => i < 10 ? 0.5 : 1.5).ToList()));
        Assert.Equal(StudyClaims.Partly, split.Verdict);
        Assert.Contains("both controls beaten on 4/24 (17%)", split.Value);

        // the maps survive randomisation
        var insane = Odometry(TestFaithfulness.Of(Ratios(24, 24), rho: 0.9));
        Assert.Equal(StudyClaims.Partly, insane.Verdict);
        Assert.Contains("the sanity check fails", Details(insane));
        // |ρ| counts, not ρ
        var negative = Odometry(TestFaithfulness.Of(Ratios(24, 24), rho: -0.8));
        Assert.Equal(StudyClaims.Partly, negative.Verdict);

        // 12/30 and 15/30: not most
        var neither = Odometry(TestFaithfulness.Of(Ratios(30, 12), randomMap: Ratios(30, 15)));
        Assert.Equal(StudyClaims.Fails, neither.Verdict);
        Assert.Contains("the salient pixels beat neither control on most snippets", Details(neither));
        // few and bad: fails
        Assert.Equal(StudyClaims.Fails, Odometry(TestFaithfulness.Of(Ratios(5, 0))).Verdict);
    }

    [Fact]
    public void OdometryClaimShowsMeanSdOverNTheControlsTheSanityCheckTheFlowEnergyAndItsCases()
    {
        // 14 of 20 above 1
        var claim = Odometry(TestFaithfulness.Of(Ratios(20, 14), flat: 4, rho: 0.2, flowTz: 1.8, flowRy: 0.9));
        Assert.Equal(StudyClaims.Holds, claim.Verdict);
        var details = Details(claim);
        Assert.Contains("vs random pixels: ratio 1.20 ± 0.47 (median 1.50, n = 20), 14/20 (70%) above 1", details);
        Assert.Contains("vs a random 16×5 map: ratio 1.20 ± 0.47 (median 1.50, n = 20), 14/20 (70%) above 1", details);
        Assert.Contains("both controls beaten on 14/20 (70%)", claim.Value);
        Assert.Contains("sanity: ρ(trained, randomised PoseNet) 0.20 ± 0.00 (median 0.20, n = 20), " +
                        "mean |ρ| 0.20 (< 0.5: the maps change)", details);
        Assert.Contains("tz map 1.80 ± 0.00 (median 1.80, n = 20) with the full motion's flow, " +
                        "1.90 ± 0.00 (median 1.90, n = 20) with tz's alone", details);
        Assert.Contains("ry map 0.90 ± 0.00 (median 0.90, n = 20) with the full motion's flow", Details(claim));
        Assert.Contains("(the ry map puts less energy than a uniform map where the scene moves most)", Details(claim));
        Assert.Contains("(the tz map concentrates where the scene moves most)", Details(claim));
        Assert.Contains("pose.conv3 (16×5 cells)", claim.Measure);
        Assert.DoesNotContain("conv4", claim.Measure);
        Assert.Equal("20 held-out snippets, 4 with a flat map left out", claim.Cases);
        var claims = StudyClaims.Assess(Study(0.9, 0.08, new AttentionScores(0.8, 0.5, 0.9)),
            TestFaithfulness.Of(Ratios(20, 14)));
        // Every measured claim says how many cases it rests on.
        Assert.All(claims.Where(c => c.Verdict != StudyClaims.NotMeasured),
            c => Assert.False(string.IsNullOrEmpty(c.Cases), c.Statement));
        Assert.Contains("2 test clips per model", claims[0].Cases);
    }
}
