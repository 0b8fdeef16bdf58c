using System.CommandLine;
using System.CommandLine.Help;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// The CLI behind <c>./workspace</c>, parsed by System.CommandLine. Each verb lives in its own file in this folder,
/// declares its options (with descriptions and defaults, shown by <c>--help</c>) and is listed once below; every verb
/// is a library call, the same ones the notebooks make.
/// <para>Exit codes: 0 done (and <c>--help</c>); 2 a usage mistake (one line naming the option); 1 a failure (one line
/// naming the file or option and the problem). A stack trace is printed only with <c>--verbose</c>.</para>
/// </summary>
public static class Cli
{
    public static readonly IReadOnlyList<Verb> Verbs =
    [
        SetupCommand.Verb,
        CheckConvolutionsCommand.Verb,
        TestCommand.Verb,
        ReproduceCommand.Verb,
        NotebooksCommand.Verb,
        BenchCommand.Verb,
        SynthCommand.Verb,
        FramesCommand.Verb,
        TrainCommand.Verb,
        EvaluateCommand.Verb,
        PoseCeilingCommand.Verb,
        OdometryFaithfulnessCommand.Verb,
        ExplainCommand.Verb,
        EvaluateCamCommand.Verb,
        ImportWeightsCommand.Verb,
        ShipModelsCommand.Verb,
    ];

    static readonly Option<bool> Verbose =
        new("--verbose") { Description = "print the stack trace of a failure", Recursive = true };

    public static int Run(string[] argv, TextWriter? output = null, TextWriter? error = null)
    {
        var o = output ?? Console.Out;
        var err = error ?? Console.Error;
        var root = Root();
        var parse = root.Parse(argv);
        if (parse.Action is HelpAction || argv.Length == 0)
        {
            parse.Invoke(new InvocationConfiguration { Output = o, Error = err });
            return argv.Length == 0 ? 2 : 0;
        }
        var command = parse.CommandResult.Command;
        var name = command == root ? "workspace" : command.Name;
        if (command == root && argv[0] is { } first && !first.StartsWith('-'))
        {
            err.WriteLine(
                $"workspace: unknown verb '{first}': use {string.Join(", ", Verbs.Select(v => v.Name))} (./workspace " +
                "--help lists them)");
            return 2;
        }
        if (parse.Errors.Count > 0)
        {
            err.WriteLine(
                $"{name}: {parse.Errors[0].Message} (./workspace {(command == root ? "" : name + " ")}--help lists " +
                "the options)");
            return 2;
        }
        var verb = Verbs.First(v => v.Name == command.Name);
        try
        {
            // Before LibTorch loads: a pipeline's decoder and writers get the cores OpenMP would spin on.
            if (verb == ExplainCommand.Verb || verb == BenchCommand.Verb && argv.Contains("explain-data"))
                OpenMpWaiting.PreferShortSpin();
            // Before any convolution: this machine's way of running them right (setup and the check choose it).
            if (verb != SetupCommand.Verb && verb != CheckConvolutionsCommand.Verb) ConvolutionGuard.Ensure(
                err.WriteLine);
            return verb.Run(ToArgs(parse, command, verb));
        }
        catch (UsageException e)
        {
            err.WriteLine($"{verb.Name}: {e.Message} (./workspace {verb.Name} --help lists the options)");
            return 2;
        }
        catch (Exception e)
        {
            err.WriteLine($"{verb.Name}: {UserMessage.Of(e)}");
            if (parse.GetValue(Verbose))
            {
                if (e.Data["details"] is string details) err.WriteLine(details);
                err.WriteLine(e);
            }
            else if (UserMessage.IsUnexpected(e)) err.WriteLine(
                $"{verb.Name}: (an unexpected failure: --verbose prints where it happened)");
            return 1;
        }
    }

    /// <summary>The command tree: one subcommand per verb, its options and arguments declared for help and
    /// parsing.</summary>
    static RootCommand Root()
    {
        var root = new RootCommand("The research workspace: Grad-CAM for video classifiers and visual odometry. " +
                                   "Profiles: quick (default, minutes on 2 cores) or full (the real figures); also " +
                                   $"${Profiles.EnvironmentVariable}.");
        root.Options.Add(Verbose);
        foreach (var verb in Verbs)
        {
            var command = new Command(verb.Name, verb.Summary);
            foreach (var option in verb.Options)
            {
                Option declared = option.IsFlag
                    ? new Option<bool>("--" + option.Name) { Description = option.Description }
                    : new Option<string>("--" + option.Name) { Description = Describe(option),
                        HelpName = option.ValueName, Required = option.IsRequired };
                command.Options.Add(declared);
            }
            foreach (var (argName, description) in verb.Positionals)
                command.Arguments.Add(
                    new Argument<string>(argName) { Description = description, Arity = ArgumentArity.ZeroOrOne });
            command.SetAction(_ => 0);   // what runs is decided in Run: one place for errors and exit codes
            root.Subcommands.Add(command);
        }
        return root;
    }

    static string Describe(VerbOption o) => o.HelpDefault() is { } d ? $"{o.Description} [default: {d}]"
        : o.Description;

    /// <summary>The options the user gave (by name, without dashes) and the positional arguments.</summary>
    static Args ToArgs(ParseResult parse, Command command, Verb verb)
    {
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var option in command.Options)
        {
            if (parse.GetResult(option) is not { Implicit: false } result) continue;
            var name = option.Name.TrimStart('-');
            given[name] = option is Option<bool> ? (parse.GetValue((Option<bool>)option) ? null : "false")
                : result.Tokens.LastOrDefault()?.Value;
        }
        var positionals =
            command.Arguments.Select(a => parse.GetResult(a)?.Tokens.FirstOrDefault()?.Value).OfType<string>().ToList();
        var profile = given.TryGetValue("profile", out var p) && p is not null ? TryProfile(p) : null;
        return new Args(given, positionals, verb.Options, profile);
    }

    static Profile? TryProfile(string name)
    {
        try { return Profiles.Parse(name); } catch (ArgumentException) { return null; }
    }

    /// <summary>Reads --profile (falling back to the environment) and exports it for child processes.</summary>
    public static Profile ReadProfile(Args a, Profile? fallback = null)
    {
        Profile p;
        try
        {
            p = a.Given("profile") ? Profiles.Parse(a.Required("profile"))
                : fallback is { } f && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(
                    Profiles.EnvironmentVariable)) ? f : Profiles.FromEnvironment();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        Environment.SetEnvironmentVariable(Profiles.EnvironmentVariable, p.Name());
        return p;
    }
}
