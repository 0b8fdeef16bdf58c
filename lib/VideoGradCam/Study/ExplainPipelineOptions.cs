using VideoGradCam.Plots;

namespace VideoGradCam.Study;

/// <summary>How <see cref="ExplainPipeline"/> runs: clips per forward + backward pass, writer tasks, what each video
/// gets written, the shared plotly.js its pages load (a URL relative to a page; null inlines it), and the folder for
/// the temp files of a run (the MP4 stream's segments; null: a hidden folder beside the first video's outputs). The
/// scratch folder must be on the outputs' file system; a run removes it, a killed run leaves it to its caller.
/// </summary>
public sealed record ExplainPipelineOptions(int Batch = ExplainPipelineOptions.DefaultBatch,
    int Writers = ExplainPipelineOptions.DefaultWriters, ExplanationOutputs Outputs = ExplanationOutputs.All,
    string? PlotlyScript = null, string? Scratch = null)
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
