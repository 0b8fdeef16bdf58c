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
}
