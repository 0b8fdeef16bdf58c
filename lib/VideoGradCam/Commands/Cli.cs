using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>One verb of <c>./workspace</c>.</summary>
public sealed record Verb(string Name, string Usage, string Summary, Func<Args, int> Run);

/// <summary>
/// The CLI behind <c>./workspace</c>. Each verb lives in its own file in this folder and is listed once below;
/// every verb is a library call, the same ones the notebooks make.
/// </summary>
public static class Cli
{
    public static readonly IReadOnlyList<Verb> Verbs =
    [
        SetupCommand.Verb,
        TestCommand.Verb,
        ReproduceCommand.Verb,
        NotebooksCommand.Verb,
        BenchCommand.Verb,
        SynthCommand.Verb,
        FramesCommand.Verb,
        TrainCommand.Verb,
        EvaluateCommand.Verb,
        PoseCeilingCommand.Verb,
        ExplainCommand.Verb,
        EvaluateCamCommand.Verb,
        ImportWeightsCommand.Verb,
    ];

    public static int Run(string[] argv, TextWriter? output = null)
    {
        var o = output ?? Console.Out;
        if (argv.Length == 0 || argv[0] is "help" or "--help" or "-h")
        {
            o.WriteLine(Usage());
            return argv.Length == 0 ? 2 : 0;
        }
        var verb = Verbs.FirstOrDefault(v => v.Name == argv[0]);
        if (verb is null)
        {
            Console.Error.WriteLine($"Unknown verb '{argv[0]}'.");
            Console.Error.WriteLine(Usage());
            return 2;
        }
        try
        {
            return verb.Run(new Args(argv.Skip(1)));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{verb.Name}: {e.Message}");
            Console.Error.WriteLine($"usage: ./workspace {verb.Usage}");
            return 2;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine($"{verb.Name}: {e.Message}");
            return 1;
        }
    }

    public static string Usage() =>
        "usage: ./workspace <verb> [options]\n\nverbs:\n" +
        string.Join("\n", Verbs.Select(v => $"  {v.Usage,-64} {v.Summary}")) +
        $"\n\nProfiles: quick (default, minutes on 2 cores) or full (the real figures); also ${Profiles.EnvironmentVariable}.";

    /// <summary>Reads --profile (falling back to the environment) and exports it for child processes.</summary>
    public static Profile ReadProfile(Args a)
    {
        Profile p;
        try { p = a.Optional("profile") is { } s ? Profiles.Parse(s) : Profiles.FromEnvironment(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        Environment.SetEnvironmentVariable(Profiles.EnvironmentVariable, p.Name());
        return p;
    }
}
