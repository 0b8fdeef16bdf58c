using VideoGradCam.Study.Pipeline;
using static VideoGradCam.Study.Pipeline.Condition;

namespace VideoGradCam.Tests.Study;

/// <summary>A claim's rule is data: its verdict and its sentence both come from the same named thresholds.</summary>
public class ClaimRuleTests
{
    static readonly Condition MassBeatsChance = Compare("mass", Relation.Above, new("mass / chance", 1), "chance");

    /// <summary>Holds with an AUC of at least <paramref name="auc"/> and the mass above chance; partly with the mass
    /// above chance alone.</summary>
    static ClaimRule AttentionRule(double auc) =>
        new(All(Compare("auc", Relation.AtLeast, new("AUC", auc)), MassBeatsChance), MassBeatsChance);

    static Measurement Measured(double auc, double mass, double chance = 0.3) =>
        new(new Dictionary<string, double> { ["auc"] = auc, ["mass"] = mass, ["chance"] = chance });

    [Fact]
    public void RuleSentenceNamesItsThresholdsAndChangesWhenOneChanges()
    {
        var rule = AttentionRule(0.7);
        Assert.Equal("holds if AUC ≥ 0.7 and mass / chance > 1; partly if mass / chance > 1; otherwise does not hold",
            rule.Sentence);
        Assert.Equal(["AUC", "mass / chance"], rule.Thresholds.Select(t => t.Name));
        Assert.Contains("AUC ≥ 0.75", AttentionRule(0.75).Sentence);
        Assert.NotEqual(rule.Sentence, AttentionRule(0.75).Sentence);
    }

    [Theory]
    [InlineData(0.7, 0.5, "holds")]            // the AUC at its threshold counts (at least)
    [InlineData(0.69, 0.5, "partly holds")]    // the AUC just below: only the mass beats chance
    [InlineData(0.9, 0.3, "does not hold")]    // the mass at chance does not beat it
    [InlineData(0.9, 0.31, "holds")]
    public void VerdictFollowsTheThresholds(double auc, double mass, string verdict) =>
        Assert.Equal(verdict, AttentionRule(0.7).Verdict(Measured(auc, mass)));

    [Fact]
    public void MovingAThresholdMovesTheVerdict()
    {
        var measured = Measured(0.75, 0.5);
        Assert.Equal(StudyClaims.Holds, AttentionRule(0.7).Verdict(measured));
        Assert.Equal(StudyClaims.Partly, AttentionRule(0.8).Verdict(measured));
    }

    [Fact]
    public void RulesOverCasesHoldForEveryCasePartlyForSomeAndNotForNone()
    {
        var high = Compare("pointing", Relation.AtLeast, new("pointing / chance", 2), "chance");
        var rule = new ClaimRule(ForCases("model", high, all: true), ForCases("model", high, all: false));
        Measurement Model(double pointing) =>
            new(new Dictionary<string, double> { ["pointing"] = pointing, ["chance"] = 0.2 });
        Measurement Models(params double[] pointing) =>
            new(new Dictionary<string, double>(), pointing.Select(Model).ToList());
        Assert.Equal(StudyClaims.Holds, rule.Verdict(Models(0.4, 0.9)));
        Assert.Equal(StudyClaims.Partly, rule.Verdict(Models(0.39, 0.9)));
        Assert.Equal(StudyClaims.Fails, rule.Verdict(Models(0.39, 0.1)));
        Assert.StartsWith("holds if for every model, pointing / chance ≥ 2; partly if for at least one model,",
            rule.Sentence);
    }

    public static TheoryData<string> StudyRules => new(nameof(ClaimRules.Consistency),
        nameof(ClaimRules.AttentionImproves), nameof(ClaimRules.AttentionOnRelevant), nameof(ClaimRules.OtherClass),
        nameof(ClaimRules.SamePatternOverTime), nameof(ClaimRules.Odometry));

    [Theory]
    [MemberData(nameof(StudyRules))]
    public void EveryStudyRuleSentenceNamesEachThresholdWithItsValue(string name)
    {
        var rule = (ClaimRule)typeof(ClaimRules).GetField(name)!.GetValue(null)!;
        Assert.NotEmpty(rule.Thresholds);
        static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);
        Assert.All(rule.Thresholds, t => Assert.Matches($"{Escape(t.Name)} [≥><] {Escape(t.Text)}", rule.Sentence));
    }
}
