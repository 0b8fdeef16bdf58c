using System.Collections;
using System.Globalization;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>--shard</c>: this machine's share of a folder, k of n. <c>k/n</c> as given, or <c>auto</c> from the scheduler
/// that started the process:
/// <list type="bullet">
/// <item>Slurm job arrays: <c>SLURM_ARRAY_TASK_ID</c>, <c>SLURM_ARRAY_TASK_MIN</c>, <c>SLURM_ARRAY_TASK_COUNT</c>:
/// k = ID - MIN + 1, n = COUNT (the array's indices must be consecutive, e.g. <c>--array=0-7</c> or
/// <c>1-8</c>);</item>
/// <item>Kubernetes Indexed Jobs: <c>JOB_COMPLETION_INDEX</c> (0-based, set by Kubernetes) and
/// <see cref="CompletionsVariable"/> (Kubernetes does not expose the Job's completions to its pods: the manifest sets
/// it, equal to <c>spec.completions</c>): k = index + 1, n = completions.</item>
/// </list>
/// The environment is passed in as a dictionary, so tests give schedulers' values without touching the process's.
/// </summary>
public static class ShardChoice
{
    /// <summary>The Job's completions, set by the Kubernetes manifest (see
    /// deploy/kubernetes/explain-job.yaml).</summary>
    public const string CompletionsVariable = "JOB_COMPLETIONS";

    /// <summary>"k/n" or "auto" (null: 1/1) -> (k, n); a UsageException names what is wrong.</summary>
    public static (int K, int N) Parse(string? shard, IReadOnlyDictionary<string, string?> environment)
    {
        if (shard is null) return (1, 1);
        if (shard == "auto") return FromScheduler(environment);
        var parts = shard.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var k) && int.TryParse(parts[1], out var n) && n >= 1
            && k >= 1 && k <= n) return (k, n);
        throw new UsageException($"--shard {shard}: expected k/n with 1 <= k <= n (e.g. 2/4), or auto.");
    }

    /// <summary>k and n from a Slurm job array or a Kubernetes Indexed Job (see the class summary).</summary>
    public static (int K, int N) FromScheduler(IReadOnlyDictionary<string, string?> environment)
    {
        string? Get(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v)
            ? v.Trim() : null;
        int Number(string name) => int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture,
            out var v) ? v : throw new UsageException(
            $"--shard auto: {name}={Get(name) ?? "(unset)"} is not a whole number.");
        (int, int) Checked(int k, int n, string from) => n >= 1 && k >= 1 && k <= n ? (k, n)
            : throw new UsageException($"--shard auto: {from} gives shard {k} of {n}; expected 1 <= k <= n.");

        if (Get("SLURM_ARRAY_TASK_ID") is not null)
        {
            int id = Number("SLURM_ARRAY_TASK_ID"), count = Number("SLURM_ARRAY_TASK_COUNT");
            int min = Number("SLURM_ARRAY_TASK_MIN");
            return Checked(id - min + 1, count,
                $"SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_COUNT={count} " +
                "(is the array's range consecutive?)");
        }
        if (Get("JOB_COMPLETION_INDEX") is not null)
        {
            if (Get(CompletionsVariable) is null) throw new UsageException(
                $"--shard auto: JOB_COMPLETION_INDEX is set but {CompletionsVariable} is not: set it in the Job's " +
                "manifest to spec.completions (deploy/kubernetes/explain-job.yaml does).");
            int index = Number("JOB_COMPLETION_INDEX"), completions = Number(CompletionsVariable);
            return Checked(index + 1, completions,
                $"JOB_COMPLETION_INDEX={index}, {CompletionsVariable}={completions}");
        }
        throw new UsageException(
            "--shard auto: no scheduler's shard in the environment: neither a Slurm job array (SLURM_ARRAY_TASK_ID, " +
            $"SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT) nor a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, " +
            $"{CompletionsVariable}); give --shard k/n instead.");
    }

    /// <summary>This process's environment, as <see cref="Parse"/> reads it.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
}
