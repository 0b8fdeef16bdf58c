using System.Text.Json.Serialization;

namespace VideoGradCam.Study.Pipeline;

/// <summary>One qualitative claim of the study, the number that tests it on ground truth, and a plain verdict.
/// </summary>
/// <param name="Value">the numbers the verdict reads, short enough for a table cell; the rest is in
/// <see cref="Details"/>.</param>
/// <param name="Rule">the sentence of the claim's <see cref="ClaimRule"/> (or why it cannot be applied here).</param>
/// <param name="SeedVerdicts">with several training seeds (<c>reproduce --seeds N</c>): the verdict the rule gives on
/// each seed's numbers alone (seed 0 first); <see cref="Verdict"/> is the rule applied to the means. Null for one seed.
/// </param>
public sealed record Claim(string Statement, string Measure, string Value, string Rule, string Verdict,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? SeedVerdicts = null)
{
    /// <summary>How many cases the value rests on (e.g. "35 test clips", "24 held-out snippets"); null when not
    /// measured.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cases { get; init; }

    /// <summary>The thresholds the rule compares with (null when the rule could not be applied).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Threshold>? Thresholds { get; init; }

    /// <summary>The numbers behind <see cref="Value"/> (the report's table of the claim); null when the value says
    /// everything.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ClaimDetail>? Details { get; init; }

    /// <summary>How the seeds agree, e.g. "holds in 2 of 3 seeds; partly holds in 1"; null for one seed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SeedAgreement => SeedVerdicts is { Count: > 1 } v
        ? string.Join("; ", v.GroupBy(x => x).OrderByDescending(g => g.Key == Verdict).ThenByDescending(g => g.Count())
            .Select((g, i) => i == 0 ? $"{g.Key} in {g.Count()} of {v.Count} seeds" : $"{g.Key} in {g.Count()}"))
        : null;

    /// <summary>True when some seed's own verdict differs from the verdict on the means.</summary>
    [JsonIgnore]
    public bool SeedsDisagree => SeedVerdicts?.Any(v => v != Verdict) ?? false;

    /// <summary>The claim as a notebook prints it beside the figure that tests it: the study's statement, our verdict
    /// on how many cases with the numbers it reads, and the rule.</summary>
    public string Summary() =>
        $"The study: {Statement}.\nOur verdict: {Verdict}{(Cases is null ? "" : $" ({Cases})")}: {Value}.\n" +
        $"Rule: {Rule}";

    /// <summary>A claim whose verdict and rule sentence both come from <paramref name="rule"/>.</summary>
    public static Claim Judged(string statement, string measure, string value, ClaimRule rule, Measurement measured) =>
        new(statement, measure, value, rule.Sentence, rule.Verdict(measured)) { Thresholds = rule.Thresholds };
}
