namespace VideoGradCam.Study.Pipeline;

/// <summary>How a measured quantity is compared with its bound.</summary>
public enum Relation { AtLeast, Above, Below }

/// <summary>
/// A condition of a claim's rule: a test on a <see cref="Measurement"/> and the sentence that states it. Both are
/// made from the same <see cref="Threshold"/>s, so the prose and the test cannot disagree.
/// </summary>
public abstract record Condition
{
    public abstract bool Test(Measurement m);
    public abstract string Sentence { get; }
    public abstract IEnumerable<Threshold> Thresholds { get; }

    /// <summary>Every condition of <paramref name="parts"/> is met.</summary>
    public static Condition All(params Condition[] parts) => new Joined(parts, Every: true);

    /// <summary>At least one condition of <paramref name="parts"/> is met.</summary>
    public static Condition Any(params Condition[] parts) => new Joined(parts, Every: false);

    /// <summary>The measured <paramref name="quantity"/> relates to <paramref name="bound"/>'s value, or, with a
    /// <paramref name="reference"/>, to the bound's value times the measured reference (a ratio without dividing).
    /// </summary>
    public static Condition Compare(string quantity, Relation relation, Threshold bound, string? reference = null) =>
        new Comparison(quantity, relation, bound, reference);

    /// <summary><paramref name="inner"/> holds for the cases of the measurement: every one, or at least one.
    /// </summary>
    public static Condition ForCases(string noun, Condition inner, bool all) => new Quantified(noun, inner, all);

    sealed record Comparison(string Quantity, Relation Relation, Threshold Bound, string? Reference) : Condition
    {
        public override bool Test(Measurement m)
        {
            double value = m[Quantity], bound = Bound.Value * (Reference is null ? 1 : m[Reference]);
            return Relation switch
            {
                Relation.AtLeast => value >= bound,
                Relation.Above => value > bound,
                _ => value < bound,
            };
        }

        public override string Sentence =>
            $"{Bound.Name} {Relation switch { Relation.AtLeast => "≥", Relation.Above => ">", _ => "<" }} {Bound.Text}";

        public override IEnumerable<Threshold> Thresholds => [Bound];
    }

    sealed record Joined(IReadOnlyList<Condition> Parts, bool Every) : Condition
    {
        public override bool Test(Measurement m) => Every ? Parts.All(p => p.Test(m)) : Parts.Any(p => p.Test(m));
        public override string Sentence => string.Join(Every ? " and " : " or ", Parts.Select(p => p.Sentence));
        public override IEnumerable<Threshold> Thresholds => Parts.SelectMany(p => p.Thresholds);
    }

    sealed record Quantified(string Noun, Condition Inner, bool Every) : Condition
    {
        public override bool Test(Measurement m) =>
            Every ? (m.Cases ?? []).All(Inner.Test) : (m.Cases ?? []).Any(Inner.Test);

        public override string Sentence => $"{(Every ? "for every" : "for at least one")} {Noun}, {Inner.Sentence}";
        public override IEnumerable<Threshold> Thresholds => Inner.Thresholds;
    }
}
