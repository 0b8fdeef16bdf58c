using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;

namespace VideoGradCam.Tests.Study;

public class StudyClaimsTests
{
    static MethodScores Scores(double pointing, double energy, double otherEnergy = 0.01, double otherRho = 0.2, double tAuc = 0.8, double[][]? importance = null) =>
        TestScores.Of(pointing, energy, tAuc, tAuc, 0.2, 0.8, true, 0.1, otherEnergy, otherRho, importance ?? [[0.1, 0.4, 0.5], [0.5, 0.3, 0.2]]);

    static CamEvaluation Eval(string arch, double accuracy, MethodScores scores, AttentionScores? attention = null) =>
        new("ckpt", arch, "layer2", "test", 2, accuracy, MaskArea: 0.01, PointingChance: 0.2, ["a", "b"], ["x", "y"], ["x", "y"], [[true, false, true]], [scores], attention);

    static Dictionary<string, CamEvaluation> Study(double attAccuracy, double attEnergy, AttentionScores attention) => new()
    {
        ["r3d18"] = Eval("r3d18", 0.8, Scores(0.9, 0.05)),
        ["cnn-lstm"] = Eval("cnn-lstm", 0.8, Scores(0.9, 0.05)),
        ["cnn-lstm-attention"] = Eval("cnn-lstm-attention", attAccuracy, Scores(0.9, attEnergy), attention),
    };

    static string Verdict(IReadOnlyList<Claim> claims, string startsWith) => claims.Single(c => c.Statement.StartsWith(startsWith)).Verdict;

    [Fact]
    public void VerdictsFollowTheMeasuredNumbers()
    {
        var good = StudyClaims.Assess(Study(0.9, 0.08, new AttentionScores(0.8, 0.5, 0.9)), [1.5, 2.0, 0.8]);
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Grad-CAM on video"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Attention improves"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Attention weights"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Grad-CAM for another class"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "The 3D net"));
        Assert.Equal(StudyClaims.Holds, Verdict(good, "Odometry"));

        var bad = StudyClaims.Assess(Study(0.7, 0.08, new AttentionScores(0.4, 0.5, 0.4)), [0.5, 0.9]);
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
    }

    [Fact]
    public void OdometryClaimShowsMeanSpreadShareAboveOneAndItsCases()
    {
        var ratios = Enumerable.Range(0, 20).Select(i => i < 14 ? 1.5 : 0.5).ToList();    // 14 of 20 above 1
        var claims = StudyClaims.Assess(Study(0.9, 0.08, new AttentionScores(0.8, 0.5, 0.9)), ratios, faithfulnessSnippets: 24);
        var odometry = claims.Single(c => c.Statement.StartsWith("Odometry"));
        Assert.Equal(StudyClaims.Holds, odometry.Verdict);
        Assert.Contains("mean ratio 1.20 (sd 0.47, range 0.50–1.50)", odometry.Value);
        Assert.Contains("14/20 (70%) above 1", odometry.Value);
        Assert.Equal("20 held-out snippets, 4 with a flat map left out", odometry.Cases);
        // Every measured claim says how many cases it rests on.
        Assert.All(claims.Where(c => c.Verdict != StudyClaims.NotMeasured), c => Assert.False(string.IsNullOrEmpty(c.Cases), c.Statement));
        Assert.Contains("2 test clips per model", claims[0].Cases);
    }
}
