namespace VideoGradCam.Cam.Evaluation;

/// <summary>The metrics every CAM evaluation runs, in the order tables show them. Adding one: a class beside this file
/// and one line here; evaluations, tables, the report, metrics.json and the CLI read its names.</summary>
public static class CamMetrics
{
    public static IReadOnlyList<Func<ICamMetric>> All { get; } =
    [
        () => new PointingGameMetric(),
        () => new EnergyInMaskMetric(),
        () => new TemporalAucMetric(),
        () => new DeletionInsertionMetric(),
        () => new SanityCheckMetric(),
        () => new OtherClassMetric(),
    ];

    /// <summary>Every score of every metric, in order.</summary>
    public static IReadOnlyList<ScoreInfo> Scores { get; } = All.SelectMany(make => make().Scores).ToList();

    public static ScoreInfo Score(string name) =>
        Scores.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException(
            $"Unknown CAM score '{name}'. Known: {string.Join(", ", Scores.Select(s => s.Name))}.");
}
