namespace VideoGradCam.Study.Pipeline;

/// <summary>
/// A claim's rule: it holds when <paramref name="Holds"/> is met, partly holds when only <paramref name="Partly"/> is,
/// and does not hold otherwise. <see cref="Sentence"/> is generated from the same conditions and thresholds as
/// <see cref="Verdict"/>.
/// </summary>
public sealed record ClaimRule(Condition Holds, Condition Partly)
{
    public string Verdict(Measurement m) =>
        Holds.Test(m) ? StudyClaims.Holds : Partly.Test(m) ? StudyClaims.Partly : StudyClaims.Fails;

    public string Sentence => $"holds if {Holds.Sentence}; partly if {Partly.Sentence}; otherwise does not hold";

    /// <summary>Every threshold the rule compares with, once each (in the order the sentence names them).</summary>
    public IReadOnlyList<Threshold> Thresholds => Holds.Thresholds.Concat(Partly.Thresholds).Distinct().ToList();
}
