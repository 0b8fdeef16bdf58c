using System.Xml.Linq;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace test</c>: every unit test (<c>dotnet test</c>), then the main job in the quick profile
/// (<c>reproduce</c>: every notebook headless, each one a test; the report opened in Chromium, one more test), and one
/// closing line <c>N passed, N failed, N skipped</c> summing every suite.
/// </summary>
public static class TestCommand
{
    public static readonly Verb Verb = new("test",
        "run unit tests, then reproduce (quick) with every notebook and the report check; prints 'N passed, N failed'",
        [Opt.Value("filter", "run only the unit tests that match (dotnet test --filter syntax); skips the notebooks",
            "EXPR", (string?)null), Opt.Profile], Run);

    public sealed record Counts(int Passed, int Failed, int Skipped)
    {
        public static Counts operator
            +(Counts a, Counts b) => new(a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);
        public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
    }

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var filter = a.Optional("filter");
        var root = WorkspacePaths.Root();
        var results = Path.Combine(WorkspacePaths.Artifacts(), "test-results");
        if (Directory.Exists(results)) Directory.Delete(results, recursive: true);
        var args =
            new List<string> { "test", Path.Combine(root, "tests", "VideoGradCam.Tests", "VideoGradCam.Tests.csproj"),
            "-c", "Release", "--logger", "trx", "--logger", "console;verbosity=normal", "--results-directory", results,
                "--blame",
            "--filter", filter ?? "Category!=Notebook" };
        Console.WriteLine($"test: profile {profile.Name()}; results in {results}");
        var run = ExternalProcess.Run("dotnet", args, root, onLine: Console.WriteLine);

        var suites = Directory.Exists(results) ? Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories) : [];
        var total = suites.Select(ReadTrx).Aggregate(new Counts(0, 0, 0), (x, y) => x + y);
        // A test host that crashed names the test it was running (--blame): that test failed.
        var crashed = CrashedTests(run.Output, results);
        foreach (var test in crashed) Console.WriteLine($"FAILED {test}: the test host crashed while running it");
        total = total with { Failed = total.Failed + crashed.Count };
        // A build failure or a crash that names no test writes no trx: count it as a failure, never as a pass.
        if (run.ExitCode != 0 && total.Failed == 0) total = total with { Failed = total.Failed + 1 };
        Console.WriteLine($"unit tests: {total}");
        if (filter is null) total += StudySuite(profile);
        Console.WriteLine(total.ToString());
        return total.Failed == 0 ? 0 : 1;
    }

    /// <summary>The main job as a suite: each notebook is a test, and so is the report's browser check.</summary>
    static Counts StudySuite(Profile profile)
    {
        Study.Pipeline.StudyPipeline.Outcome outcome;
        try { outcome = Study.Pipeline.StudyPipeline.Run(profile); }
        catch (Exception e)
        {
            Console.Error.WriteLine($"reproduce failed: {e}");
            return new Counts(0, 1, 0);
        }
        var notebooks = new Counts(outcome.Notebooks.Count(n => n.Passed), outcome.Notebooks.Count(n => !n.Passed), 0);
        foreach (var n in outcome.Notebooks.Where(n => !n.Passed)) Console.WriteLine(
            $"FAILED notebook {n.Notebook}: {n.Failure}");
        var (check, readable) = Task.Run(async () =>
        {
            await using var browser = await Plots.HeadlessBrowser.LaunchAsync();
            var report = await browser.CheckAsync(outcome.Report);
            // Strips a reader can read: frame labels are text in the page and every tile is at least 150 CSS px wide.
            var strips = await browser.CheckStripsAsync(outcome.Report);
            if (strips.Count == 0) report =
                report with { Errors = [.. report.Errors, "no frame strip with text labels in the report"] };
            foreach (var (labels, tile) in strips.Where(s => s.TileWidth < 150))
                report = report with { Errors =
                    [.. report.Errors, $"a strip's frame tiles are {tile:0} px wide (at least 150 expected)"] };
            var notebooksRead = new List<string>();
            foreach (var n in outcome.Notebooks.Where(n => n.Passed)) notebooksRead.AddRange(
                await ReadsWellAfterwards(browser, n));
            return (report, notebooksRead);
        }).GetAwaiter().GetResult();
        bool drew = check.Plots > 0 && check.PlotsWithSvg == check.Plots && check.Errors.Count == 0;
        Console.WriteLine(
            $"report check: {check.PlotsWithSvg}/{check.Plots} charts drew, {check.Errors.Count} JavaScript errors " +
            $"{(drew ? "ok" : "FAILED: " + string.Join("; ", check.Errors))}");
        var passedNotebooks = outcome.Notebooks.Where(n => n.Passed).ToList();
        var unreadable =
            passedNotebooks.Count(n => readable.Any(p => p.StartsWith(n.Notebook + ":", StringComparison.Ordinal)));
        foreach (var p in readable) Console.WriteLine($"FAILED reading an executed notebook: {p}");
        var afterwards = new Counts(passedNotebooks.Count - unreadable, unreadable, 0);
        Console.WriteLine(
            $"notebooks: {notebooks}; executed copies that read well (metadata, one progress output, charts drawn " +
            $"offline): {afterwards}");
        return notebooks + afterwards + new Counts(drew ? 1 : 0, drew ? 0 : 1, 0);
    }

    /// <summary>What does not read well in an executed notebook: its metadata, progress and plotly.js (from the
    /// .ipynb), and its HTML export opened in Chromium with every network request refused (each chart must
    /// draw).</summary>
    public static async Task<IReadOnlyList<string>> ReadsWellAfterwards(Plots.HeadlessBrowser browser,
        NotebookRunner.Outcome executed)
    {
        var problems = ExecutedNotebook.Load(executed.OutputPath).Problems().ToList();
        if (!File.Exists(executed.HtmlPath)) { problems.Add(
            $"{executed.Notebook}: no HTML export at {executed.HtmlPath}"); return problems; }
        var page = await browser.CheckAsync(executed.HtmlPath, offline: true);
        if (page.PlotsWithSvg != page.Plots)
            problems.Add(
                $"{executed.Notebook}: {page.PlotsWithSvg} of {page.Plots} charts drew offline in its HTML export " +
                $"({string.Join("; ", page.Errors.Take(3))})");
        return problems;
    }

    /// <summary>The tests a crashed test host was running: from blame's sequence files (<c>Sequence_*.xml</c>, tests
    /// not marked completed, else the last one) and from the console's "crash occurred" lines.</summary>
    public static IReadOnlyList<string> CrashedTests(string output, string resultsFolder)
    {
        var names = new List<string>();
        var sequences = Directory.Exists(resultsFolder)
            ? Directory.GetFiles(resultsFolder, "Sequence_*.xml", SearchOption.AllDirectories) : [];
        foreach (var file in sequences)
        {
            var tests = XDocument.Load(file).Descendants().Where(e => e.Name.LocalName == "Test").ToList();
            var open = tests.Where(t => (string?)t.Attribute("Completed") == "False").ToList();
            names.AddRange(
                (open.Count > 0 ? open : tests.TakeLast(1)).Select(t => (string?)t.Attribute("Name") ?? "?"));
        }
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        for (int i = 0; i < lines.Count; i++)
            if (lines[i].Contains("crash occurred:", StringComparison.Ordinal) ||
                lines[i].Contains("while executing following test(s):", StringComparison.Ordinal))
                for (int j = i + 1; j < lines.Count && lines[j].Length > 0 && !lines[j].Contains(' '); j++)
                    names.Add(lines[j]);
        return names.Distinct().ToList();
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
