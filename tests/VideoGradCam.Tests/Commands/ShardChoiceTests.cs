using System.Text.RegularExpressions;
using VideoGradCam.Commands;
using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Commands;

/// <summary><c>--shard auto</c> reads a scheduler's variables from an environment passed in, so these tests give
/// Slurm's and Kubernetes' values without touching the test process's own.</summary>
public class ShardChoiceTests
{
    static (int K, int N) Auto(params (string Name, string Value)[] variables) =>
        ShardChoice.Parse("auto", variables.ToDictionary(v => v.Name, v => (string?)v.Value));

    [Theory]
    [InlineData(0, 0, 4, 1, 4)]
    [InlineData(3, 0, 4, 4, 4)]
    [InlineData(5, 4, 3, 2, 3)]
    [InlineData(1, 1, 1, 1, 1)]
    public void ASlurmArrayTaskIsShardIdMinusMinPlusOneOfCount(int id, int min, int count, int k, int n) =>
        Assert.Equal((k, n), Auto(("SLURM_ARRAY_TASK_ID", $"{id}"), ("SLURM_ARRAY_TASK_MIN", $"{min}"),
            ("SLURM_ARRAY_TASK_COUNT", $"{count}")));

    [Theory]
    [InlineData(0, 3, 1, 3)]
    [InlineData(2, 3, 3, 3)]
    public void AKubernetesIndexedJobPodIsShardIndexPlusOneOfCompletions(int index, int completions, int k, int n) =>
        Assert.Equal((k, n), Auto(("JOB_COMPLETION_INDEX", $"{index}"),
            (ShardChoice.CompletionsVariable, $"{completions}")));

    [Fact]
    public void KToverNStaysAsGiven()
    {
        Assert.Equal((2, 4), ShardChoice.Parse("2/4", new Dictionary<string, string?>()));
        Assert.Equal((1, 1), ShardChoice.Parse(null, new Dictionary<string, string?>()));
    }

    [Fact]
    public void WithoutASchedulerAutoIsOneUsageErrorNamingBoth()
    {
        var e = Assert.Throws<UsageException>(() => Auto());
        Assert.Contains("SLURM_ARRAY_TASK_ID", e.Message);
        Assert.Contains("JOB_COMPLETION_INDEX", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void IncompleteOrInconsistentSchedulerValuesAreUsageErrors()
    {
        Assert.Contains(ShardChoice.CompletionsVariable,
            Assert.Throws<UsageException>(() => Auto(("JOB_COMPLETION_INDEX", "0"))).Message);
        Assert.Contains("SLURM_ARRAY_TASK_COUNT", Assert.Throws<UsageException>(() =>
            Auto(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "0"))).Message);
        Assert.Contains("shard 10 of 3", Assert.Throws<UsageException>(() => Auto(("SLURM_ARRAY_TASK_ID", "9"),
            ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_COUNT", "3"))).Message);
        Assert.Contains("not a whole number", Assert.Throws<UsageException>(() =>
            Auto(("JOB_COMPLETION_INDEX", "x"), (ShardChoice.CompletionsVariable, "2"))).Message);
    }

    [Fact]
    public void TheCliSaysSoInOneLineAndExitsTwo()
    {
        // This test process runs under no scheduler's array (the assertion says so when it does).
        Assert.Null(Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID"));
        Assert.Null(Environment.GetEnvironmentVariable("JOB_COMPLETION_INDEX"));
        var err = new StringWriter();
        int code = Cli.Run(["explain", "--checkpoint", "nowhere", "--data", "nowhere", "--out", "nowhere",
            "--shard", "auto"], new StringWriter(), err);
        Assert.Equal(2, code);
        Assert.Single(err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--shard auto: no scheduler's shard", err.ToString());
    }

    /// <summary>The shipped scheduler files run <c>--shard auto</c>; the Kubernetes Job passes its completions as the
    /// variable <see cref="ShardChoice"/> reads, with the same value as <c>spec.completions</c>.</summary>
    [Fact]
    public void TheDeployFilesRunShardAutoAndTheJobSaysItsCompletions()
    {
        var root = WorkspacePaths.Root();
        var sbatch = File.ReadAllText(Path.Combine(root, "deploy", "slurm", "explain.sbatch"));
        Assert.Contains("--shard auto", sbatch);
        Assert.Contains("#SBATCH --array=", sbatch);
        var job = File.ReadAllText(Path.Combine(root, "deploy", "kubernetes", "explain-job.yaml"));
        Assert.Contains("completionMode: Indexed", job);
        Assert.Contains("\"--shard\", \"auto\"", job);
        var completions = Regex.Match(job, @"\n  completions: (\d+)").Groups[1].Value;
        var variable = Regex.Match(job, $@"- name: {ShardChoice.CompletionsVariable}\s+value: ""(\d+)""")
            .Groups[1].Value;
        Assert.NotEqual("", completions);
        Assert.Equal(completions, variable);
    }
}
