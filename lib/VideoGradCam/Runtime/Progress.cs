using System.Diagnostics;
using System.Net;

namespace VideoGradCam.Runtime;

/// <summary>A snapshot of a long loop: what is done, how fast, how long is left.</summary>
public sealed record ProgressState(string Title, int Done, int Total, TimeSpan Elapsed, string? Status)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
    public double RatePerSecond => Elapsed.TotalSeconds <= 0 ? 0 : Done / Elapsed.TotalSeconds;
    public TimeSpan? Remaining => Done <= 0 || Total <= 0 ? null
        : TimeSpan.FromSeconds(Elapsed.TotalSeconds / Done * (Total - Done));

    public string Text(int barWidth = 24)
    {
        int filled = (int)Math.Round(Fraction * barWidth);
        var eta = Remaining is { } r ? $", {Format(r)} left" : "";
        var status = Status is { Length: > 0 } ? $"  {Status}" : "";
        return $"{Title} [{new string('#', filled)}{new string('-', barWidth - filled)}] {Done}/{Total} " +
               $"({RatePerSecond:0.##}/s, {Format(Elapsed)} elapsed{eta}){status}";
    }

    public string Html()
    {
        var eta = Remaining is { } r ? $" · {Format(r)} left" : "";
        return $"<div style=\"font-family:monospace\"><b>{WebUtility.HtmlEncode(Title)}</b> " +
               $"<progress value=\"{Done}\" max=\"{Math.Max(Total, 1)}\" style=\"width:240px\"></progress> " +
               $"{Done}/{Total} · {RatePerSecond:0.##}/s · {Format(Elapsed)} elapsed{eta}" +
               $"<br/>{WebUtility.HtmlEncode(Status ?? "")}</div>";
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}

/// <summary>Where progress is shown. The console view is the default; the notebook bootstrap installs a view that
/// updates one cell output in place.</summary>
public interface IProgressView
{
    void Show(ProgressState state, bool final);
}

/// <summary>
/// Progress for every long loop (training epochs, clips processed, notebooks run), one API for the console and
/// notebooks: <c>using var p = new Progress("train", epochs); ... p.Advance("loss 0.3");</c>.
/// </summary>
public sealed class Progress : IDisposable
{
    /// <summary>Makes the view for each new progress; notebooks replace it (see notebooks/bootstrap.csx).</summary>
    public static Func<IProgressView> ViewFactory { get; set; } = () => new ConsoleProgressView(Console.Error);

    readonly IProgressView _view;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly string _title;
    readonly int _total;
    int _done;
    string? _status;
    bool _finished;

    public Progress(string title, int total, IProgressView? view = null)
    {
        _title = title;
        _total = total;
        _view = view ?? ViewFactory();
        _view.Show(State, final: false);
    }

    public ProgressState State => new(_title, _done, _total, _clock.Elapsed, _status);

    public void Advance(string? status = null, int steps = 1)
    {
        _done += steps;
        _status = status ?? _status;
        _view.Show(State, final: false);
    }

    public void Status(string status)
    {
        _status = status;
        _view.Show(State, final: false);
    }

    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        _view.Show(State, final: true);
    }

    /// <summary>Enumerate <paramref name="items"/> with a progress display.</summary>
    public static IEnumerable<T> Over<T>(IReadOnlyCollection<T> items, string title)
    {
        using var p = new Progress(title, items.Count);
        foreach (var item in items)
        {
            yield return item;
            p.Advance();
        }
    }
}

/// <summary>A progress bar on a terminal (redrawn with \r), or throttled lines when output is redirected.</summary>
public sealed class ConsoleProgressView(TextWriter writer) : IProgressView
{
    readonly bool _interactive = !Console.IsErrorRedirected;
    readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    bool _shownOnce;
    int _lastDone = -1;

    public void Show(ProgressState state, bool final)
    {
        if (_interactive)
        {
            if (!final && _shownOnce && _sinceLast.ElapsedMilliseconds < 100) return;
            // The final call only ends the line when the last drawn state is already complete.
            writer.Write(final && state.Done == _lastDone ? Environment.NewLine : "\r" + state.Text()
                + (final ? Environment.NewLine : ""));
            _lastDone = state.Done;
        }
        else
        {
            // A log file gets a line at most every 5 s, plus the first and the last.
            if (!final && _shownOnce && _sinceLast.ElapsedMilliseconds < 5000) return;
            writer.WriteLine(state.Text());
        }
        writer.Flush();
        _shownOnce = true;
        _sinceLast.Restart();
    }
}
