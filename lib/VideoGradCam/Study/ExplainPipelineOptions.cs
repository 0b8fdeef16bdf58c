using VideoGradCam.Plots;

namespace VideoGradCam.Study;

/// <summary>How <see cref="ExplainPipeline"/> runs: clips per forward + backward pass, writer tasks, what each video
/// gets written, and the shared plotly.js its pages load (a URL relative to a page; null inlines it).</summary>
public sealed record ExplainPipelineOptions(int Batch = ExplainPipelineOptions.DefaultBatch,
    int Writers = ExplainPipelineOptions.DefaultWriters, ExplanationOutputs Outputs = ExplanationOutputs.All,
    string? PlotlyScript = null)
{
    /// <summary>Clips explained together in one forward and one backward pass.</summary>
    public const int DefaultBatch = 8;

    /// <summary>Tasks writing outputs while the next batch is explained.</summary>
    public const int DefaultWriters = 2;

    /// <summary>ArgumentException naming the value when a count is below 1.</summary>
    public ExplainPipelineOptions Validated() =>
        Batch < 1 ? throw new ArgumentException($"--batch {Batch}: at least 1 clip per pass.")
        : Writers < 1 ? throw new ArgumentException($"--writers {Writers}: at least 1.")
        : this;
}
