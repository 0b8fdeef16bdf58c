using System.Xml.Linq;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace test</c>: every unit test and every notebook (headless, quick profile) through <c>dotnet test</c>,
/// then one closing line <c>N passed, N failed, N skipped</c> summing every suite.
/// </summary>
public static class TestCommand
{
    public static readonly Verb Verb = new("test", "test [--filter EXPR] [--profile quick|full]",
        "run unit tests and notebooks; prints 'N passed, N failed'", Run);

    public sealed record Counts(int Passed, int Failed, int Skipped)
    {
        public static Counts operator +(Counts a, Counts b) => new(a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);
        public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
    }

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var filter = a.Optional("filter");
        a.EnsureAllUsed();
        var root = WorkspacePaths.Root();
        var results = Path.Combine(WorkspacePaths.Artifacts(), "test-results");
        if (Directory.Exists(results)) Directory.Delete(results, recursive: true);
        var args = new List<string> { "test", Path.Combine(root, "tests", "VideoGradCam.Tests", "VideoGradCam.Tests.csproj"),
            "-c", "Release", "--logger", "trx", "--logger", "console;verbosity=normal", "--results-directory", results };
        if (filter != null) { args.Add("--filter"); args.Add(filter); }
        Console.WriteLine($"test: profile {profile.Name()}; results in {results}");
        var run = ExternalProcess.Run("dotnet", args, root, onLine: Console.WriteLine);

        var suites = Directory.Exists(results) ? Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories) : [];
        var total = suites.Select(ReadTrx).Aggregate(new Counts(0, 0, 0), (x, y) => x + y);
        // A build failure or a crashed test host writes no trx: count it as a failure, never as a pass.
        if (run.ExitCode != 0 && total.Failed == 0) total = total with { Failed = total.Failed + 1 };
        Console.WriteLine(total.ToString());
        return total.Failed == 0 && run.ExitCode == 0 ? 0 : 1;
    }

    /// <summary>Counts of one Visual Studio test results (.trx) file.</summary>
    public static Counts ReadTrx(string path)
    {
        var doc = XDocument.Load(path);
        var c = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters")
                ?? throw new InvalidDataException($"{path}: no <Counters> element in the test results.");
        int N(string attr) => int.TryParse(c.Attribute(attr)?.Value, out var v) ? v : 0;
        return new Counts(N("passed"), N("failed") + N("error") + N("timeout") + N("aborted"), N("notExecuted"));
    }
}
